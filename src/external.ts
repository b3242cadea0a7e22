/**
 * The sources of the generators that ask other systems (clusterDecisionResource, plugin,
 * pullRequest, scmProvider). A caller that supplies none gets sources that fail with an error
 * naming what is missing and how to supply it offline, so an ApplicationSet using them never
 * silently expands to nothing.
 */
import type { ClusterDecisionSource } from './clusters/decisions.ts';
import { SpokesError } from './errors.ts';
import type { PluginSource } from './plugin/types.ts';
import type { ScmSource } from './scm/types.ts';

export interface ExternalSources {
  readonly clusterDecisions?: ClusterDecisionSource;
  readonly plugins?: PluginSource;
  readonly scm?: ScmSource;
}

function unavailable(what: string, flag: string): SpokesError {
  return new SpokesError(
    'SourceUnavailable',
    `${what} are not available here; offline, pass them with ${flag}`,
  );
}

const noClusterDecisions: ClusterDecisionSource = {
  configMap: () => Promise.reject(unavailable('cluster decision resources', '--cluster-decisions FILE')),
  list: () => Promise.reject(unavailable('cluster decision resources', '--cluster-decisions FILE')),
};

const noPlugins: PluginSource = {
  call: (name) =>
    Promise.reject(unavailable(`generator plugins (ConfigMap "${name}")`, `--plugin ${name}=URL`)),
};

const noScm: ScmSource = {
  pullRequests: () => Promise.reject(unavailable('SCM provider answers', '--scm-fixture FILE')),
  scmProvider: () => Promise.reject(unavailable('SCM provider answers', '--scm-fixture FILE')),
};

/** Every source, the missing ones standing in with a clear error. */
export function withExternalDefaults(sources: ExternalSources): Required<ExternalSources> {
  return {
    clusterDecisions: sources.clusterDecisions ?? noClusterDecisions,
    plugins: sources.plugins ?? noPlugins,
    scm: sources.scm ?? noScm,
  };
}
