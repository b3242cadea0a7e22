/**
 * Who should hold which shard: every live replica an even share (no replica more than
 * ceil(shards/replicas) while another has fewer than floor), reached from the current holders
 * with as few moves as possible. Pure and deterministic, so every replica computes the same
 * answer from the same view of the Leases.
 */

export interface Assignment {
  /** The replica that should hold each shard, by shard index. */
  readonly owners: readonly string[];
  /** Shards whose desired owner differs from the current (live) holder. */
  readonly moves: number;
}

/**
 * `holders[i]` is the live replica holding shard i now (undefined when free or expired).
 * Replicas that already hold more get the larger quotas; each keeps its lowest-numbered shards
 * up to its quota; the rest go, lowest first, to the replicas below quota, in name order.
 */
export function assignShards(
  shards: number,
  replicas: readonly string[],
  holders: readonly (string | undefined)[],
): Assignment {
  const live = [...new Set(replicas)].sort();
  if (live.length === 0) return { owners: [], moves: 0 };
  const held = new Map<string, number[]>(live.map((r) => [r, []]));
  for (let shard = 0; shard < shards; shard++) {
    const holder = holders[shard];
    if (holder !== undefined) held.get(holder)?.push(shard);
  }
  const quota = quotas(shards, live, held);
  const owners: (string | undefined)[] = Array.from({ length: shards }, () => undefined);
  for (const [replica, list] of held)
    for (const shard of list.slice(0, quota.get(replica))) owners[shard] = replica;
  const count = new Map(live.map((r) => [r, Math.min(held.get(r)!.length, quota.get(r)!)]));
  for (let shard = 0; shard < shards; shard++) {
    if (owners[shard] !== undefined) continue;
    const taker = live.find((r) => count.get(r)! < quota.get(r)!)!;
    owners[shard] = taker;
    count.set(taker, count.get(taker)! + 1);
  }
  const final = owners as string[];
  const moves = final.filter((owner, shard) => owner !== holders[shard]).length;
  return { owners: final, moves };
}

/** floor(shards/replicas) each, one more for the first `shards mod replicas` by most held, then name. */
function quotas(
  shards: number,
  live: readonly string[],
  held: ReadonlyMap<string, readonly number[]>,
): Map<string, number> {
  const base = Math.floor(shards / live.length);
  const extra = shards % live.length;
  const order = [...live].sort((a, b) => held.get(b)!.length - held.get(a)!.length || (a < b ? -1 : 1));
  return new Map(order.map((replica, rank) => [replica, base + (rank < extra ? 1 : 0)]));
}
