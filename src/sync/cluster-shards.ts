/**
 * Which shard an Application's destination cluster is in: by the cluster's server URL (or its
 * Secret's `shard` pin), a destination by name through the cluster Secret of that name. Kept as
 * an index rebuilt when cluster Secrets change, since every enqueue asks.
 */
import type { Cluster } from '../clusters/types.ts';
import type { Logger } from '../log.ts';
import { clusterShard } from '../shards/hash.ts';
import { normalizeServer } from './destinations.ts';

export class ClusterShards {
  readonly #shards: number;
  readonly #log: Logger;
  #byServer = new Map<string, number>();
  #serverByName = new Map<string, string>();
  readonly #warned = new Set<string>();

  constructor(shards: number, log: Logger) {
    this.#shards = shards;
    this.#log = log;
  }

  refresh(clusters: readonly Cluster[]): void {
    this.#byServer = new Map(clusters.map((c) => [normalizeServer(c.server), this.#shardOf(c)]));
    this.#serverByName = new Map(clusters.map((c) => [c.name, normalizeServer(c.server)]));
  }

  /** The shard of a cluster by server URL (registered or not). */
  ofServer(server: string): number {
    const key = normalizeServer(server);
    return this.#byServer.get(key) ?? clusterShard({ server: key }, this.#shards);
  }

  /** The shard of a destination; one naming no registered cluster goes by its name. */
  ofDestination(dest: { readonly server?: string | undefined; readonly name?: string | undefined }): number {
    if (dest.server) return this.ofServer(dest.server);
    const server = this.#serverByName.get(dest.name ?? '');
    return this.ofServer(server ?? `name:${dest.name ?? ''}`);
  }

  /** A bad pin is reported once and ignored (the URL's hash decides), so the cluster still syncs. */
  #shardOf(cluster: Cluster): number {
    try {
      return clusterShard(cluster, this.#shards);
    } catch (err) {
      if (!this.#warned.has(cluster.secretName)) {
        this.#warned.add(cluster.secretName);
        this.#log.warn('ignoring the cluster Secret shard field', { error: err });
      }
      return clusterShard({ server: cluster.server }, this.#shards);
    }
  }
}
