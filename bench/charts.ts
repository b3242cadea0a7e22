/**
 * Benchmark: one chart for a fleet, from a Helm chart repository against from git.
 * 300 Applications on 2 spokes (150 each), each a Helm release of the same chart (3 ConfigMaps):
 *  1. from a chart in git (the baseline), time from creating the Applications to all Synced;
 *  2. from a real chart repository on loopback (HTTPS, Basic auth, `helm repo index`): the same
 *     time, and how often the index and the archive were fetched (target: the archive once),
 *     and the ratio to the git fleet (target ≤ 1.2×).
 * Each fleet gets a fresh sync controller (cold caches); the first fleet's Applications are
 * deleted before the second starts.
 *
 *   node bench/charts.ts [--apps 300]
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import { createChartSource } from '../src/charts/index.ts';
import { createRepoSource } from '../src/git/index.ts';
import { KubeClient } from '../src/kube/client.ts';
import { APPLICATIONS, CONFIG_MAPS, NAMESPACES, SECRETS, type KubeObject } from '../src/kube/types.ts';
import { silentLogger } from '../src/log.ts';
import { SyncController } from '../src/sync/controller.ts';
import { requireBinaries } from '../test/harness/bins.ts';
import { makeChartPki, startChartRepository } from '../test/harness/chart-servers.ts';
import { createGitRepo } from '../test/harness/git-repo.ts';
import { pollUntil, registerSpoke, startHarness } from '../test/harness/index.ts';

const { values } = parseArgs({ options: { apps: { type: 'string', default: '300' } } });
const APPS = Number(values.apps);
const GIT = 'https://git.example/bench-charts.git';
const NS = 'argocd';
const SPOKES = ['spoke-a', 'spoke-b'];
const CREDS = { username: 'bench', password: 'bench-password' };
const CONCURRENCY = 32;

const chartFiles: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.4.2\n',
  'values.yaml': 'color: blue\nsize: 3\n',
  'templates/cms.yaml': [0, 1, 2]
    .map(
      (i) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-${i}\ndata:\n  color: {{ .Values.color }}\n  size: "{{ .Values.size }}"\n`,
    )
    .join('---\n'),
};

const work = await mkdtemp(path.join(tmpdir(), 'spokes-bench-charts-'));
const harness = await startHarness({
  clusters: ['hub', ...SPOKES],
  controllerManager: false,
  log: () => undefined,
});
const gitFiles = Object.fromEntries(Object.entries(chartFiles).map(([f, t]) => [`charts/web/${f}`, t]));
const repo = await createGitRepo({ branches: { main: gitFiles } });
const pki = await makeChartPki(path.join(work, 'pki'));
const chartRepo = await startChartRepository({ dir: path.join(work, 'repo'), pki, credentials: CREDS });
for (const [file, text] of Object.entries(chartFiles)) {
  await mkdir(path.dirname(path.join(work, 'web', file)), { recursive: true });
  await writeFile(path.join(work, 'web', file), text);
}
await chartRepo.publish(path.join(work, 'web'));

const bins = requireBinaries(['helm', 'kustomize']);
const tools = { helm: bins.helm, kustomize: bins.kustomize, searchPath: path.dirname(bins.helm) };
const limit = pLimit(CONCURRENCY);

try {
  const hub = new KubeClient(harness.hub.kubeConfig('admin'));
  await hub.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  for (const name of SPOKES) await registerSpoke(harness.hub, harness.cluster(name));
  for (const name of SPOKES) {
    const spoke = new KubeClient(harness.cluster(name).kubeConfig('admin'));
    for (const ns of ['from-git', 'from-repo'])
      await spoke.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  await hub.create(SECRETS, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'charts', namespace: NS, labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
    stringData: { type: 'helm', url: chartRepo.url, ...CREDS },
  });
  await hub.create(CONFIG_MAPS, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-tls-certs-cm', namespace: NS },
    data: { '127.0.0.1': await readFile(pki.caFile, 'utf8') },
  });

  const fleet = async (label: string, source: Record<string, unknown>, namespace: string) => {
    const repos = createRepoSource({ localRepos: new Map([[GIT, repo.path]]) });
    const charts = createChartSource({
      cacheDir: path.join(work, `cache-${label}`),
      credentials: () => ({
        secrets: sync?.repositorySecrets() ?? [],
        tlsCerts: sync?.tlsCertificates() ?? {},
      }),
    });
    const sync: SyncController = new SyncController({
      hub,
      namespace: NS,
      repos,
      charts,
      tools,
      concurrency: CONCURRENCY,
      clusterConcurrency: CONCURRENCY / 2,
      log: silentLogger,
    });
    await sync.start();
    const names = Array.from({ length: APPS }, (_, a) => `${label}-${a}`);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      names.map((name, a) =>
        limit(() =>
          hub.create(APPLICATIONS, application(name, SPOKES[a % SPOKES.length]!, namespace, source)),
        ),
      ),
    );
    await pollUntil(
      async () => {
        const { items } = await hub.list<KubeObject & { status?: { sync?: { status?: string } } }>(
          APPLICATIONS,
          {
            namespace: NS,
          },
        );
        return items.filter((app) => app.status?.sync?.status === 'Synced').length === APPS;
      },
      { timeoutMs: 1_800_000, intervalMs: 500, what: `${label}: every Application Synced` },
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    await sync.stop();
    await charts.close();
    repos.close();
    await Promise.all(names.map((name) => limit(() => hub.delete(APPLICATIONS, NS, name))));
    await pollUntil(async () => (await hub.list(APPLICATIONS, { namespace: NS })).items.length === 0, {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: 'Applications deleted',
    });
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, stats: charts.stats };
  };

  const git = await fleet('git', { repoURL: GIT, path: 'charts/web', targetRevision: 'main' }, 'from-git');
  console.log(
    `chart in git: ${APPS} Applications on ${SPOKES.length} spokes Synced in ${git.seconds.toFixed(1)} s (controller CPU ${git.cpuSeconds.toFixed(1)} s)`,
  );
  const before = { ...chartRepo.served };
  const fromRepo = await fleet(
    'repo',
    { repoURL: chartRepo.url, chart: 'web', targetRevision: '~1.4' },
    'from-repo',
  );
  const ratio = fromRepo.seconds / git.seconds;
  console.log(
    `chart repository: ${APPS} Applications Synced in ${fromRepo.seconds.toFixed(1)} s (controller CPU ${fromRepo.cpuSeconds.toFixed(1)} s), ${ratio.toFixed(2)}× the git fleet (target ≤ 1.2×)`,
  );
  console.log(
    `chart repository requests: index.yaml ${chartRepo.served.index - before.index}, archive ${chartRepo.served.archives - before.archives} (target: the archive once); chart source: ${JSON.stringify(fromRepo.stats)}`,
  );
} finally {
  await chartRepo.stop();
  await repo.cleanup();
  await harness.stop();
  await rm(work, { recursive: true, force: true });
}

function application(
  name: string,
  cluster: string,
  namespace: string,
  source: Record<string, unknown>,
): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: NS },
    spec: {
      project: 'default',
      source,
      destination: { name: cluster, namespace },
      syncPolicy: { automated: { prune: true } },
    },
  };
}
