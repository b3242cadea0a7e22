/**
 * Benchmark: the fan-out sync on the harness (a hub and two spoke kube-apiservers).
 *  1. 300 Applications × 2 spokes, 5 ConfigMaps each (3,000 objects): time from creating the 600
 *     Applications to all Synced, against the same number of objects server-side applied by a
 *     plain parallel client with no diff or status (the apiservers' own limit). Target ≥ 0.7×.
 *  2. A no-change resync of all 600 Applications: sync operations and writes (target 0).
 *  3. Drift to healed: a ConfigMap edited on a spoke until selfHeal restores it (target < 2 s).
 *  4. A quiet hub: nothing changes for --quiet-seconds while every Application is resynced
 *     (compared with git and its spoke) about twice: hub writes per minute (target 0).
 *
 *   node bench/sync.ts [--apps 300] [--objects 5] [--quiet-seconds 60]
 *   node bench/sync.ts --apps 5000 --objects 1     # 10,000 Applications
 */
import pLimit from 'p-limit';
import { parseArgs } from 'node:util';
import { createRepoSource } from '../src/git/index.ts';
import { KubeClient } from '../src/kube/client.ts';
import { APPLICATIONS, NAMESPACES, type KubeObject, type ResourceType } from '../src/kube/types.ts';
import { silentLogger } from '../src/log.ts';
import { SyncController } from '../src/sync/controller.ts';
import { createGitRepo } from '../test/harness/git-repo.ts';
import { apiserverRequests, writesBetween, writesByResource } from '../test/harness/apiserver-metrics.ts';
import { pollUntil, registerSpoke, startHarness, type Cluster } from '../test/harness/index.ts';

const { values } = parseArgs({
  options: {
    apps: { type: 'string', default: '300' },
    objects: { type: 'string', default: '5' },
    'quiet-seconds': { type: 'string', default: '60' },
  },
});
const APPS = Number(values.apps);
const OBJECTS = Number(values.objects);
const QUIET_SECONDS = Number(values['quiet-seconds']);
const URL = 'https://git.example/bench.git';
const NS = 'argocd';
const SPOKES = ['spoke-a', 'spoke-b'];
const CONFIG_MAPS: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};
const CONCURRENCY = 32;

const configMap = (name: string, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  data: { owner: name, payload: 'x'.repeat(64) },
});

const files: Record<string, string> = {};
for (let a = 0; a < APPS; a++) {
  for (let k = 0; k < OBJECTS; k++)
    files[`apps/app-${a}/cm-${k}.yaml`] = JSON.stringify(configMap(`app-${a}-${k}`));
}

const harness = await startHarness({
  clusters: ['hub', ...SPOKES],
  controllerManager: false,
  log: () => undefined,
});
const repo = await createGitRepo({ branches: { main: files } });
const repos = createRepoSource({ localRepos: new Map([[URL, repo.path]]) });
try {
  const hub = new KubeClient(harness.hub.kubeConfig('admin'));
  const spokes = SPOKES.map((name) => new KubeClient(harness.cluster(name).kubeConfig('admin')));
  await hub.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  for (const name of SPOKES) await registerSpoke(harness.hub, harness.cluster(name));
  for (const spoke of spokes) {
    for (const ns of ['bench', 'baseline']) {
      await spoke.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
  }

  // The apiservers' own limit: the same objects applied by a plain parallel client.
  const limit = pLimit(CONCURRENCY);
  const baselineStart = performance.now();
  await Promise.all(
    spokes.flatMap((spoke) =>
      Object.keys(files).map((_, i) =>
        limit(() =>
          spoke.patch(
            CONFIG_MAPS,
            { namespace: 'baseline', name: `base-${i}` },
            configMap(`base-${i}`, 'baseline'),
            {
              type: 'apply',
              fieldManager: 'bench',
              force: true,
            },
          ),
        ),
      ),
    ),
  );
  const baselineSeconds = (performance.now() - baselineStart) / 1000;
  const total = APPS * OBJECTS * SPOKES.length;
  const baselineRate = total / baselineSeconds;
  console.log(
    `baseline: ${total} objects server-side applied in ${baselineSeconds.toFixed(1)} s (${Math.round(baselineRate)} objects/s)`,
  );

  const sync = new SyncController({
    hub,
    namespace: NS,
    repos,
    concurrency: CONCURRENCY,
    clusterConcurrency: CONCURRENCY / 2,
    // Every Application is compared again about twice during the quiet phase.
    resyncSeconds: QUIET_SECONDS / 2,
    log: silentLogger,
  });
  await sync.start();
  const requestsBefore = await apiRequests(SPOKES.map((name) => harness.cluster(name)));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    SPOKES.flatMap((spoke) =>
      Array.from({ length: APPS }, (_, a) =>
        limit(() => hub.create(APPLICATIONS, application(`${spoke}-app-${a}`, spoke, `apps/app-${a}`))),
      ),
    ),
  );
  await pollUntil(
    async () => {
      const { items } = await hub.list<KubeObject & { status?: { sync?: { status?: string } } }>(
        APPLICATIONS,
        { namespace: NS },
      );
      return items.filter((app) => app.status?.sync?.status === 'Synced').length === APPS * SPOKES.length;
    },
    { timeoutMs: 900_000, intervalMs: 500, what: 'every Application Synced' },
  );
  const syncSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const requests = await apiRequests(SPOKES.map((name) => harness.cluster(name)));
  const perObject = [...requests]
    .map(([verb, n]) => [verb, (n - (requestsBefore.get(verb) ?? 0)) / total] as const)
    .filter(([, n]) => n >= 0.01)
    .map(([verb, n]) => `${verb} ${n.toFixed(2)}`);
  console.log(`spoke apiserver requests per object during the sync: ${perObject.join(', ')}`);
  const rate = total / syncSeconds;
  console.log(
    `sync: ${APPS * SPOKES.length} Applications (${total} objects) Synced in ${syncSeconds.toFixed(1)} s (${Math.round(rate)} objects/s, ${(rate / baselineRate).toFixed(2)}× the plain client; target ≥ 0.7×); controller CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
  );

  await sync.whenIdle();
  const before = { ...sync.stats };
  const resyncStart = performance.now();
  const stamp = String(Date.now());
  await Promise.all(
    SPOKES.flatMap((spoke) =>
      Array.from({ length: APPS }, (_, a) =>
        limit(() =>
          hub.patch(
            APPLICATIONS,
            { namespace: NS, name: `${spoke}-app-${a}` },
            { metadata: { annotations: { 'argocd.argoproj.io/refresh': stamp } } },
            { type: 'merge' },
          ),
        ),
      ),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  await sync.whenIdle();
  console.log(
    `no-change resync of ${APPS * SPOKES.length} Applications: ${sync.stats.reconciles - before.reconciles} reconciles in ${((performance.now() - resyncStart) / 1000).toFixed(1)} s, ${sync.stats.operations - before.operations} sync operations, ${sync.stats.writes - before.writes} apply/delete calls (target 0)`,
  );

  const latencies: number[] = [];
  for (let i = 0; i < 5; i++) {
    const name = `app-${i}-0`;
    const t0 = performance.now();
    await spokes[0]!.patch(
      CONFIG_MAPS,
      { namespace: 'bench', name },
      { data: { owner: 'drift' } },
      { type: 'merge' },
    );
    await pollUntil(
      async () => {
        const live = await spokes[0]!.get(CONFIG_MAPS, 'bench', name);
        return (live?.['data'] as Record<string, string> | undefined)?.['owner'] === name;
      },
      { timeoutMs: 30_000, intervalMs: 20, what: 'drift healed' },
    );
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `drift to healed: median ${Math.round(latencies[2]!)} ms, max ${Math.round(latencies[4]!)} ms over 5 edits (target < 2000 ms)`,
  );

  await sync.whenIdle();
  const quietBefore = { ...sync.stats };
  const hubWritesBefore = await writesByResource(harness.hub);
  await new Promise((resolve) => setTimeout(resolve, QUIET_SECONDS * 1000));
  const hubWrites = writesBetween(hubWritesBefore, await writesByResource(harness.hub), [
    'applications',
    'events',
  ]);
  const perMinute = (Object.values(hubWrites).reduce((a, b) => a + b, 0) * 60) / QUIET_SECONDS;
  console.log(
    `quiet hub: ${APPS * SPOKES.length} Applications, ${sync.stats.reconciles - quietBefore.reconciles} reconciles in ${QUIET_SECONDS} s, hub writes ${perMinute.toFixed(0)}/min (${JSON.stringify(hubWrites)}; target 0)`,
  );
  await sync.stop();
} finally {
  repos.close();
  await repo.cleanup();
  await harness.stop();
}

function application(name: string, cluster: string, path: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: NS },
    spec: {
      project: 'default',
      source: { repoURL: URL, path, targetRevision: 'main' },
      destination: { name: cluster, namespace: 'bench' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
}

/** `apiserver_request_total` summed by verb (dry runs apart) over the clusters' /metrics. */
async function apiRequests(clusters: readonly Cluster[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const cluster of clusters) {
    for (const { verb, resource, dryRun, count } of await apiserverRequests(cluster)) {
      if (verb === 'WATCH' || resource === 'leases' || resource === 'events') continue;
      const key = `${verb}${dryRun ? ' (dry run)' : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + count);
    }
  }
  return counts;
}
