/**
 * `spokes controller` as users run it: two replicas against a real hub, one leads (Lease), the
 * other takes over when the leader is killed; health, readiness and metrics endpoints; SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
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
      '3',
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
    port: () =>
      pollUntil(() => events.find((e) => e.msg === 'listening')?.port as number | undefined, {
        what: `${name} listening`,
      }),
  };
  replicas.push(replica);
  return replica;
}

const isLeader = (r: Replica): boolean => r.events.some((e) => e.msg === 'became leader');

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
  test('two replicas: one leads, the other takes over when it is killed', async () => {
    const client = clientFor(harness().hub);
    await createNamespace(client, NS);
    const [one, two] = [startReplica('replica-1'), startReplica('replica-2')];
    const [leader, standby] = await pollUntil(
      () => (isLeader(one) ? [one, two] : isLeader(two) ? [two, one] : undefined),
      { what: 'a leader', timeoutMs: 20_000 },
    );
    const [leaderPort, standbyPort] = [await leader.port(), await standby.port()];
    assert.equal((await get(leaderPort, '/healthz')).status, 200);
    assert.equal((await get(standbyPort, '/healthz')).status, 200);
    await pollUntil(async () => (await get(leaderPort, '/readyz')).status === 200, { what: 'leader ready' });
    assert.equal((await get(standbyPort, '/readyz')).status, 503, 'a standby is not ready');
    assert.equal(isLeader(standby), false);

    await client.create(APPLICATION_SETS, appSet('first', 'app-one'));
    await pollUntil(async () => appNames(await listApps(client, NS)).join() === 'app-one', {
      what: 'app-one',
    });
    const metrics = await pollUntil(
      async () => {
        const { text } = await get(leaderPort, '/metrics');
        return /spokes_appset_reconcile_total\{result="success"\} [1-9]/.test(text) ? text : undefined;
      },
      { what: 'a successful reconcile in /metrics' },
    );
    assert.match(metrics, /spokes_appset_applications\{appset="replicas\/first"\} 1/);
    assert.match(metrics, /spokes_hub_writes_total\{verb="create"\} 1/);

    leader.process.kill('SIGKILL');
    const killed = Date.now();
    await client.create(APPLICATION_SETS, appSet('second', 'app-two'));
    await pollUntil(() => isLeader(standby), { what: 'the standby to lead', timeoutMs: 15_000 });
    const takeover = Date.now() - killed;
    await pollUntil(async () => appNames(await listApps(client, NS)).join() === 'app-one,app-two', {
      what: 'app-two',
      timeoutMs: 15_000,
    });
    process.stderr.write(`leader failover took ${takeover} ms (lease 3 s)\n`);
    assert.ok(takeover < 3_000 + 3_000, `took over in ${takeover} ms`);

    const exited = new Promise<number | null>((resolveExit) =>
      standby.process.once('exit', (code) => resolveExit(code)),
    );
    standby.process.kill('SIGTERM');
    assert.equal(await exited, 0, 'graceful shutdown exits 0');
    const lease = await client.get<KubeObject & { spec?: { holderIdentity?: string } }>(
      LEASES,
      NS,
      'spokes-controller',
    );
    assert.equal(lease?.spec?.holderIdentity, '', 'the Lease is released on shutdown');
  });

  test('a missing control-plane namespace is logged with what to do, and the replica stays not ready', async () => {
    const replica = startReplica('lonely', 'no-such-namespace');
    const event = await pollUntil(
      () => replica.events.find((e) => e.msg === 'cannot take the leader Lease; retrying'),
      { what: 'a warning about the Lease', timeoutMs: 15_000 },
    );
    assert.match(String(event.reason), /namespace no-such-namespace not found on the hub/);
    assert.equal((await get(await replica.port(), '/readyz')).status, 503);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const warnings = replica.events.filter((e) => e.msg === 'cannot take the leader Lease; retrying');
    assert.equal(warnings.length, 1, 'said once, not at every retry');
    replica.process.kill('SIGTERM');
  });
});
