/**
 * Where an Application goes: `destination.server` or `destination.name` resolved to a registered
 * cluster (a cluster Secret, or the hub itself for https://kubernetes.default.svc / in-cluster),
 * with one API client per cluster, rebuilt when its Secret changes. Credentials stay inside the
 * client; errors name the destination, never the Secret's content.
 */
import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER, type Cluster } from '../clusters/types.ts';
import { SpokesError } from '../errors.ts';
import { KubeClient } from '../kube/client.ts';

export interface ResolvedDestination {
  /** The cache key of the cluster: its server URL. */
  readonly server: string;
  readonly name: string;
  readonly client: KubeClient;
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
    if (key === normalizeServer(IN_CLUSTER_SERVER) && Object.keys(cluster.config.reveal()).length === 0) {
      // An in-cluster Secret without credentials (Argo's way of renaming or labelling in-cluster).
      return { server: IN_CLUSTER_SERVER, name: cluster.name || IN_CLUSTER_NAME, client: this.#hub };
    }
    // The Secret's content decides when a client is rebuilt: new token, CA or server.
    const version = JSON.stringify([cluster.server, cluster.config.reveal()]);
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
    return { server: cluster.server, name: cluster.name, client: entry.client };
  }
}

export function normalizeServer(server: string): string {
  return server.trim().replace(/\/+$/, '');
}

function sameServer(a: string, b: string): boolean {
  return a !== '' && normalizeServer(a) === normalizeServer(b);
}
