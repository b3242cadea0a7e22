/**
 * The shards on /metrics: how many this replica holds, how often its set changed, and per shard
 * held the work queued and the clusters served (summed over the components).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ShardOwnership } from '../shards/ownership.ts';
import type { Component } from './component.ts';
import type { ShardLeases } from './shards.ts';

export function registerShardMetrics(
  registry: Registry,
  from: {
    readonly ownership: ShardOwnership;
    readonly leases: ShardLeases | undefined;
    readonly components: readonly Component[];
  },
): void {
  const { ownership, leases, components } = from;
  const heldShards = (): number[] =>
    Array.from({ length: ownership.shards }, (_, shard) => shard).filter((shard) => ownership.holds(shard));
  new Gauge({
    name: 'spokes_shards_held',
    help: 'Shards whose Lease this replica holds (and acts on)',
    registers: [registry],
    collect() {
      this.set(heldShards().length);
    },
  });
  // A counter read from the Lease loop at scrape time.
  new Counter({
    name: 'spokes_shard_rebalances_total',
    help: "Changes to this replica's set of shards (a shard taken or given up)",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(leases?.rebalances ?? 0);
    },
  });
  const load = (): Map<number, { queueDepth: number; clusters: number }> => {
    const byShard = new Map(heldShards().map((shard) => [shard, { queueDepth: 0, clusters: 0 }]));
    for (const entry of components.flatMap((c) => c.shardLoad?.() ?? [])) {
      const sum = byShard.get(entry.shard);
      if (sum === undefined) continue;
      sum.queueDepth += entry.queueDepth;
      sum.clusters = Math.max(sum.clusters, entry.clusters);
    }
    return byShard;
  };
  new Gauge({
    name: 'spokes_shard_queue_depth',
    help: 'Applications and ApplicationSets waiting, per shard held',
    labelNames: ['shard'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [shard, { queueDepth }] of load()) this.set({ shard: String(shard) }, queueDepth);
    },
  });
  new Gauge({
    name: 'spokes_shard_clusters',
    help: 'Clusters this replica serves, per shard held',
    labelNames: ['shard'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [shard, { clusters }] of load()) this.set({ shard: String(shard) }, clusters);
    },
  });
}
