/**
 * What a component needs to know about shards: which this replica holds right now (it acts and
 * writes only for those), and when that changes. The process implements it with one Lease per
 * shard; a single replica without election holds them all.
 */
import { SpokesError } from '../errors.ts';

export interface ShardChange {
  readonly gained: readonly number[];
  readonly lost: readonly number[];
}

export interface ShardOwnership {
  /** The fixed shard count (`--shards`). */
  readonly shards: number;
  /** True while this replica holds the shard's Lease and is inside its renew deadline. */
  holds(shard: number): boolean;
  /**
   * Subscribes to gains and losses; returns the unsubscribe function. A listener may return a
   * promise that settles once it has finished the work it had started for the lost shards (its
   * drain): a shard given up in a rebalance frees its Lease only after every drain, so the next
   * owner never overlaps a write still on the wire.
   */
  onChange(listener: ShardListener): () => void;
}

export type ShardListener = (change: ShardChange) => void | Promise<void>;

/** Thrown by a write attempted for a shard this replica no longer holds (fencing). */
export class ShardFencedError extends SpokesError {
  constructor(shard: number, what: string) {
    super(
      'ShardFenced',
      `shard ${shard} is not held by this replica (or its Lease is not renewed in time): ${what} not written`,
    );
  }
}

/** A write guard for one shard: throws ShardFencedError unless the shard is held now. */
export function fenceFor(ownership: ShardOwnership, shard: number, what: string): () => void {
  return () => {
    if (!ownership.holds(shard)) throw new ShardFencedError(shard, what);
  };
}

/** Every shard, always: one replica without Leases (`--leader-elect false`, tests, the CLI). */
export function allShards(shards = 1): ShardOwnership {
  return { shards, holds: () => true, onChange: () => () => undefined };
}
