/**
 * Is a live object in sync with what git renders? Two steps, cheapest first:
 * 1. every field the target sets has the same value live (`isSubset`): defaulted fields and
 *    fields other managers own do not count, and no request is made;
 * 2. otherwise the target is server-side applied as a dry run, which gives the object the apiserver
 *    would store (defaults, normalised quantities, removed fields we owned), and that is compared
 *    with live. Verdicts are cached by (target, live resourceVersion), so a steady state never asks twice.
 * `ignoreDifferences` rules copy the live value of their fields into the target before comparing.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../kube/types.ts';
import { comparable } from '../kube/comparable.ts';
import { isPlainObject } from '../params.ts';

/** True when every value `want` sets is the same in `have` (lists: same length, item by item). */
export function isSubset(want: unknown, have: unknown): boolean {
  if (isPlainObject(want)) {
    if (!isPlainObject(have)) return false;
    return Object.entries(want).every(([key, value]) =>
      value === null ? have[key] === undefined || have[key] === null : isSubset(value, have[key]),
    );
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) return false;
    return want.every((item, i) => isSubset(item, have[i]));
  }
  return want === have;
}

/** True when the dry-run result (what applying would store) equals what is stored. */
export function sameAsLive(dryRun: KubeObject, live: KubeObject): boolean {
  return isDeepStrictEqual(comparable(dryRun), comparable(live));
}

export function hashOf(obj: unknown): string {
  return createHash('sha1').update(JSON.stringify(obj)).digest('base64url');
}

/** Verdicts of dry-run comparisons, keyed by target hash and live resourceVersion. */
export class DiffCache {
  readonly #verdicts = new Map<string, boolean>();
  readonly #limit: number;

  constructor(limit = 50_000) {
    this.#limit = limit;
  }

  get(targetHash: string, live: KubeObject): boolean | undefined {
    return this.#verdicts.get(`${targetHash}@${live.metadata.resourceVersion ?? ''}`);
  }

  set(targetHash: string, live: KubeObject, inSync: boolean): void {
    if (this.#verdicts.size >= this.#limit) this.#verdicts.clear();
    this.#verdicts.set(`${targetHash}@${live.metadata.resourceVersion ?? ''}`, inSync);
  }
}
