/**
 * The clusters generator: one param set per cluster Secret matching `selector`, plus the local
 * cluster (in-cluster) when the selector is empty and no Secret already names it. Credentials
 * never become params. `flatList: true` yields a single param set `{ clusters: [...] }`.
 */
import { z } from 'zod';
import { labelSelectorSchema } from '../src/api/selector.ts';
import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER, type Cluster } from '../src/clusters/types.ts';
import { SpokesError } from '../src/errors.ts';
import { isEmptySelector, matchesSelector, selectorProblem } from '../src/labels.ts';
import type { Params } from '../src/params.ts';
import { typed } from '../src/template/go/value.ts';
import { sanitizeName } from '../src/template/sanitize.ts';
import type { Generator } from './types.ts';
import { withValues } from './values.ts';

const clustersSpecSchema = z.strictObject({
  selector: labelSelectorSchema.nullish(),
  values: z.record(z.string(), z.string()).nullish(),
  flatList: z.boolean().nullish(),
});

type ClustersSpec = z.infer<typeof clustersSpecSchema>;

export const clustersGenerator: Generator<ClustersSpec> = {
  name: 'clusters',
  schema: clustersSpecSchema,
  async generate(spec, ctx) {
    const selector = spec.selector ?? undefined;
    const problem = selector && selectorProblem(selector);
    if (problem) throw new SpokesError('InvalidSelector', `selector.${problem}`);

    const selected = uniqueByName(
      (await ctx.clusters.list()).filter(
        (c) => selector === undefined || matchesSelector(selector, c.labels),
      ),
    );
    const goTemplate = ctx.renderer.mode.goTemplate;
    const params = selected.map((cluster) => clusterParams(cluster, goTemplate));
    if (isEmptySelector(selector) && !selected.some((c) => c.server === IN_CLUSTER_SERVER)) {
      params.push({
        name: IN_CLUSTER_NAME,
        nameNormalized: IN_CLUSTER_NAME,
        server: IN_CLUSTER_SERVER,
        project: '',
      });
    }
    const withTemplatedValues = params.map((p) => withValues(p, spec.values, ctx.renderer));
    return spec.flatList ? [{ clusters: withTemplatedValues }] : withTemplatedValues;
  },
};

/** Secrets naming the same cluster collapse to one; the later Secret wins, as in Argo CD. */
function uniqueByName(clusters: readonly Cluster[]): Cluster[] {
  const byName = new Map<string, Cluster>();
  for (const cluster of clusters) byName.set(cluster.name, cluster);
  return [...byName.values()];
}

/**
 * Annotations Argo CD or kubectl write onto cluster Secrets as their own state, or one-shot
 * Application triggers: Argo CD does not expose them as params (copied into an Application they
 * would loop a refresh or leak the Secret's last applied content).
 */
const HIDDEN_ANNOTATIONS = new Set([
  'argocd.argoproj.io/refresh',
  'argocd.argoproj.io/hydrate',
  'argocd.argoproj.io/tracking-id',
  'argocd.argoproj.io/installation-id',
  'kubectl.kubernetes.io/last-applied-configuration',
]);

function clusterParams(cluster: Cluster, goTemplate: boolean): Params {
  const params: Params = {
    name: cluster.name,
    nameNormalized: sanitizeName(cluster.name),
    server: cluster.server,
    project: cluster.project ?? '',
  };
  const annotations = Object.fromEntries(
    Object.entries(cluster.annotations).filter(([key]) => !HIDDEN_ANNOTATIONS.has(key)),
  );
  if (goTemplate) {
    // map[string]string in Argo CD: `index` of a missing key is "", not <no value>. The
    // annotations key exists whenever the Secret has annotations, hidden ones included.
    params.metadata = {
      ...(Object.keys(cluster.annotations).length > 0 ? { annotations: typed(annotations, 'string') } : {}),
      ...(Object.keys(cluster.labels).length > 0 ? { labels: typed({ ...cluster.labels }, 'string') } : {}),
    };
    return params;
  }
  for (const [key, value] of Object.entries(annotations)) params[`metadata.annotations.${key}`] = value;
  for (const [key, value] of Object.entries(cluster.labels)) params[`metadata.labels.${key}`] = value;
  return params;
}
