/**
 * Leader election on a coordination.k8s.io Lease, the way client-go does it: the holder renews
 * the Lease every `renewMs`; a candidate takes it over once `durationMs` has passed since the last
 * renewal. A leader that cannot renew for `durationMs` steps down (the process should exit).
 */
import { sleep } from '../kube/backoff.ts';
import type { KubeClient } from '../kube/client.ts';
import { isConflict, isNotFound } from '../kube/errors.ts';
import { LEASES, type KubeObject } from '../kube/types.ts';
import type { Logger } from '../log.ts';

export interface LeaderElectionOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly durationMs: number;
  readonly renewMs: number;
  readonly retryMs: number;
  readonly log: Logger;
  /** Runs on shutdown before the Lease is released (components finish their work while still leading). */
  readonly beforeRelease?: () => Promise<void>;
}

interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** Runs until `signal` aborts: waits to lead, calls `onLead` with a signal that aborts when leadership is lost. */
export async function runLeaderElection(
  options: LeaderElectionOptions,
  signal: AbortSignal,
  onLead: (leadership: AbortSignal) => void,
): Promise<void> {
  const log = options.log.child({
    lease: `${options.namespace}/${options.name}`,
    identity: options.identity,
  });
  // A replica that cannot even try (no namespace, no RBAC, no hub) says why, once per cause.
  let lastFailure = '';
  while (!signal.aborted) {
    const acquired = await tryAcquireOrRenew(options).catch((err: unknown) => {
      const why = acquireFailure(err, options.namespace);
      if (why !== lastFailure) log.warn('cannot take the leader Lease; retrying', { reason: why });
      lastFailure = why;
      return false;
    });
    if (acquired) {
      log.info('became leader');
      const leadership = new AbortController();
      onLead(leadership.signal);
      await holdLeadership(options, signal, log);
      leadership.abort();
      if (signal.aborted) {
        await options
          .beforeRelease?.()
          .catch((err: unknown) => log.error('stopping before release failed', { error: err }));
        await release(options).catch(() => undefined);
      } else log.warn('lost leadership');
      return;
    }
    await sleep(options.retryMs, signal);
  }
}

function acquireFailure(err: unknown, namespace: string): string {
  if (isNotFound(err)) return `namespace ${namespace} not found on the hub: create it (or pass --namespace)`;
  return err instanceof Error ? err.message : String(err);
}

async function holdLeadership(
  options: LeaderElectionOptions,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  let lastRenew = Date.now();
  while (!signal.aborted) {
    await sleep(options.renewMs, signal);
    if (signal.aborted) return;
    const renewed = await tryAcquireOrRenew(options).catch((err: unknown) => {
      log.warn('lease renewal failed', { error: err });
      return false;
    });
    if (renewed) lastRenew = Date.now();
    else if (Date.now() - lastRenew >= options.durationMs) return;
  }
}

async function tryAcquireOrRenew(options: LeaderElectionOptions): Promise<boolean> {
  const { client, namespace, name, identity } = options;
  const now = new Date();
  const stamp = now.toISOString().replace('Z', '000Z'); // MicroTime: microsecond precision
  const durationSeconds = Math.ceil(options.durationMs / 1000);
  const lease = await client.get<Lease>(LEASES, namespace, name);
  if (lease === undefined) {
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: stamp,
      renewTime: stamp,
      leaseTransitions: 0,
    };
    return write(() =>
      client.create(LEASES, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec,
      }),
    );
  }
  const spec = lease.spec ?? {};
  const held = spec.holderIdentity !== undefined && spec.holderIdentity !== '';
  const mine = spec.holderIdentity === identity;
  const renewedAt = spec.renewTime ? Date.parse(spec.renewTime) : 0;
  const expired = renewedAt + (spec.leaseDurationSeconds ?? durationSeconds) * 1000 < now.getTime();
  if (held && !mine && !expired) return false;
  const next: Lease = {
    ...lease,
    spec: {
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: mine ? (spec.acquireTime ?? stamp) : stamp,
      renewTime: stamp,
      leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
    },
  };
  return write(() => client.replace(LEASES, next));
}

/** A write that lost a race (409) means someone else got there first: not leader this round. */
async function write(action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (err) {
    if (isConflict(err)) return false;
    throw err;
  }
}

async function release(options: LeaderElectionOptions): Promise<void> {
  const lease = await options.client.get<Lease>(LEASES, options.namespace, options.name);
  if (lease?.spec?.holderIdentity !== options.identity) return;
  await options.client.replace(LEASES, {
    ...lease,
    spec: { ...lease.spec, holderIdentity: '', renewTime: undefined, acquireTime: undefined },
  });
}
