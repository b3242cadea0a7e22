/**
 * Sharding across controller replicas, as users run it: three `spokes controller` processes on a
 * real hub share the shards of a fleet of simulated clusters (loopback proxies in front of one
 * spoke apiserver, each its own server URL and namespace). Shards spread evenly; kill -9 one
 * replica and its shards move within the lease duration plus one renew period while its
 * Applications keep syncing, none twice for one revision; the spoke's audit log shows no cluster
 * written by two replicas in overlapping terms; a replica cut off from the hub stops writing to
 * the spokes before its Leases can expire.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { KubeClient } from '../../src/kube/client.ts';
import {
  APP_PROJECTS,
  APPLICATION_SETS,
  APPLICATIONS,
  LEASES,
  SECRETS,
  type KubeObject,
} from '../../src/kube/types.ts';
import { shardRows, type ShardRow } from '../../src/cli/get-shards.ts';
import { createGitRepo, type GitRepo } from '../harness/git-repo.ts';
import { clusterSecret, pollUntil, startTcpProxy, useHarness, type TcpProxy } from '../harness/index.ts';
import { createNamespace } from './support/hub.ts';
import { auditWrites, httpGet, startReplica, writerRuns, type Replica } from './support/replicas.ts';

const harness = useHarness({ clusters: ['hub', 'spoke-a'], auditWrites: true, controllerManager: false });
const NS = 'fleet';
const REPO = 'https://example.com/fleet.git';
const SHARDS = 6;
const CLUSTERS = 9;
const LEASE_SECONDS = 6;
const RENEW_MS = (LEASE_SECONDS * 1000) / 5;

const replicas: Replica[] = [];
const proxies: TcpProxy[] = [];
let repo: GitRepo | undefined;
after(async () => {
  for (const r of replicas) r.process.kill('SIGKILL');
  await Promise.all(proxies.map((p) => p.close()));
  await repo?.cleanup();
});

function configMap(revision: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  revision: "${revision}"\n`;
}

function appSet(): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'fleet', namespace: NS },
    spec: {
      generators: [{ clusters: { selector: { matchLabels: { fleet: 'simulated' } } } }],
      template: {
        metadata: { name: 'app-{{name}}' },
        spec: {
          project: 'default',
          source: { repoURL: REPO, path: 'app', targetRevision: 'main' },
          destination: { server: '{{server}}', namespace: 'ns-{{name}}' },
          syncPolicy: { automated: {}, syncOptions: ['CreateNamespace=true'] },
        },
      },
    },
  };
}

/** A kubeconfig for the hub reached through `proxy` (so the test can cut the replica off). */
function kubeconfigThrough(proxy: TcpProxy): string {
  const hub = harness().hub;
  const file = join(harness().dir, `kubeconfig-via-${proxy.port}`);
  writeFileSync(file, readFileSync(hub.kubeconfigPath, 'utf8').replaceAll(hub.server, proxy.url));
  return file;
}

function replicaArgs(kubeconfig: string): string[] {
  return [
    '--kubeconfig',
    kubeconfig,
    '--namespace',
    NS,
    '--shards',
    String(SHARDS),
    '--lease-duration-seconds',
    String(LEASE_SECONDS),
    '--components',
    'appsets,sync',
    '--resync-seconds',
    '2',
    '--repo',
    `${REPO}=${repo!.path}`,
  ];
}

const held = (rows: readonly ShardRow[], name: string): number[] =>
  rows.filter((r) => r.holder === name).map((r) => r.shard);

function balancedAmong(rows: readonly ShardRow[], names: readonly string[]): boolean {
  const max = Math.ceil(SHARDS / names.length);
  return (
    rows.every((r) => r.holder !== undefined && names.includes(r.holder)) &&
    names.every(
      (n) => held(rows, n).length >= Math.floor(SHARDS / names.length) && held(rows, n).length <= max,
    )
  );
}

interface AppView extends KubeObject {
  spec: { destination: { server: string; namespace: string } };
  status?: { sync?: { status?: string; revision?: string }; history?: { revision?: string }[] };
}

async function allSyncedAt(hub: KubeClient, revision: string): Promise<AppView[] | undefined> {
  const { items } = await hub.list<AppView>(APPLICATIONS, { namespace: NS });
  if (items.length !== CLUSTERS) return undefined;
  const done = items.every((a) => a.status?.sync?.status === 'Synced' && a.status.sync.revision === revision);
  return done ? items : undefined;
}

describe('controller replicas share the shards', () => {
  test('balanced, kill -9 hands over, never two writers, a partitioned replica stops writing', async () => {
    const h = harness();
    const hub = new KubeClient(h.hub.kubeConfig('admin'));
    const spoke = h.cluster('spoke-a');
    await createNamespace(hub, NS);
    await hub.create(APP_PROJECTS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'default', namespace: NS },
      spec: {
        sourceRepos: ['*'],
        destinations: [{ server: '*', namespace: '*' }],
        clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      },
    });
    repo = await createGitRepo({ branches: { main: { 'app/settings.yaml': configMap('one') } } });
    for (let i = 0; i < CLUSTERS; i++) {
      const proxy = await startTcpProxy(spoke.port);
      proxies.push(proxy);
      const secret = clusterSecret(spoke, {
        name: `c${i}`,
        namespace: NS,
        labels: { fleet: 'simulated' },
      }) as KubeObject & {
        data: Record<string, string>;
      };
      secret.data['server'] = Buffer.from(proxy.url).toString('base64');
      await hub.create(SECRETS, secret);
    }
    const hubProxy = await startTcpProxy(h.hub.port);
    proxies.push(hubProxy);
    const names = ['r1', 'r2', 'r3'];
    replicas.push(
      startReplica('r1', replicaArgs(h.hub.kubeconfigPath)),
      startReplica('r2', replicaArgs(h.hub.kubeconfigPath)),
      startReplica('r3', replicaArgs(kubeconfigThrough(hubProxy))),
    );
    const [r1, r2, r3] = replicas as [Replica, Replica, Replica];
    const where = { namespace: NS, prefix: 'spokes-controller', shards: SHARDS };

    // 1. Even spread: every replica two shards.
    const spread = await pollUntil(
      async () => {
        const rows = await shardRows(hub, where);
        return balancedAmong(rows, names) ? rows : undefined;
      },
      { what: 'shards spread over three replicas', timeoutMs: 90_000 },
    );
    for (const name of names)
      assert.equal(held(spread, name).length, 2, `${name} holds ${held(spread, name).join()}`);
    for (const r of replicas)
      await pollUntil(async () => (await httpGet(await r.port(), '/readyz')).status === 200, {
        what: `${r.name} ready`,
        timeoutMs: 60_000,
      });
    const metrics = (await httpGet(await r1.port(), '/metrics')).text;
    assert.match(metrics, /spokes_shards_held 2\b/);
    assert.match(metrics, /spokes_shard_rebalances_total [1-9]/);

    // 2. The fleet syncs: every cluster written by exactly one replica.
    await hub.create(APPLICATION_SETS, appSet());
    const first = await repo.revParse('main');
    await pollUntil(() => allSyncedAt(hub, first), { what: 'every Application synced', timeoutMs: 180_000 });
    // Each cluster has its live cache on exactly one replica: the holder of its shard.
    const cached = await Promise.all(
      replicas.map(async (r) => {
        const text = (await httpGet(await r.port(), '/metrics')).text;
        const gauges = [...text.matchAll(/^spokes_shard_clusters\{shard="\d+"\} (\d+)$/gm)];
        return gauges.reduce((n, m) => n + Number(m[1]), 0);
      }),
    );
    assert.equal(
      cached.reduce((a, b) => a + b, 0),
      CLUSTERS,
      `clusters cached per replica: ${cached.join(', ')}`,
    );

    // 3. kill -9 r1 right after a new revision: its shards move, its Applications sync once.
    const second = await repo.commit('main', { 'app/settings.yaml': configMap('two') });
    const r1Shards = held(await shardRows(hub, where), 'r1');
    r1.process.kill('SIGKILL');
    const killed = Date.now();
    await pollUntil(
      async () => {
        const rows = await shardRows(hub, where);
        return r1Shards.every((s) => rows[s]!.holder === 'r2' || rows[s]!.holder === 'r3') ? rows : undefined;
      },
      { what: "r1's shards taken over", timeoutMs: 60_000, intervalMs: 100 },
    );
    const takeover = Date.now() - killed;
    process.stderr.write(
      `shards of a killed replica taken over in ${takeover} ms (lease ${LEASE_SECONDS} s, renew ${RENEW_MS} ms)\n`,
    );
    // The bound plus slack for a loaded machine (the poll, the apiserver).
    assert.ok(takeover < LEASE_SECONDS * 1000 + RENEW_MS + 3_000, `took over in ${takeover} ms`);
    const synced = await pollUntil(() => allSyncedAt(hub, second), {
      what: 'every Application at the new revision',
      timeoutMs: 180_000,
    });
    for (const app of synced) {
      const revisions = (app.status?.history ?? []).map((e) => e.revision);
      assert.equal(
        new Set(revisions).size,
        revisions.length,
        `${app.metadata.name} synced one revision twice: ${revisions.join()}`,
      );
    }

    // 4. Never two writers: per cluster (namespace), the spoke's writes come from one replica, or
    // from r1 until it died and then from its successor, never interleaved.
    const writes = auditWrites(spoke.auditLogPath).filter((w) => w.namespace?.startsWith('ns-c'));
    for (let i = 0; i < CLUSTERS; i++) {
      const runs = writerRuns(writes.filter((w) => w.namespace === `ns-c${i}`));
      assert.ok(runs.length >= 1 && runs.length <= 2, `cluster c${i} writers: ${runs.join(' → ')}`);
      if (runs.length === 2) assert.equal(runs[0], 'r1', `cluster c${i} writers: ${runs.join(' → ')}`);
    }

    // 5. Partition: r3 loses the hub while a new revision is out; it stops writing to the spokes
    // before its Leases can expire, and r2 takes everything over.
    const r3Shards = held(await shardRows(hub, where), 'r3');
    assert.ok(r3Shards.length > 0);
    const lastRenew = async (): Promise<number> => {
      const { items } = await hub.list<
        KubeObject & { spec?: { holderIdentity?: string; renewTime?: string } }
      >(LEASES, { namespace: NS });
      return Math.max(
        ...items
          .filter((l) => l.spec?.holderIdentity === 'r3' && l.metadata.name.includes('-shard-'))
          .map((l) => Date.parse(l.spec!.renewTime!)),
      );
    };
    hubProxy.block();
    const cut = Date.now();
    const renewedBeforeCut = await lastRenew();
    const third = await repo.commit('main', { 'app/settings.yaml': configMap('three') });
    await pollUntil(async () => balancedAmong(await shardRows(hub, where), ['r2']), {
      what: 'r2 holds every shard',
      timeoutMs: 60_000,
    });
    await pollUntil(() => allSyncedAt(hub, third), {
      what: 'every Application at the third revision',
      timeoutMs: 180_000,
    });
    const stopped = await pollUntil(
      () =>
        r3.events.find(
          (e) => e.msg === 'shard Leases not renewed before their deadline; stopped acting on them',
        ),
      { what: 'r3 to stop acting' },
    );
    const r3Writes = auditWrites(spoke.auditLogPath).filter(
      (w) => w.userAgent === 'r3' && w.at > cut - 1_000,
    );
    const expiry = renewedBeforeCut + LEASE_SECONDS * 1000;
    // It stopped acting (its watchdog dropped every shard) before any Lease could expire.
    assert.ok(Date.parse(String(stopped.time)) < expiry, `r3 stopped at ${String(stopped.time)}`);
    for (const w of r3Writes)
      assert.ok(
        w.at < expiry,
        `r3 wrote ${w.verb} ${w.resource} in ${w.namespace} ${w.at - expiry} ms after its Leases could expire`,
      );
    process.stderr.write(
      `partitioned replica: ${r3Writes.length} spoke writes after the cut, last ${r3Writes.length ? expiry - Math.max(...r3Writes.map((w) => w.at)) : '-'} ms before its Leases could expire\n`,
    );
    hubProxy.unblock();
    await pollUntil(async () => balancedAmong(await shardRows(hub, where), ['r2', 'r3']), {
      what: 'r3 back in the rotation',
      timeoutMs: 60_000,
    });
    r2.process.kill('SIGTERM');
    assert.equal(await r2.exited(), 0, 'graceful shutdown exits 0');
  });
});
