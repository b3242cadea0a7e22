/**
 * The clusterDecisionResource generator (Argo CD's duck-type generator): a ConfigMap names a
 * resource (`apiVersion`, `kind` = its plural resource name, `statusListKey` default `clusters`,
 * `matchKey`); the objects of that resource selected by `name` or `labelSelector` list cluster
 * decisions under `status.<statusListKey>`. Each decision whose `matchKey` value names a
 * registered cluster (in-cluster included) gives one param set: the cluster's `name` and
 * `server`, then every field of the decision as Go's `%v` string, then `values` as written.
 */
import { z } from 'zod';
import { labelSelectorSchema, type LabelSelector } from '../src/api/selector.ts';
import type { DuckObject, DuckResource, DuckSelection } from '../src/clusters/decisions.ts';
import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER } from '../src/clusters/types.ts';
import { SpokesError } from '../src/errors.ts';
import { describeValue, isPlainObject, type Params } from '../src/params.ts';
import { formatGoValue } from '../src/template/go-format.ts';
import type { Generator, GeneratorContext } from './types.ts';

const clusterDecisionResourceSpecSchema = z.strictObject({
  configMapRef: z.string(),
  name: z.string().nullish(),
  requeueAfterSeconds: z.number().int().min(0).nullish(),
  labelSelector: labelSelectorSchema.nullish(),
  values: z.record(z.string(), z.string()).nullish(),
});

export type ClusterDecisionResourceSpec = z.infer<typeof clusterDecisionResourceSpecSchema>;

const DEFAULT_STATUS_LIST_KEY = 'clusters';

export const clusterDecisionResourceGenerator: Generator<ClusterDecisionResourceSpec> = {
  name: 'clusterDecisionResource',
  schema: clusterDecisionResourceSpecSchema,
  async generate(spec, ctx) {
    const clusters = await clusterNames(ctx);
    const data = await ctx.clusterDecisions.configMap(spec.configMapRef);
    if (data === undefined) {
      throw new SpokesError(
        'ObjectNotFound',
        `error reading configMapRef: ConfigMap "${spec.configMapRef}" not found in the control-plane namespace`,
      );
    }
    const resource = duckResource(data);
    const selection = selectionOf(spec);
    const objects = await ctx.clusterDecisions.list(resource, selection);
    if (objects.length === 0) throw new SpokesError('ObjectNotFound', 'no clusterDecisionResources found');
    const statusListKey = data.statusListKey || DEFAULT_STATUS_LIST_KEY;
    const matchKey = data.matchKey ?? '';
    // As Argo CD: no matchKey, or no decisions at all, means no Applications.
    if (matchKey === '') return [];
    const goTemplate = ctx.renderer.mode.goTemplate;
    const params: Params[] = [];
    for (const decision of decisionsOf(objects, statusListKey)) {
      const cluster = findCluster(clusters, decision, matchKey);
      if (cluster === undefined) continue;
      const p: Params = { name: cluster.name, server: cluster.server };
      for (const [key, value] of Object.entries(decision)) p[key] = formatGoValue(value);
      params.push(withRawValues(p, spec.values, goTemplate));
    }
    return params;
  },
  requeueAfterSeconds(spec, pollSeconds) {
    const seconds = spec.requeueAfterSeconds ?? pollSeconds;
    return seconds > 0 ? seconds : undefined;
  },
};

interface ClusterRef {
  readonly name: string;
  readonly server: string;
}

/** Registered clusters by name, with in-cluster added when no Secret names its server (Argo's ListClusters). */
async function clusterNames(ctx: GeneratorContext): Promise<ClusterRef[]> {
  const clusters: ClusterRef[] = (await ctx.clusters.list()).map((c) => ({ name: c.name, server: c.server }));
  if (!clusters.some((c) => c.server === IN_CLUSTER_SERVER))
    clusters.push({ name: IN_CLUSTER_NAME, server: IN_CLUSTER_SERVER });
  return clusters;
}

function duckResource(data: Readonly<Record<string, string>>): DuckResource {
  const apiVersion = data.apiVersion ?? '';
  const kind = data.kind ?? '';
  const slash = apiVersion.indexOf('/');
  if (kind === '' || slash < 1) {
    throw new SpokesError(
      'InvalidSpec',
      `there is a problem with the apiVersion, kind or resourceName provided (ConfigMap apiVersion ${JSON.stringify(apiVersion)}, kind ${JSON.stringify(kind)}: expected group/version and the plural resource name)`,
    );
  }
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), resource: kind };
}

function selectionOf(spec: ClusterDecisionResourceSpec): DuckSelection {
  const name = spec.name ?? '';
  const selector: LabelSelector = spec.labelSelector ?? {};
  const hasSelector = selector.matchLabels != null || selector.matchExpressions != null;
  if ((name === '') === !hasSelector) {
    throw new SpokesError(
      'InvalidSpec',
      'there is a problem with the definition of the ClusterDecisionResource generator: set either name or labelSelector',
    );
  }
  return name !== '' ? { name } : { labelSelector: selector };
}

/** Every decision of every object with a status, in order. */
function decisionsOf(objects: readonly DuckObject[], statusListKey: string): Record<string, unknown>[] {
  const decisions: Record<string, unknown>[] = [];
  for (const obj of objects) {
    const status = obj.status;
    if (!isPlainObject(status) || Object.keys(status).length === 0) continue;
    const list = status[statusListKey];
    if (!Array.isArray(list)) {
      throw new SpokesError(
        'InvalidSpec',
        `${obj.metadata.name}: status.${statusListKey}: expected a list of decisions, got ${describeValue(list)}`,
      );
    }
    for (const [i, item] of list.entries()) {
      if (!isPlainObject(item)) {
        throw new SpokesError(
          'InvalidSpec',
          `${obj.metadata.name}: status.${statusListKey}[${i}]: expected a map, got ${describeValue(item)}`,
        );
      }
      decisions.push(item);
    }
  }
  return decisions;
}

function findCluster(
  clusters: readonly ClusterRef[],
  decision: Readonly<Record<string, unknown>>,
  matchKey: string,
): ClusterRef | undefined {
  const value = decision[matchKey];
  if (value === undefined || value === null) return undefined;
  const name = formatGoValue(value);
  if (name === '') return undefined;
  return clusters.find((c) => c.name === name);
}

/** Argo CD adds this generator's `values` as written (they are not templates here). */
function withRawValues(
  params: Params,
  values: Readonly<Record<string, string>> | null | undefined,
  goTemplate: boolean,
): Params {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return params;
  if (goTemplate) return { ...params, values: Object.fromEntries(entries) };
  const out = { ...params };
  for (const [key, value] of entries) out[`values.${key}`] = value;
  return out;
}
