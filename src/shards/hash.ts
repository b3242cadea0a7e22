/**
 * Which shard a cluster or an ApplicationSet belongs to. A stable hash (32-bit FNV-1a) of the
 * cluster's server URL, or of the ApplicationSet's namespace/name, modulo the fixed shard count:
 * the same on every replica and across restarts, and independent of how many replicas run, so
 * replicas coming and going move Leases, never clusters between shards. A cluster Secret may pin
 * its shard with the `shard` data field, as in Argo CD.
 */
import { SpokesError } from '../errors.ts';

/** 32-bit FNV-1a over the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The server URL as it is compared everywhere: trimmed, without trailing slashes. */
function normalizedServer(server: string): string {
  return server.trim().replace(/\/+$/, '');
}

/**
 * The shard of a cluster: its pinned `shard` field when given (a number in [0, shards)),
 * otherwise the hash of its server URL. A pin out of range or not a number is an error naming
 * the Secret, so a typo does not silently land the cluster elsewhere.
 */
export function clusterShard(
  cluster: { readonly server: string; readonly shard?: string | undefined; readonly secretName?: string },
  shards: number,
): number {
  if (cluster.shard !== undefined && cluster.shard.trim() !== '') {
    const pinned = Number(cluster.shard.trim());
    if (!Number.isInteger(pinned) || pinned < 0 || pinned >= shards) {
      throw new SpokesError(
        'InvalidCluster',
        `data.shard: expected an integer from 0 to ${shards - 1} (--shards ${shards}), got "${cluster.shard}"`,
        { path: [`Secret ${cluster.secretName ?? cluster.server}`] },
      );
    }
    return pinned;
  }
  return fnv1a32(normalizedServer(cluster.server)) % shards;
}

/** The shard of an ApplicationSet: the hash of `namespace/name`. */
export function appSetShard(namespace: string, name: string, shards: number): number {
  return fnv1a32(`${namespace}/${name}`) % shards;
}
