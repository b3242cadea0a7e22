/**
 * Reading a spoke on a signed-in user's behalf, with the credentials of its cluster Secret (which
 * never leave this process): the live objects of an Application's managed resources and the
 * objects they own. Only what the Application's status lists can be asked for, so the dashboard
 * is no window onto the rest of a spoke.
 */
import type { Cluster } from '../clusters/types.ts';
import { KubeClient } from '../kube/client.ts';
import type { KubeObject, ResourceType } from '../kube/types.ts';
import { IN_CLUSTER, normalizeServer } from './fleet.ts';

/** Spoke requests on a page's behalf fail fast: a hung spoke shows as an error, not a spinner. */
const SPOKE_TIMEOUT_MS = 10_000;

export interface ManagedResource {
  readonly group?: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly status?: string;
  readonly health?: { readonly status?: string; readonly message?: string };
  readonly requiresPruning?: boolean;
}

/** Clients for spokes, one per cluster Secret version; the hub's own for in-cluster. */
export class SpokeClients {
  readonly #hub: KubeClient;
  readonly #clients = new Map<string, { version: string; client: KubeClient }>();

  constructor(hub: KubeClient) {
    this.#hub = hub;
  }

  /** The client for the cluster with this server among `clusters`, or undefined when none is registered. */
  clientFor(server: string, clusters: readonly Cluster[]): KubeClient | undefined {
    const key = normalizeServer(server);
    const cluster = clusters.find((c) => normalizeServer(c.server) === key);
    const credentials = cluster?.config.reveal() ?? {};
    if (key === IN_CLUSTER.server && Object.keys(credentials).length === 0) return this.#hub;
    if (cluster === undefined) return undefined;
    const version = JSON.stringify([cluster.server, credentials]);
    let entry = this.#clients.get(key);
    if (entry?.version !== version) {
      entry = {
        version,
        client: KubeClient.fromClusterConfig(cluster.server, credentials, { timeoutMs: SPOKE_TIMEOUT_MS }),
      };
      this.#clients.set(key, entry);
    }
    return entry.client;
  }
}

export function apiVersionOf(r: { group?: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The live object of a managed resource, or undefined when it does not exist. */
export async function liveObject(client: KubeClient, r: ManagedResource): Promise<KubeObject | undefined> {
  const type = await client.resourceFor(apiVersionOf(r), r.kind);
  return client.get(type, type.namespaced ? r.namespace : undefined, r.name);
}

/** Kinds whose objects are found by their owner references (Argo CD shows the same children). */
const CHILD_TYPES: readonly ResourceType[] = [
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', namespaced: true },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    namespaced: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'ControllerRevision',
    plural: 'controllerrevisions',
    namespaced: true,
  },
];

/** One node of the resource tree: metadata and a short state, never an object's content. */
export interface TreeNode {
  readonly uid: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly parents: readonly string[];
  readonly managed: boolean;
  readonly status?: string;
  readonly health?: string;
  readonly message?: string;
  readonly info?: string;
  readonly createdAt?: string;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function managedNode(r: ManagedResource, live: KubeObject | undefined, index: number): TreeNode {
  return {
    uid: live?.metadata.uid ?? `missing-${index}`,
    group: r.group ?? '',
    version: r.version,
    kind: r.kind,
    namespace: r.namespace ?? '',
    name: r.name,
    parents: [],
    managed: true,
    ...(r.status ? { status: r.status } : {}),
    ...(r.health?.status ? { health: r.health.status } : {}),
    ...(r.health?.message ? { message: r.health.message } : {}),
    ...(live === undefined ? { info: 'not on the cluster' } : {}),
    ...(r.requiresPruning ? { info: 'requires pruning' } : {}),
    ...(live?.metadata.creationTimestamp ? { createdAt: live.metadata.creationTimestamp } : {}),
  };
}

function podState(obj: KubeObject, status: Record<string, unknown>): { health: string; info: string } {
  const phase = typeof status['phase'] === 'string' ? status['phase'] : 'Pending';
  const conditions = (status['conditions'] ?? []) as { type?: string; status?: string }[];
  const ready = conditions.some((c) => c.type === 'Ready' && c.status === 'True');
  if (phase === 'Failed') return { health: 'Degraded', info: phase };
  const healthy = phase === 'Succeeded' || (phase === 'Running' && ready);
  return { health: healthy ? 'Healthy' : 'Progressing', info: ready ? `${phase}, ready` : phase };
}

function replicaSetState(obj: KubeObject, status: Record<string, unknown>): { health: string; info: string } {
  const want = Number((obj['spec'] as { replicas?: number } | undefined)?.replicas ?? 0);
  const ready = Number(status['readyReplicas'] ?? 0);
  return { health: ready >= want ? 'Healthy' : 'Progressing', info: `${ready}/${want} ready` };
}

function jobState(status: Record<string, unknown>): { health: string } {
  if (status['completionTime'] !== undefined) return { health: 'Healthy' };
  return { health: Number(status['failed'] ?? 0) > 0 ? 'Degraded' : 'Progressing' };
}

/** A child's health, from its own fields (the sync records health for managed resources only). */
function childState(obj: KubeObject): { health?: string; info?: string } {
  const status = (obj['status'] ?? {}) as Record<string, unknown>;
  if (obj.kind === 'Pod') return podState(obj, status);
  if (obj.kind === 'ReplicaSet') return replicaSetState(obj, status);
  if (obj.kind === 'Job') return jobState(status);
  return {};
}

function childNode(obj: KubeObject, parents: readonly string[]): TreeNode {
  const { group, version } = splitApiVersion(obj.apiVersion);
  const state = childState(obj);
  return {
    uid: obj.metadata.uid ?? '',
    group,
    version,
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    parents,
    managed: false,
    ...(state.health ? { health: state.health } : {}),
    ...(state.info ? { info: state.info } : {}),
    ...(obj.metadata.creationTimestamp ? { createdAt: obj.metadata.creationTimestamp } : {}),
  };
}

/** The managed resources and, through owner references, what they own (ReplicaSets, Pods, …). */
export async function resourceTree(
  client: KubeClient,
  resources: readonly ManagedResource[],
): Promise<TreeNode[]> {
  const lives = await Promise.all(resources.map((r) => liveObject(client, r).catch(() => undefined)));
  const nodes = resources.map((r, i) => managedNode(r, lives[i], i));
  const namespaces = [...new Set(resources.flatMap((r) => (r.namespace ? [r.namespace] : [])))];
  const candidates = (
    await Promise.all(
      namespaces.flatMap((namespace) =>
        CHILD_TYPES.map((type) =>
          client.list<KubeObject>(type, { namespace }).then(
            (list) => list.items,
            () => [] as KubeObject[],
          ),
        ),
      ),
    )
  ).flat();
  const known = new Set(nodes.map((n) => n.uid));
  // Owners before children: each pass adds the objects whose owner is already in the tree.
  let added = true;
  while (added) {
    added = false;
    for (const obj of candidates) {
      const uid = obj.metadata.uid ?? '';
      if (uid === '' || known.has(uid)) continue;
      const parents = (obj.metadata.ownerReferences ?? []).map((o) => o.uid).filter((p) => known.has(p));
      if (parents.length === 0) continue;
      nodes.push(childNode(obj, parents));
      known.add(uid);
      added = true;
    }
  }
  return nodes;
}
