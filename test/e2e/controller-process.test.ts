/**
 * `spokes controller` as users run it: two replicas against a real hub share the shards (one
 * Lease each), the survivor takes every shard when the other is killed; health, readiness and
 * metrics endpoints; SIGTERM releases the Leases.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import type { KubeClient } from '../../src/kube/client.ts';
import { APPLICATION_SETS, LEASES, type KubeObject } from '../../src/kube/types.ts';
import { pollUntil, useHarness } from '../harness/index.ts';
import { appNames, clientFor, createNamespace, listApps } from './support/hub.ts';

const harness = useHarness({ clusters: ['hub'] });
const BIN = resolve(import.meta.dirname, '../../bin/spokes.js');
const NS = 'replicas';

interface Replica {
  readonly name: string;
  readonly process: ChildProcess;
  readonly events: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
  port(): Promise<number>;
}

const replicas: Replica[] = [];
after(() => {
  for (const r of replicas) r.process.kill('SIGKILL');
});

function startReplica(name: string, namespace = NS): Replica {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'controller',
      '--kubeconfig',
      harness().hub.kubeconfigPath,
      '--namespace',
      namespace,
      '--listen',
      '127.0.0.1:0',
      '--lease-duration-seconds',
      '6',
      '--identity',
      name,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const events: Record<string, unknown>[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      events.push({ msg: line });
    }
  });
  const replica: Replica = {
    name,
    process: child,
    events,
    exited: new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code))),
    port: () =>
      pollUntil(() => events.find((e) => e.msg === 'listening')?.port as number | undefined, {
        what: `${name} listening`,
      }),
  };
  replicas.push(replica);
  return replica;
}

type ShardLease = KubeObject & { spec?: { holderIdentity?: string } };

/** Who holds each of the 16 shard Leases (undefined: free). */
async function holders(client: KubeClient): Promise<(string | undefined)[]> {
  const { items } = await client.list<ShardLease>(LEASES, { namespace: NS });
  return Array.from({ length: 16 }, (_, shard) => {
    const lease = items.find((l) => l.metadata.name === `spokes-controller-shard-${shard}`);
    return lease?.spec?.holderIdentity || undefined;
  });
}

const count = (list: readonly (string | undefined)[], who: string): number =>
  list.filter((h) => h === who).length;

async function get(port: number, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, text: await response.text() };
}

function appSet(name: string, element: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace: NS },
    spec: {
      generators: [{ list: { elements: [{ name: element }] } }],
      template: {
        metadata: { name: '{{name}}' },
        spec: {
          project: 'default',
          source: { repoURL: 'https://example.com/r.git' },
          destination: { server: 'https://kubernetes.default.svc', namespace: 'x' },
        },
      },
    },
  };
}

describe('spokes controller process', () => {
  test('two replicas share the shards; the survivor takes them all when the other is killed', async () => {
    const client = clientFor(harness().hub);
    await createNamespace(client, NS);
    const [one, two] = [startReplica('replica-1'), startReplica('replica-2')];
    await pollUntil(
      async () => {
        const list = await holders(client);
        return count(list, 'replica-1') === 8 && count(list, 'replica-2') === 8;
      },
      { what: 'eight shards each', timeoutMs: 60_000 },
    );
    const [onePort, twoPort] = [await one.port(), await two.port()];
    assert.equal((await get(onePort, '/healthz')).status, 200);
    for (const port of [onePort, twoPort])
      await pollUntil(async () => (await get(port, '/readyz')).status === 200, {
        what: 'every replica ready',
      });

    await client.create(APPLICATION_SETS, appSet('first', 'app-one'));
    await pollUntil(async () => appNames(await listApps(client, NS)).join() === 'app-one', {
      what: 'app-one',
    });
    // Exactly one replica reconciled it: the holder of its shard.
    const owner = await pollUntil(
      async () => {
        const texts = await Promise.all([onePort, twoPort].map(async (p) => (await get(p, '/metrics')).text));
        const done = texts.map((t) => /spokes_appset_reconcile_total\{result="success"\} [1-9]/.test(t));
        return done.includes(true)
          ? { text: texts[done.indexOf(true)]!, index: done.indexOf(true), done }
          : undefined;
      },
      { what: 'a successful reconcile in /metrics' },
    );
    assert.equal(owner.done.filter(Boolean).length, 1, 'one replica reconciled the ApplicationSet');
    assert.match(owner.text, /spokes_appset_applications\{appset="replicas\/first"\} 1/);
    assert.match(owner.text, /spokes_hub_writes_total\{verb="create"\} 1/);
    assert.match(owner.text, /spokes_shards_held 8/);

    one.process.kill('SIGKILL');
    const killed = Date.now();
    await client.create(APPLICATION_SETS, appSet('second', 'app-two'));
    await pollUntil(async () => count(await holders(client), 'replica-2') === 16, {
      what: 'the survivor to hold every shard',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const takeover = Date.now() - killed;
    await pollUntil(async () => appNames(await listApps(client, NS)).join() === 'app-one,app-two', {
      what: 'app-two',
      timeoutMs: 15_000,
    });
    process.stderr.write(`shard failover took ${takeover} ms (lease 6 s, renew 1.2 s)\n`);
    // The lease duration plus one renew period, plus slack for a loaded machine.
    assert.ok(takeover < 6_000 + 1_200 + 3_000, `took over in ${takeover} ms`);

    two.process.kill('SIGTERM');
    assert.equal(await two.exited, 0, 'graceful shutdown exits 0');
    assert.equal(count(await holders(client), 'replica-2'), 0, 'the Leases are released on shutdown');
  });

  test('a missing control-plane namespace is logged with what to do, and the replica stays not ready', async () => {
    const replica = startReplica('lonely', 'no-such-namespace');
    const event = await pollUntil(
      () => replica.events.find((e) => e.msg === 'cannot renew shard Leases; retrying'),
      { what: 'a warning about the Lease', timeoutMs: 45_000 },
    );
    assert.match(String(event.reason), /namespace no-such-namespace not found on the hub/);
    assert.equal((await get(await replica.port(), '/readyz')).status, 503);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const warnings = replica.events.filter((e) => e.msg === 'cannot renew shard Leases; retrying');
    assert.equal(warnings.length, 1, 'said once, not at every retry');
    replica.process.kill('SIGTERM');
  });
});
