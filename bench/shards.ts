/**
 * Benchmark: a simulated fleet sharded across controller replicas (`spokes controller` processes,
 * the real code paths). Each simulated cluster is a loopback TCP proxy in front of one of a few
 * spoke kube-apiservers: its own server URL, so its own client, connection pool and watches; its
 * cluster Secret lists its own namespace (Argo CD's namespaced mode), so its watches see only its
 * Applications' objects, as on a real cluster. Not modelled: network latency, distinct API
 * discovery per cluster, apiserver capacity per cluster (two apiservers carry the whole fleet).
 *
 * For each replica count (1, then 3): from the creation of the ApplicationSets (one per application,
 * over every cluster) to every Application Synced, peak RSS per replica, and where the CPU went;
 * then a quiet period: steady-state CPU per replica and hub writes per minute to Applications and
 * ApplicationSets (target 0; Lease renewals shown apart); then one more replica joins: time until
 * the shards are rebalanced, and how many moved.
 *
 *   node bench/shards.ts [--clusters 1000] [--apps 10] [--objects 5] [--replicas 1,3] [--shards 16]
 *                        [--quiet-seconds 60]
 *   node bench/shards.ts --clusters 100 --apps 2 --objects 1 --quiet-seconds 10     # a smoke run
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { shardRows } from '../src/cli/get-shards.ts';
import { KubeClient } from '../src/kube/client.ts';
import { Informer } from '../src/kube/informer.ts';
import { silentLogger } from '../src/log.ts';
import {
  APP_PROJECTS,
  APPLICATION_SETS,
  APPLICATIONS,
  NAMESPACES,
  SECRETS,
  type KubeObject,
} from '../src/kube/types.ts';
import { createGitRepo } from '../test/harness/git-repo.ts';
import { writesBetween, writesByResource } from '../test/harness/apiserver-metrics.ts';
import {
  clusterSecret,
  pollUntil,
  startHarness,
  startTcpProxy,
  type TcpProxy,
} from '../test/harness/index.ts';
import { startReplica, type Replica } from '../test/e2e/support/replicas.ts';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '1000' },
    apps: { type: 'string', default: '10' },
    objects: { type: 'string', default: '5' },
    replicas: { type: 'string', default: '1,3' },
    shards: { type: 'string', default: '16' },
    'quiet-seconds': { type: 'string', default: '60' },
  },
});
const CLUSTERS = Number(values.clusters);
const APPS = Number(values.apps);
const OBJECTS = Number(values.objects);
const SHARDS = Number(values.shards);
const QUIET_SECONDS = Number(values['quiet-seconds']);
const REPLICA_COUNTS = values.replicas.split(',').map(Number);
const REPO = 'https://git.example/fleet.git';
const SPOKES = ['spoke-a', 'spoke-b'];
const LEASE_SECONDS = 15;

const files: Record<string, string> = {};
for (let a = 0; a < APPS; a++)
  for (let k = 0; k < OBJECTS; k++)
    files[`apps/app-${a}/cm-${k}.yaml`] =
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${a}-${k}\ndata:\n  payload: "${'x'.repeat(64)}"\n`;
const repo = await createGitRepo({ branches: { main: files } });
const harness = await startHarness({ clusters: ['hub', ...SPOKES], controllerManager: false });
const hub = new KubeClient(harness.hub.kubeConfig('admin'));
const spokeClients = new Map(
  SPOKES.map((name) => [name, new KubeClient(harness.cluster(name).kubeConfig('admin'))]),
);
const proxies: TcpProxy[] = [];
const running: Replica[] = [];
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Peak and current RSS (VmHWM, VmRSS) and CPU seconds of a process, from /proc. */
function procStats(pid: number): { peakRss: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const peak = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime, in clock ticks (100 Hz)
  return { peakRss: peak, cpuSeconds: ticks / 100 };
}

/** CPU seconds so far of each harness server (the apiservers by their port, etcd), from /proc. */
function serverCpuSeconds(): Record<string, number> {
  const byPort = new Map(harness.clusters.map((c) => [`--secure-port=${c.port}`, c.name]));
  const out: Record<string, number> = {};
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmdline: string[];
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    const binary = cmdline[0] ?? '';
    const name = binary.endsWith('/etcd')
      ? 'etcd'
      : binary.endsWith('/kube-apiserver')
        ? byPort.get(cmdline.find((arg) => byPort.has(arg)) ?? '')
        : undefined;
    if (name !== undefined) out[name] = (out[name] ?? 0) + procStats(Number(pid)).cpuSeconds;
  }
  return out;
}

async function setUpFleet(namespace: string): Promise<void> {
  await hub.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await hub.create(APP_PROJECTS, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'default', namespace },
    spec: {
      sourceRepos: ['*'],
      destinations: [{ server: '*', namespace: '*' }],
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    },
  });
  for (let i = 0; i < CLUSTERS; i++) {
    const spoke = harness.cluster(SPOKES[i % SPOKES.length]!);
    const proxy = proxies[i] ?? (await startTcpProxy(spoke.port));
    proxies[i] = proxy;
    // Namespaced mode (the Secret's `namespaces`, as Argo CD has it): each simulated cluster
    // watches and manages only its own namespace, as a real cluster holds only its own objects.
    const own = `${namespace}-c${i}`;
    await spokeClients.get(spoke.name)!.create(NAMESPACES, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: own },
    });
    const secret = clusterSecret(spoke, {
      name: `c${i}`,
      namespace,
      labels: { fleet: 'simulated' },
    }) as KubeObject & {
      data: Record<string, string>;
    };
    secret.data['server'] = Buffer.from(proxy.url).toString('base64');
    secret.data['namespaces'] = Buffer.from(own).toString('base64');
    await hub.create(SECRETS, secret);
  }
}

/** One ApplicationSet per application, over every cluster (as platform teams write them). */
function appSet(namespace: string, app: number): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: `app-${app}`, namespace },
    spec: {
      goTemplate: true,
      generators: [{ clusters: { selector: { matchLabels: { fleet: 'simulated' } } } }],
      template: {
        metadata: { name: `{{.name}}-app-${app}` },
        spec: {
          project: 'default',
          source: { repoURL: REPO, path: `apps/app-${app}`, targetRevision: 'main' },
          destination: { server: '{{.server}}', namespace: `${namespace}-{{.name}}` },
          syncPolicy: { automated: {} },
        },
      },
    },
  };
}

/**
 * Applications Synced, from a watch of the namespace (a list every poll would cost the hub
 * apiserver more than the replicas' own writes do, at 10,000 Applications).
 */
async function watchSynced(namespace: string): Promise<{ count: () => number; stop: () => Promise<void> }> {
  const informer = new Informer<KubeObject & { status?: { sync?: { status?: string } } }>(
    hub,
    APPLICATIONS,
    { namespace },
    silentLogger,
  );
  informer.start();
  await informer.synced;
  return {
    count: () => informer.list().filter((a) => a.status?.sync?.status === 'Synced').length,
    stop: () => informer.stop(),
  };
}

function start(name: string, namespace: string): Replica {
  const kubeconfig = join(harness.dir, 'hub', 'kubeconfig');
  const replica = startReplica(name, [
    '--kubeconfig',
    kubeconfig,
    '--namespace',
    namespace,
    '--shards',
    String(SHARDS),
    '--lease-duration-seconds',
    String(LEASE_SECONDS),
    '--components',
    'appsets,sync',
    '--repo',
    `${REPO}=${repo.path}`,
    '--log-level',
    'warn',
  ]);
  running.push(replica);
  return replica;
}

async function balanced(namespace: string, names: readonly string[]): Promise<boolean> {
  const rows = await shardRows(hub, { namespace, prefix: 'spokes-controller', shards: SHARDS });
  const max = Math.ceil(SHARDS / names.length);
  return names.every((n) => {
    const held = rows.filter((r) => r.holder === n).length;
    return held >= Math.floor(SHARDS / names.length) && held <= max;
  });
}

async function run(replicaCount: number): Promise<void> {
  const namespace = `fleet-${replicaCount}`;
  await setUpFleet(namespace);
  const names = Array.from({ length: replicaCount }, (_, i) => `${namespace}-r${i + 1}`);
  const replicas = names.map((name) => start(name, namespace));
  await pollUntil(() => balanced(namespace, names), { what: 'shards balanced', timeoutMs: 120_000 });
  const total = CLUSTERS * APPS;
  const synced = await watchSynced(namespace);
  const serversBefore = serverCpuSeconds();
  const replicasBefore = replicas.map((r) => procStats(r.process.pid!).cpuSeconds);
  const created = Date.now();
  for (let a = 0; a < APPS; a++) await hub.create(APPLICATION_SETS, appSet(namespace, a));
  await pollUntil(() => synced.count() === total, {
    what: `${total} Applications Synced`,
    timeoutMs: 3_600_000,
    intervalMs: 500,
  });
  await synced.stop();
  const syncSeconds = (Date.now() - created) / 1000;
  const peak = replicas.map((r) => procStats(r.process.pid!).peakRss);
  console.log(
    `${replicaCount} replica(s): ${total} Applications (${CLUSTERS} clusters × ${APPS}, ${OBJECTS} objects each) Synced in ${syncSeconds.toFixed(1)} s; peak RSS per replica ${peak.map(mib).join(', ')}`,
  );
  // Where the two cores went meanwhile: the bound on what more replicas can gain here.
  const serversAfter = serverCpuSeconds();
  const share = (seconds: number): string => `${((seconds / syncSeconds) * 100).toFixed(0)}%`;
  const replicaCpu = replicas.map((r, i) => procStats(r.process.pid!).cpuSeconds - replicasBefore[i]!);
  console.log(
    `  CPU while syncing (of one core; 2 cores = 200%): replicas ${replicaCpu.map(share).join(', ')}; ` +
      Object.entries(serversAfter)
        .map(([name, seconds]) => `${name} ${share(seconds - (serversBefore[name] ?? 0))}`)
        .join(', '),
  );

  // The ApplicationSet's status and the last health transitions settle first.
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  const cpuBefore = replicas.map((r) => procStats(r.process.pid!).cpuSeconds);
  const writesBefore = await writesByResource(harness.hub);
  await new Promise((resolve) => setTimeout(resolve, QUIET_SECONDS * 1000));
  const writes = writesBetween(writesBefore, await writesByResource(harness.hub), [
    'applications',
    'applicationsets',
    'leases',
  ]);
  const cpu = replicas.map((r, i) => (procStats(r.process.pid!).cpuSeconds - cpuBefore[i]!) / QUIET_SECONDS);
  const perMinute = (n: number): string => ((n * 60) / QUIET_SECONDS).toFixed(0);
  console.log(
    `  steady state (${QUIET_SECONDS} s): CPU per replica ${cpu.map((c) => `${(c * 100).toFixed(0)}%`).join(', ')}; hub writes/min: Applications ${perMinute(writes['applications']!)}, ApplicationSets ${perMinute(writes['applicationsets']!)}, Leases ${perMinute(writes['leases']!)}`,
  );

  const before = await shardRows(hub, { namespace, prefix: 'spokes-controller', shards: SHARDS });
  const joined = Date.now();
  const extra = `${namespace}-r${replicaCount + 1}`;
  start(extra, namespace);
  await pollUntil(() => balanced(namespace, [...names, extra]), {
    what: 'shards rebalanced',
    timeoutMs: 300_000,
    intervalMs: 100,
  });
  const rebalanceSeconds = (Date.now() - joined) / 1000;
  const after = await shardRows(hub, { namespace, prefix: 'spokes-controller', shards: SHARDS });
  const moves = after.filter((r, i) => r.holder !== before[i]!.holder).length;
  console.log(
    `  a replica joins: rebalanced in ${rebalanceSeconds.toFixed(1)} s, ${moves} of ${SHARDS} shards moved (lease ${LEASE_SECONDS} s)`,
  );
  for (const r of running.splice(0)) r.process.kill('SIGKILL');
}

try {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `bench:shards: ${CLUSTERS} simulated clusters on ${SPOKES.length} spoke apiservers, ${SHARDS} shards; load average ${load}`,
  );
  for (const count of REPLICA_COUNTS) await run(count);
} finally {
  for (const r of running) r.process.kill('SIGKILL');
  await Promise.all(proxies.map((p) => p.close()));
  await harness.stop();
  await repo.cleanup();
}
