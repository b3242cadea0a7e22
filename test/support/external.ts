/** In-memory sources for the generators that ask other systems (unit tests). */
import { parseApplicationSet } from '../../src/api/applicationset.ts';
import type { Application } from '../../src/api/application.ts';
import type { ClusterDecisionSource, DuckObject } from '../../src/clusters/decisions.ts';
import type { Cluster } from '../../src/clusters/types.ts';
import { expand } from '../../src/expand.ts';
import type { ExternalSources } from '../../src/external.ts';
import { matchesSelector } from '../../src/labels.ts';
import type { PluginRequest, PluginSource } from '../../src/plugin/types.ts';
import { parseYamlDocuments } from '../../src/yaml.ts';
import { noRepos, staticClusters } from './expand.ts';

export function memoryDecisions(
  configMaps: Readonly<Record<string, Record<string, string>>>,
  objects: readonly (DuckObject & { readonly resource: string })[],
): ClusterDecisionSource {
  return {
    configMap: (name) => Promise.resolve(configMaps[name]),
    list: (resource, selection) =>
      Promise.resolve(
        objects
          .filter((o) => o.resource === resource.resource)
          .filter((o) =>
            'name' in selection
              ? o.metadata.name === selection.name
              : matchesSelector(selection.labelSelector, o.metadata.labels ?? {}),
          ),
      ),
  };
}

/** A plugin source answering `answer` and recording every call. */
export function memoryPlugin(
  answer: unknown,
): PluginSource & { readonly calls: { name: string; request: PluginRequest }[] } {
  const calls: { name: string; request: PluginRequest }[] = [];
  return {
    calls,
    call: (name, request) => {
      calls.push({ name, request });
      return Promise.resolve(answer);
    },
  };
}

export async function expandWith(
  yaml: string,
  sources: ExternalSources,
  clusters: readonly Cluster[] = [],
): Promise<Application[]> {
  const [doc] = parseYamlDocuments(yaml, 'appset.yaml');
  return expand(parseApplicationSet(doc, 'appset.yaml'), {
    clusters: staticClusters(clusters),
    repos: noRepos,
    ...sources,
  });
}
