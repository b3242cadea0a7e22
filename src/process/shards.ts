/**
 * Shard ownership on coordination.k8s.io Leases: one Lease per shard plus one per replica (its
 * heartbeat, so every replica sees who is alive). Each round, every replica lists the Leases,
 * computes the same balanced assignment (src/shards/balance.ts), renews what it keeps, releases
 * what it should give up (after it stops acting on it and the writes in flight have landed) and
 * takes what is free or expired.
 *
 * Fencing: a shard counts as held only until `renewDeadlineMs` after the start of its last
 * successful renewal, shorter than the Lease duration, so a replica that cannot reach the hub
 * stops writing before anyone else may take the shard over. Every write checks it.
 */
import { sleep } from '../kube/backoff.ts';
import type { KubeClient } from '../kube/client.ts';
import { isConflict, isNotFound } from '../kube/errors.ts';
import { LEASES, type KubeObject } from '../kube/types.ts';
import type { Logger } from '../log.ts';
import { assignShards } from '../shards/balance.ts';
import { fnv1a32 } from '../shards/hash.ts';
import type { ShardChange, ShardListener, ShardOwnership } from '../shards/ownership.ts';

export interface ShardLeasesOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  /** The Leases' name prefix (`--lease-name`): `<prefix>-shard-<n>` and `<prefix>-replica-<id>`. */
  readonly prefix: string;
  readonly identity: string;
  readonly shards: number;
  readonly durationMs: number;
  readonly log: Logger;
}

export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export const LEASE_GROUP_LABEL = 'spokes.argoproj.io/lease-group';
export const LEASE_ROLE_LABEL = 'spokes.argoproj.io/lease-role';

/** What `spokes get shards` and the metrics read from the Leases. */
export interface ShardView {
  readonly shard: number;
  readonly holder: string | undefined;
  readonly renewTime: string | undefined;
}

export class ShardLeases implements ShardOwnership {
  readonly shards: number;
  /** How many times this replica's set of shards changed. */
  rebalances = 0;
  readonly #options: ShardLeasesOptions;
  readonly #log: Logger;
  /** Until when each held shard may be acted on (0: not held). */
  readonly #validUntil: number[];
  readonly #listeners = new Set<ShardListener>();
  /** Shards being handed over: dropped, their Lease freed once their work in flight has landed. */
  readonly #handing = new Map<number, Promise<void>>();
  readonly #renewMs: number;
  readonly #renewDeadlineMs: number;
  #lastFailure = '';
  /** True once a round reached the hub, until one fails. */
  #healthy = false;

  constructor(options: ShardLeasesOptions) {
    this.#options = options;
    this.shards = options.shards;
    this.#log = options.log.child({ component: 'shards', identity: options.identity });
    this.#validUntil = new Array<number>(options.shards).fill(0);
    // client-go's proportions: renew well before the deadline, the deadline well before expiry.
    this.#renewMs = Math.max(200, Math.floor(options.durationMs / 5));
    this.#renewDeadlineMs = Math.floor((options.durationMs * 2) / 3);
  }

  /** The last round reached the hub (readiness). */
  get healthy(): boolean {
    return this.#healthy;
  }

  holds(shard: number): boolean {
    return Date.now() < (this.#validUntil[shard] ?? 0);
  }

  /** The shards held now. */
  held(): number[] {
    return this.#validUntil.flatMap((_, shard) => (this.holds(shard) ? [shard] : []));
  }

  onChange(listener: ShardListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Runs rounds until `signal` aborts; then gives every shard up (call `release` after draining). */
  async run(signal: AbortSignal): Promise<void> {
    // Fencing does not wait for a round: shards past their deadline are dropped at once.
    const watchdog = setInterval(() => this.#expire(), Math.max(100, Math.floor(this.#renewMs / 2)));
    watchdog.unref();
    try {
      while (!signal.aborted) {
        await this.#round().catch((err: unknown) => this.#failed(err));
        this.#expire();
        await sleep(this.#renewMs, signal);
      }
    } finally {
      clearInterval(watchdog);
    }
  }

  /**
   * Stops acting on every shard and waits for the work in flight, then frees their Leases and
   * removes this replica's heartbeat.
   */
  async release(): Promise<void> {
    const held = this.held();
    await Promise.all([this.#drained(held), ...this.#handing.values()]);
    const { client, namespace } = this.#options;
    const leases = await this.#list().catch(() => undefined);
    if (leases === undefined) return;
    await Promise.all(
      held.map((shard) => {
        const lease = leases.shard.get(shard);
        return lease ? this.#write(() => client.replace(LEASES, freed(lease))) : Promise.resolve(false);
      }),
    );
    await client.delete(LEASES, namespace, this.#memberName()).catch(() => undefined);
    this.#log.info('released shards', { shards: held });
  }

  async #round(): Promise<void> {
    const started = Date.now();
    const leases = await this.#list();
    await this.#heartbeat(leases.members.get(this.#options.identity));
    const now = Date.now();
    const members = [...leases.members.values()]
      .filter((l) => alive(l, now))
      .map((l) => l.spec!.holderIdentity!);
    members.push(this.#options.identity);
    const holders = Array.from({ length: this.shards }, (_, shard) => {
      const lease = leases.shard.get(shard);
      return lease !== undefined && alive(lease, now) ? lease.spec!.holderIdentity : undefined;
    });
    const { owners } = assignShards(this.shards, members, holders);
    const me = this.#options.identity;
    const steps = owners.map(async (owner, shard) => {
      const lease = leases.shard.get(shard);
      if (owner === me && (holders[shard] === undefined || holders[shard] === me)) {
        if (await this.#take(shard, lease, started)) return;
        void this.#drop([shard]);
      } else if (holders[shard] === me || this.holds(shard)) {
        this.#handOver(shard, lease);
      }
    });
    await Promise.all([...steps, this.#collectGone(leases.members.values(), now)]);
    if (this.#lastFailure !== '') this.#log.info('reaching the hub again');
    this.#lastFailure = '';
    this.#healthy = true;
  }

  /**
   * Heartbeats of replicas gone for ten lease durations are deleted (pods of a Deployment get new
   * names on every rollout; a killed one never deletes its own). Guarded by resourceVersion, so
   * a replica that came back in the meantime keeps its Lease.
   */
  async #collectGone(members: Iterable<Lease>, now: number): Promise<void> {
    const { client, namespace } = this.#options;
    const gone = [...members].filter((lease) => {
      const renewed = Date.parse(lease.spec?.renewTime ?? '') || 0;
      return renewed + 10 * this.#options.durationMs < now;
    });
    await Promise.all(
      gone.map((lease) =>
        client
          .delete(LEASES, namespace, lease.metadata.name, {
            preconditions: { resourceVersion: lease.metadata.resourceVersion ?? '' },
          })
          .catch(() => undefined),
      ),
    );
  }

  /**
   * Stops acting on the shard and, once the work in flight for it has landed, frees its Lease for
   * the new owner. In the background, so the rounds go on renewing the shards kept meanwhile; the
   * free is guarded by the resourceVersion this replica last wrote, so it never undoes a later take.
   */
  #handOver(shard: number, lease: Lease | undefined): void {
    if (this.#handing.has(shard)) return;
    const { client } = this.#options;
    const done = this.#drained([shard])
      .then(() => lease && this.#write(() => client.replace(LEASES, freed(lease))))
      .then(
        () => undefined,
        (err: unknown) => this.#failed(err),
      )
      .finally(() => this.#handing.delete(shard));
    this.#handing.set(shard, done);
  }

  /** Creates or renews the shard's Lease; true when it is ours until the new deadline. */
  async #take(shard: number, lease: Lease | undefined, started: number): Promise<boolean> {
    const { client, namespace, prefix, identity } = this.#options;
    const stamp = microTime(new Date(started));
    const durationSeconds = Math.ceil(this.#options.durationMs / 1000);
    const mine = lease?.spec?.holderIdentity === identity;
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: mine ? (lease.spec?.acquireTime ?? stamp) : stamp,
      renewTime: stamp,
      leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (mine || lease === undefined ? 0 : 1),
    };
    const ok = await this.#write(() =>
      lease === undefined
        ? client.create(LEASES, {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: shardLeaseName(prefix, shard), namespace, labels: this.#labels('shard') },
            spec,
          })
        : client.replace(LEASES, { ...lease, spec }),
    );
    if (!ok) return false;
    const gained = !this.holds(shard);
    this.#validUntil[shard] = started + this.#renewDeadlineMs;
    if (gained) void this.#emit({ gained: [shard], lost: [] });
    return true;
  }

  async #heartbeat(lease: Lease | undefined): Promise<void> {
    const { client, namespace, identity } = this.#options;
    const stamp = microTime(new Date());
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.#options.durationMs / 1000),
      renewTime: stamp,
      acquireTime: lease?.spec?.acquireTime ?? stamp,
    };
    await (lease === undefined
      ? client.create(LEASES, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.#memberName(), namespace, labels: this.#labels('replica') },
          spec,
        })
      : client.replace(LEASES, { ...lease, spec }));
  }

  async #list(): Promise<{ shard: Map<number, Lease>; members: Map<string, Lease> }> {
    const { client, namespace, prefix } = this.#options;
    const { items } = await client.list<Lease>(LEASES, {
      namespace,
      labelSelector: `${LEASE_GROUP_LABEL}=${prefix}`,
    });
    return indexLeases(items, prefix, this.shards);
  }

  #labels(role: 'shard' | 'replica'): Record<string, string> {
    return { [LEASE_GROUP_LABEL]: this.#options.prefix, [LEASE_ROLE_LABEL]: role };
  }

  #memberName(): string {
    const { prefix, identity } = this.#options;
    return `${prefix}-replica-${dnsLabel(identity)}-${fnv1a32(identity).toString(16)}`;
  }

  /** A write that lost a race (409) means another replica got there first. */
  async #write(action: () => Promise<unknown>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  #failed(err: unknown): void {
    const why = isNotFound(err)
      ? `namespace ${this.#options.namespace} not found on the hub: create it (or pass --namespace)`
      : err instanceof Error
        ? err.message
        : String(err);
    this.#healthy = false;
    if (why !== this.#lastFailure) this.#log.warn('cannot renew shard Leases; retrying', { reason: why });
    this.#lastFailure = why;
  }

  /** Shards past their renew deadline are lost: their components stop acting on them. */
  #expire(): void {
    const now = Date.now();
    const lost = this.#validUntil.flatMap((until, shard) => (until !== 0 && until <= now ? [shard] : []));
    if (lost.length > 0) {
      this.#log.warn('shard Leases not renewed before their deadline; stopped acting on them', {
        shards: lost,
      });
      void this.#drop(lost);
    }
  }

  /** Stops acting on the shards; resolves when the listeners' drains have (see ShardListener). */
  #drop(shards: readonly number[]): Promise<void> {
    const lost = shards.filter((shard) => this.#validUntil[shard] !== 0);
    for (const shard of lost) this.#validUntil[shard] = 0;
    return lost.length > 0 ? this.#emit({ gained: [], lost }) : Promise.resolve();
  }

  /**
   * Drops the shards and waits for their drains, at most one Lease duration: the Leases are still
   * ours on the hub meanwhile (nobody else may take them before they expire), and the write guard
   * refuses every new write from the drop on.
   */
  async #drained(shards: readonly number[]): Promise<void> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.#options.durationMs);
    });
    try {
      const late = await Promise.race([this.#drop(shards).then(() => false), timedOut]);
      if (late) this.#log.warn('work on given-up shards still running after a Lease duration', { shards });
      else this.#log.debug('drained given-up shards', { shards, ms: Date.now() - started });
    } finally {
      clearTimeout(timer);
    }
  }

  #emit(change: ShardChange): Promise<void> {
    this.rebalances++;
    this.#log.info(change.gained.length > 0 ? 'took shard' : 'gave up shard', {
      ...change,
      held: this.held(),
    });
    const drains: Promise<void>[] = [];
    for (const listener of this.#listeners) {
      try {
        const drain = listener(change);
        if (drain !== undefined) drains.push(drain.catch((err: unknown) => this.#drainFailed(err)));
      } catch (err) {
        this.#drainFailed(err);
      }
    }
    return Promise.all(drains).then(() => undefined);
  }

  #drainFailed(err: unknown): void {
    this.#log.error('a component failed to stop work on given-up shards', {
      reason: err instanceof Error ? err.message : String(err),
    });
  }
}

export function shardLeaseName(prefix: string, shard: number): string {
  return `${prefix}-shard-${shard}`;
}

/** The shards' Leases by index and the replicas' heartbeats by identity. */
export function indexLeases(
  items: readonly Lease[],
  prefix: string,
  shards: number,
): { shard: Map<number, Lease>; members: Map<string, Lease> } {
  const shard = new Map<number, Lease>();
  const members = new Map<string, Lease>();
  for (const lease of items) {
    const role = lease.metadata.labels?.[LEASE_ROLE_LABEL];
    const holder = lease.spec?.holderIdentity;
    if (role === 'replica' && holder) members.set(holder, lease);
    const match = /-shard-(\d+)$/.exec(lease.metadata.name);
    if (role === 'shard' && match && lease.metadata.name === shardLeaseName(prefix, Number(match[1]))) {
      if (Number(match[1]) < shards) shard.set(Number(match[1]), lease);
    }
  }
  return { shard, members };
}

/** True when the Lease has a holder whose last renewal is younger than its duration. */
export function alive(lease: Lease, now: number): boolean {
  const spec = lease.spec ?? {};
  if (!spec.holderIdentity || !spec.renewTime) return false;
  return Date.parse(spec.renewTime) + (spec.leaseDurationSeconds ?? 0) * 1000 > now;
}

function freed(lease: Lease): Lease {
  return {
    ...lease,
    spec: { ...lease.spec, holderIdentity: '', renewTime: undefined, acquireTime: undefined },
  };
}

/** MicroTime: microsecond precision, as the Lease API wants it. */
function microTime(date: Date): string {
  return date.toISOString().replace('Z', '000Z');
}

/** A name part a Lease accepts: lower case alphanumerics and dashes, at most 40 characters. */
function dnsLabel(text: string): string {
  const clean = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return clean.slice(0, 40).replace(/-+$/, '') || 'replica';
}
