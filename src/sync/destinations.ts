/**
 * Where an Application goes: `destination.server` or `destination.name` resolved to a registered
 * cluster (a cluster Secret, or the hub itself for https://kubernetes.default.svc / in-cluster),
 * with one API client per cluster, rebuilt when its Secret changes. Credentials stay inside the
 * client; errors name the destination, never the Secret's content.
 */
import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER, type Cluster } from '../clusters/types.ts';
import { SpokesError } from '../errors.ts';
import { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';

export interface ResolvedDestination {
  /** The cache key of the cluster: its server URL. */
  readonly server: string;
  readonly name: string;
  readonly client: KubeClient;
  /** Namespaced mode (the cluster Secret lists `namespaces`): what may be watched and managed. */
  readonly scope?: ClusterScope;
}

/**
 * A cluster Secret's `namespaces` (non-empty) and `clusterResources`, as Argo CD reads them: only
 * those namespaces are watched and managed, cluster-scoped resources only with clusterResources.
 */
export interface ClusterScope {
  readonly namespaces: readonly string[];
  readonly clusterResources: boolean;
}

export interface DestinationRef {
  readonly server?: string | undefined;
  readonly name?: string | undefined;
}

/** Spoke requests fail after this long, so a hung spoke holds only its own queue. */
const SPOKE_TIMEOUT_MS = 15_000;

export interface DestinationsOptions {
  /** The write guard of a cluster's client, by server URL (its shard's fence). */
  readonly guardFor?: (server: string) => () => void;
  /** Sent as User-Agent to the spokes. */
  readonly userAgent?: string;
}

export class Destinations {
  readonly #hub: KubeClient;
  readonly #options: DestinationsOptions;
  readonly #clients = new Map<string, { readonly version: string; readonly client: KubeClient }>();

  constructor(hub: KubeClient, options: DestinationsOptions = {}) {
    this.#options = options;
    const guard = options.guardFor?.(IN_CLUSTER_SERVER);
    // The hub as a destination (in-cluster) is fenced like any spoke.
    this.#hub = guard === undefined ? hub : hub.guarded(guard);
  }

  /** The cluster an Application's destination names, among the registered `clusters`. */
  resolve(dest: DestinationRef, clusters: readonly Cluster[]): ResolvedDestination {
    const server = dest.server ?? '';
    const name = dest.name ?? '';
    if (server !== '' && name !== '') {
      throw new SpokesError('InvalidSpec', 'spec.destination: set either server or name, not both');
    }
    if (server === '' && name === '') {
      throw new SpokesError('InvalidSpec', 'spec.destination: a server or a name is required');
    }
    const cluster =
      server !== ''
        ? clusters.find((c) => sameServer(c.server, server))
        : clusters.find((c) => c.name === name);
    if (cluster !== undefined) return this.#forCluster(cluster);
    if (sameServer(server, IN_CLUSTER_SERVER) || name === IN_CLUSTER_NAME) {
      return { server: IN_CLUSTER_SERVER, name: IN_CLUSTER_NAME, client: this.#hub };
    }
    const what = server !== '' ? `server "${server}"` : `name "${name}"`;
    throw new SpokesError(
      'InvalidSpec',
      `spec.destination: no cluster Secret registers ${what} (argocd.argoproj.io/secret-type: cluster)`,
    );
  }

  /** Drops clients whose cluster Secret is gone. */
  prune(clusters: readonly Cluster[]): void {
    const servers = new Set(clusters.map((c) => normalizeServer(c.server)));
    for (const key of this.#clients.keys()) if (!servers.has(key)) this.#clients.delete(key);
  }

  #forCluster(cluster: Cluster): ResolvedDestination {
    const key = normalizeServer(cluster.server);
    const scope: ClusterScope | undefined =
      cluster.namespaces.length > 0
        ? { namespaces: cluster.namespaces, clusterResources: cluster.clusterResources }
        : undefined;
    const scoped = scope === undefined ? {} : { scope };
    if (key === normalizeServer(IN_CLUSTER_SERVER) && Object.keys(cluster.config.reveal()).length === 0) {
      // An in-cluster Secret without credentials (Argo's way of renaming or labelling in-cluster).
      return {
        server: IN_CLUSTER_SERVER,
        name: cluster.name || IN_CLUSTER_NAME,
        client: this.#hub,
        ...scoped,
      };
    }
    // The Secret's content decides when a client (and so its live cache) is rebuilt: new token,
    // CA, server or namespaces.
    const version = JSON.stringify([cluster.server, cluster.config.reveal(), scope]);
    let entry = this.#clients.get(key);
    if (entry?.version !== version) {
      entry = {
        version,
        client: KubeClient.fromClusterConfig(cluster.server, cluster.config.reveal(), {
          timeoutMs: SPOKE_TIMEOUT_MS,
          ...(this.#options.userAgent === undefined ? {} : { userAgent: this.#options.userAgent }),
          ...(this.#options.guardFor === undefined
            ? {}
            : { writeGuard: this.#options.guardFor(cluster.server) }),
        }),
      };
      this.#clients.set(key, entry);
    }
    return { server: cluster.server, name: cluster.name, client: entry.client, ...scoped };
  }
}

/**
 * Why a namespaced-mode cluster does not manage one of these objects (Argo CD's words), or
 * undefined when it manages them all (or the cluster is not in namespaced mode).
 */
export function unmanagedInScope(
  scope: ClusterScope | undefined,
  objects: readonly KubeObject[],
): string | undefined {
  if (scope === undefined) return undefined;
  for (const obj of objects) {
    const namespace = obj.metadata.namespace ?? '';
    if (namespace === '' && !scope.clusterResources)
      return `cluster level ${obj.kind} "${obj.metadata.name}" can not be managed when in namespaced mode`;
    if (namespace !== '' && !scope.namespaces.includes(namespace))
      return `namespace "${namespace}" for ${obj.kind} "${obj.metadata.name}" is not managed`;
  }
  return undefined;
}

export function normalizeServer(server: string): string {
  return server.trim().replace(/\/+$/, '');
}

function sameServer(a: string, b: string): boolean {
  return a !== '' && normalizeServer(a) === normalizeServer(b);
}
