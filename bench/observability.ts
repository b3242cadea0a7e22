/**
 * Benchmark: observability costs.
 *  1. /metrics scrape time, through the controller's HTTP route, with 10,000 Applications (Argo
 *     CD's argocd_app_info and friends computed at scrape time, plus Node's process metrics and
 *     two clusters). Target: under 200 ms.
 *  2. CPU per reconcile with tracing off (the API's no-op tracer) and on at sample ratio 1.0 (the
 *     SDK, ParentBased(TraceIDRatio(1)), a batch span processor; the exporter discards, so OTLP
 *     encoding and the network are not counted): ApplicationSet reconciles (expand: a list
 *     generator of --elements elements, with spokes.appset.reconcile, spokes.generator and
 *     spokes.template spans). Target: off within noise of no spans at all, on under 10% more.
 *  3. The same on a real Application sync: an in-process sync controller on the e2e harness (a hub
 *     and a spoke kube-apiserver) syncs --sync-apps Applications from a git repository; each round
 *     commits a change to every Application's ConfigMap and pushes (as the webhook does), and the
 *     controller's CPU is measured until every Application is Synced at the new commit: refresh,
 *     render, compare, sync with its apply, health, status write. Tracing on exports every span over
 *     OTLP/gRPC to a real Jaeger (test/harness/jaeger.ts). Needs `npm run test:bins`.
 *     Target: on under 10% more than off.
 *
 *   node bench/observability.ts [--apps 10000] [--scrapes 20] [--reconciles 2000] [--elements 20]
 *                               [--sync-apps 100] [--sync-rounds 5]
 */
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { parseApplicationSet } from '../src/api/applicationset.ts';
import { expand } from '../src/expand.ts';
import { silentLogger } from '../src/log.ts';
import { createAppMetrics, type AppView } from '../src/observability/app-metrics.ts';
import { createClusterMetrics } from '../src/observability/cluster-metrics.ts';
import { createMetricsRegistry } from '../src/observability/metrics.ts';
import { inSpan, noopTracer, type Tracer } from '../src/observability/tracing.ts';
import { createHttpServer, processRoutes } from '../src/process/http.ts';
import { createRepoSource } from '../src/git/index.ts';
import { KubeClient } from '../src/kube/client.ts';
import { APP_PROJECTS, APPLICATIONS, NAMESPACES, SECRETS, type KubeObject } from '../src/kube/types.ts';
import { startTracing } from '../src/observability/otel.ts';
import { SyncController } from '../src/sync/controller.ts';
import { createGitRepo } from '../test/harness/git-repo.ts';
import { clusterSecret, pollUntil, startHarness } from '../test/harness/index.ts';
import { startJaeger } from '../test/harness/jaeger.ts';

const { values } = parseArgs({
  options: {
    apps: { type: 'string', default: '10000' },
    scrapes: { type: 'string', default: '20' },
    reconciles: { type: 'string', default: '2000' },
    elements: { type: 'string', default: '20' },
    'sync-apps': { type: 'string', default: '100' },
    'sync-rounds': { type: 'string', default: '5' },
  },
});

const noRepos = {
  resolve: () => Promise.reject(new Error('no repositories in this benchmark')),
  listTree: () => Promise.reject(new Error('no repositories in this benchmark')),
  readFile: () => Promise.reject(new Error('no repositories in this benchmark')),
};

await scrapeTime(Number(values.apps), Number(values.scrapes));
await tracingCost(Number(values.reconciles), Number(values.elements));
await syncTracingCost(Number(values['sync-apps']), Number(values['sync-rounds']));

async function scrapeTime(count: number, scrapes: number): Promise<void> {
  const registry = createMetricsRegistry();
  const servers = ['https://spoke-a:6443', 'https://spoke-b:6443'];
  const apps: AppView[] = Array.from({ length: count }, (_, i) => ({
    metadata: { namespace: 'argocd', name: `app-${i}`, labels: { team: `team-${i % 20}` } },
    spec: {
      project: `project-${i % 10}`,
      source: { repoURL: 'https://github.com/acme/fleet.git' },
      destination: { server: servers[i % 2]!, namespace: `ns-${i % 50}` },
      syncPolicy: { automated: {} },
    },
    status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } },
  }));
  const metrics = createAppMetrics(registry);
  metrics.collectFrom(() => ({ apps, destServer: (app) => app.spec?.destination?.server ?? '' }));
  for (const app of apps) {
    metrics.observeReconcile(app, app.spec!.destination!.server!, 0.3);
    metrics.countSync(app, app.spec!.destination!.server!, 'Succeeded', 1.2);
  }
  createClusterMetrics(registry).collectFrom(() =>
    servers.map((server) => ({
      server,
      name: server,
      k8sVersion: 'v1.34.0',
      reachable: true,
      apiResources: 3,
      objects: count,
    })),
  );
  const server = createHttpServer(
    processRoutes({
      ready: () => true,
      metrics: registry,
      webhookSecrets: {},
      onPush: () => 0,
      log: silentLogger,
    }),
    silentLogger,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < scrapes + 2; i++) {
    const started = performance.now();
    const text = await (await fetch(url)).text();
    if (i >= 2) times.push(performance.now() - started); // two warm-up scrapes
    bytes = text.length;
  }
  server.close();
  times.sort((a, b) => a - b);
  const p = (q: number): string =>
    times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
  console.log(
    `/metrics with ${count} Applications (argocd_app_info, sync counters, reconcile histograms): ` +
      `${(bytes / 1024 / 1024).toFixed(1)} MiB; scrape median ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${p(1)} ms (target < 200 ms)`,
  );
}

async function tracingCost(reconciles: number, elements: number): Promise<void> {
  const appSet = parseApplicationSet(
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'bench', namespace: 'argocd' },
      spec: {
        generators: [{ list: { elements: Array.from({ length: elements }, (_, i) => ({ name: `e${i}` })) } }],
        template: {
          metadata: { name: '{{name}}' },
          spec: {
            project: 'default',
            source: { repoURL: 'https://github.com/acme/fleet.git', path: 'apps/{{name}}' },
            destination: { server: 'https://kubernetes.default.svc', namespace: '{{name}}' },
          },
        },
      },
    },
    'bench',
  );
  const ctx = { clusters: { list: () => Promise.resolve([]) }, repos: noRepos };
  const reconcile = (tracer: Tracer | undefined): Promise<unknown> =>
    tracer === undefined
      ? expand(appSet, ctx)
      : inSpan(tracer, 'spokes.appset.reconcile', { root: true }, () => expand(appSet, { ...ctx, tracer }));
  const measure = async (tracer: Tracer | undefined): Promise<number> => {
    for (let i = 0; i < 200; i++) await reconcile(tracer);
    const before = process.cpuUsage();
    for (let i = 0; i < reconciles; i++) await reconcile(tracer);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / reconciles;
  };
  const discard: SpanExporter = {
    export: (_spans, done) => done({ code: 0 }),
    shutdown: () => Promise.resolve(),
  };
  const provider = new TracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(1) }),
    spanProcessors: [new BatchSpanProcessor({ exporter: discard, scheduledDelayMillis: 200 })],
  });
  const on = provider.getTracer('bench');
  const rounds: Record<'none' | 'off' | 'on', number[]> = { none: [], off: [], on: [] };
  for (let round = 0; round < 3; round++) {
    rounds.none.push(await measure(undefined));
    rounds.off.push(await measure(noopTracer));
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    rounds.on.push(await measure(on));
    context.disable();
  }
  await provider.shutdown();
  const best = (xs: number[]): number => Math.min(...xs);
  const [none, off, onCost] = [best(rounds.none), best(rounds.off), best(rounds.on)];
  const pct = (x: number): string => `${(((x - none) / none) * 100).toFixed(1)}%`;
  console.log(
    `CPU per ApplicationSet reconcile (${elements} Applications, best of 3 rounds of ${reconciles}): ` +
      `no spans ${none.toFixed(0)} µs; tracing off ${off.toFixed(0)} µs (${pct(off)}); ` +
      `tracing on, ratio 1.0 ${onCost.toFixed(0)} µs (${pct(onCost)}) (targets: off within noise, on < 10%)`,
  );
}

async function syncTracingCost(apps: number, rounds: number): Promise<void> {
  const URL = 'https://git.example/traced-fleet.git';
  const configMaps = (round: number): Record<string, string> =>
    Object.fromEntries(
      Array.from({ length: apps }, (_, i) => [
        `apps/app-${i}/cm.yaml`,
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-${i}}\ndata: {round: "${round}"}\n`,
      ]),
    );
  const repo = await createGitRepo({ branches: { main: configMaps(0) } });
  const harness = await startHarness({ clusters: ['hub', 'spoke-a'], controllerManager: false });
  const jaeger = await startJaeger();
  const hub = new KubeClient(harness.hub.kubeConfig('admin'));
  const spoke = harness.cluster('spoke-a');
  let round = 0;
  const variant = async (name: string, traced: boolean): Promise<number> => {
    const namespace = `trace-${name}`;
    await hub.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    await hub.create(APP_PROJECTS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'default', namespace },
      spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }] },
    });
    await hub.create(SECRETS, clusterSecret(spoke, { namespace }) as KubeObject);
    for (let i = 0; i < apps; i++)
      await hub.create(APPLICATIONS, {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        // Named apart per variant: each variant's Applications track their objects by name (the
        // instance label) on the same spoke, and a shared name would claim the other's objects.
        metadata: { name: `${name}-app-${i}`, namespace },
        spec: {
          project: 'default',
          source: { repoURL: URL, path: `apps/app-${i}`, targetRevision: 'main' },
          destination: { server: spoke.server, namespace },
          syncPolicy: { automated: {}, syncOptions: ['CreateNamespace=true'] },
        },
      });
    const tracing = traced
      ? await startTracing(
          { address: jaeger.otlpAddress, insecure: true, headers: {}, attributes: {}, sampleRatio: 1 },
          {},
        )
      : { tracer: noopTracer, shutdown: () => Promise.resolve() };
    const repos = createRepoSource({ localRepos: new Map([[URL, repo.path]]) });
    const sync = new SyncController({
      hub,
      namespace,
      repos,
      resyncSeconds: 3600,
      log: silentLogger,
      tracer: tracing.tracer,
    });
    const syncedAt = async (commit: string): Promise<boolean> => {
      const { items } = await hub.list<
        KubeObject & { status?: { sync?: { status?: string; revision?: string } } }
      >(APPLICATIONS, { namespace });
      return items.every((a) => a.status?.sync?.status === 'Synced' && a.status.sync.revision === commit);
    };
    try {
      await sync.start();
      await pollUntil(async () => syncedAt(await repo.revParse('main')), {
        what: `${apps} Applications Synced (${name})`,
        timeoutMs: 600_000,
        intervalMs: 500,
      });
      let cpu = 0;
      for (let r = 0; r < rounds; r++) {
        const commit = await repo.commit('main', configMaps(++round));
        const before = process.cpuUsage();
        await inSpan(tracing.tracer, 'spokes.webhook.push', { root: true }, () =>
          Promise.resolve(sync.onPush([URL])),
        );
        await sync.whenIdle();
        // The batch span processor exports within a second: count that work too (both variants wait).
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        const used = process.cpuUsage(before);
        cpu += used.user + used.system;
        if (!(await syncedAt(commit))) throw new Error(`${name}: not every Application Synced at ${commit}`);
      }
      return cpu / (rounds * apps);
    } finally {
      await sync.stop();
      repos.close();
      await tracing.shutdown();
    }
  };
  try {
    const costs: Record<'off' | 'on', number[]> = { off: [], on: [] };
    for (let k = 0; k < 2; k++) {
      costs.off.push(await variant(`off-${k}`, false));
      costs.on.push(await variant(`on-${k}`, true));
    }
    const [off, on] = [Math.min(...costs.off), Math.min(...costs.on)];
    const spans = (await jaeger.traces('spokes-controller', 'sync.apply')).length;
    console.log(
      `CPU per Application sync on real apiservers (${apps} Applications × ${rounds} pushes, best of 2): ` +
        `tracing off ${(off / 1000).toFixed(2)} ms; on, ratio 1.0, exported to Jaeger ${(on / 1000).toFixed(2)} ms ` +
        `(${(((on - off) / off) * 100).toFixed(1)}%; target < 10%); Jaeger holds traces with sync.apply: ${spans}`,
    );
  } finally {
    await jaeger.stop();
    await harness.stop();
    await repo.cleanup();
  }
}
