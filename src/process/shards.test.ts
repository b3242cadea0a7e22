import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeClient } from '../kube/client.ts';
import { KubeApiError } from '../kube/errors.ts';
import type { KubeObject } from '../kube/types.ts';
import { silentLogger } from '../log.ts';
import { ShardLeases, type Lease } from './shards.ts';

/** An in-memory Lease store with resourceVersion conflicts, as the apiserver has; `down` fails every call. */
class FakeLeases {
  readonly leases = new Map<string, Lease>();
  #version = 1;
  down = new Set<string>();

  clientFor(replica: string): KubeClient {
    // Every call yields first, like a request on the wire.
    const check = async (): Promise<void> => {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.down.has(replica)) throw new Error('hub unreachable');
    };
    return {
      list: async () => {
        await check();
        return { items: [...this.leases.values()].map((l) => structuredClone(l)), resourceVersion: '' };
      },
      create: async (_type: unknown, obj: KubeObject) => {
        await check();
        if (this.leases.has(obj.metadata.name)) throw new KubeApiError(409, 'AlreadyExists', 'exists');
        return this.#store(obj);
      },
      replace: async (_type: unknown, obj: KubeObject) => {
        await check();
        const current = this.leases.get(obj.metadata.name);
        if (current?.metadata.resourceVersion !== obj.metadata.resourceVersion)
          throw new KubeApiError(409, 'Conflict', 'conflict');
        return this.#store(obj);
      },
      delete: async (_type: unknown, _ns: string, name: string) => {
        await check();
        this.leases.delete(name);
      },
    } as unknown as KubeClient;
  }

  #store(obj: KubeObject): Lease {
    const stored = structuredClone({
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(this.#version++) },
    });
    this.leases.set(obj.metadata.name, stored);
    return stored;
  }

  holders(shards: number): (string | undefined)[] {
    return Array.from(
      { length: shards },
      (_, i) => this.leases.get(`ctrl-shard-${i}`)?.spec?.holderIdentity || undefined,
    );
  }
}

const DURATION_MS = 1_000;

function replica(fake: FakeLeases, identity: string) {
  const leases = new ShardLeases({
    client: fake.clientFor(identity),
    namespace: 'argocd',
    prefix: 'ctrl',
    identity,
    shards: 6,
    durationMs: DURATION_MS,
    log: silentLogger,
  });
  const stop = new AbortController();
  const running = leases.run(stop.signal);
  return { leases, stop: () => (stop.abort(), running) };
}

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The latest renewTime among the replica's shard Leases. */
function lastRenewal(fake: FakeLeases, replica: string): number {
  const mine = [...fake.leases.values()].filter(
    (l) => l.metadata.name.includes('-shard-') && l.spec?.holderIdentity === replica,
  );
  return Math.max(...mine.map((l) => Date.parse(l.spec!.renewTime!)));
}

const count = (list: readonly (string | undefined)[], who: string): number =>
  list.filter((h) => h === who).length;

test('replicas share the shards evenly, and take a dead one over after its Leases expire', async () => {
  const fake = new FakeLeases();
  const [a, b, c] = [replica(fake, 'a'), replica(fake, 'b'), replica(fake, 'c')];
  try {
    await until('two shards each', () => ['a', 'b', 'c'].every((r) => count(fake.holders(6), r) === 2));
    await until('every replica acting on its two', () =>
      [a, b, c].every((r) => r.leases.held().length === 2),
    );
    // No shard is acted on by two replicas.
    for (let s = 0; s < 6; s++) assert.ok([a, b, c].filter((r) => r.leases.holds(s)).length <= 1);

    // c dies silently (no release): its Leases expire, then a and b take three each.
    const cShards = c.leases.held();
    const cRenewed = lastRenewal(fake, 'c');
    fake.down.add('c');
    await until(
      'a and b hold three each',
      () => count(fake.holders(6), 'a') === 3 && count(fake.holders(6), 'b') === 3,
    );
    assert.ok(Date.now() - cRenewed >= DURATION_MS, 'taken over before the Lease could expire');
    // Fencing: c stopped acting at its renew deadline, before anyone else could take its shards.
    for (const s of cShards) assert.equal(c.leases.holds(s), false);
  } finally {
    await Promise.all([a.stop(), b.stop(), c.stop()]);
  }
});

test('a replica that loses the hub stops acting before its Leases expire', async () => {
  const fake = new FakeLeases();
  const a = replica(fake, 'a');
  const lost: number[] = [];
  a.leases.onChange((change) => void lost.push(...change.lost));
  try {
    await until('a holds every shard', () => a.leases.held().length === 6);
    const renewed = lastRenewal(fake, 'a');
    fake.down.add('a');
    // Fencing is a clock, not a message: by the time another replica may take a shard over, this
    // one no longer holds it, however late its timers run.
    const expiry = renewed + DURATION_MS;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiry - Date.now())));
    assert.deepEqual(a.leases.held(), []);
    // The watchdog tells the components at once (their queues and caches go).
    await until('the loss to be announced', () => lost.length === 6, DURATION_MS);
    assert.deepEqual([...lost].sort(), [0, 1, 2, 3, 4, 5]);
    // Back on the hub: it takes them again.
    fake.down.delete('a');
    await until('a holds every shard again', () => a.leases.held().length === 6);
  } finally {
    await a.stop();
  }
});

test('a joining replica moves only its share; shutdown releases the Leases', async () => {
  const fake = new FakeLeases();
  const a = replica(fake, 'a');
  const b = replica(fake, 'b');
  try {
    await until('three each', () => count(fake.holders(6), 'a') === 3 && count(fake.holders(6), 'b') === 3);
    const before = fake.holders(6);
    const c = replica(fake, 'c');
    await until('two each', () => ['a', 'b', 'c'].every((r) => count(fake.holders(6), r) === 2));
    const moved = fake.holders(6).filter((h, i) => h !== before[i]).length;
    assert.equal(moved, 2);
    await c.stop();
    await c.leases.release();
    // A heartbeat left by a replica killed long ago is collected.
    const name = 'ctrl-replica-old';
    fake.leases.set(name, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, resourceVersion: '1', labels: { 'spokes.argoproj.io/lease-role': 'replica' } },
      spec: { holderIdentity: 'old', renewTime: new Date(Date.now() - 11 * DURATION_MS).toISOString() },
    });
    await until('the old heartbeat to go', () => !fake.leases.has(name));
    assert.equal(count(fake.holders(6), 'c'), 0);
    assert.equal(
      [...fake.leases.keys()].some((name) => name.startsWith('ctrl-replica-c')),
      false,
    );
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('a shard given up in a rebalance is freed only after its work in flight has drained', async () => {
  const fake = new FakeLeases();
  const a = replica(fake, 'a');
  let finishWork!: () => void;
  const work = new Promise<void>((resolve) => (finishWork = resolve));
  const given: number[] = [];
  a.leases.onChange(({ lost }) => {
    given.push(...lost);
    return lost.length > 0 ? work : undefined;
  });
  let b: ReturnType<typeof replica> | undefined;
  try {
    await until('a holds all', () => count(fake.holders(6), 'a') === 6);
    b = replica(fake, 'b');
    await until('a to give three up', () => given.length === 3);
    // Several rounds later (renew period 200 ms, Lease duration 1 s) the drain still holds them: not freed, not taken,
    // not acted on, while the three a keeps are still renewed.
    const kept = a.leases.held();
    const renewedBefore = lastRenewal(fake, 'a');
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(count(fake.holders(6), 'b'), 0, 'b took a shard still draining');
    assert.deepEqual(kept.length, 3);
    for (const shard of given) assert.equal(a.leases.holds(shard), false);
    assert.ok(lastRenewal(fake, 'a') > renewedBefore, 'the kept shards were renewed during the drain');
    finishWork();
    await until('three each', () => count(fake.holders(6), 'a') === 3 && count(fake.holders(6), 'b') === 3);
    assert.deepEqual(
      given.map((shard) => fake.holders(6)[shard]),
      ['b', 'b', 'b'],
    );
  } finally {
    finishWork();
    await Promise.all([a.stop(), b?.stop()]);
  }
});
