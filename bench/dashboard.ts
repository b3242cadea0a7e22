/**
 * Benchmark: the dashboard in a real browser (Debian's chromium through playwright-core) fed by a
 * real kube-apiserver (the harness hub, no controller; `--source hub`, the default) or by a
 * synthetic hub in this process (`--source synthetic`: lists and watch events made here, which
 * takes the apiserver out of the measurement): 10,000 Applications of 100 ApplicationSets on 100
 * clusters, the dashboard component watching them in this process.
 *  1. Time to first meaningful render of the fleet page: navigation start → the first grid cell
 *     showing an Application (session check, snapshot download and parse, grid render), median of 5.
 *  2. 100 status changes per second for 10 s, written to the hub (Application sync status
 *     flipped), on Applications in view: the lag from each hub write to its cell's update in the
 *     page (watch → dashboard → SSE → browser → DOM), and whether the page keeps up.
 *
 *   node bench/dashboard.ts [--source hub|synthetic] [--seconds 10] [--rate 100] [--appsets 100]
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import { Dashboard } from '../src/dashboard/dashboard.ts';
import { KubeClient } from '../src/kube/client.ts';
import { APPLICATION_SETS, APPLICATIONS, NAMESPACES, SECRETS, type KubeObject } from '../src/kube/types.ts';
import { silentLogger } from '../src/log.ts';
import { createHttpServer } from '../src/process/http.ts';
import { pollUntil, startHarness } from '../test/harness/index.ts';
import { launchBrowser } from '../test/support/browser.ts';

const { values } = parseArgs({
  options: {
    source: { type: 'string', default: 'hub' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '100' },
    appsets: { type: 'string', default: '100' },
  },
});
const CLUSTERS = 100;
const APPSETS = Number(values.appsets);
const NS = 'argocd';
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const SOURCE = values.source;

/** Where the dashboard's data comes from, and how a status change is written there. */
interface Source {
  readonly client: KubeClient;
  readonly token: string;
  write(name: string, sync: string): Promise<void>;
  stop(): Promise<void>;
}

/** A real kube-apiserver (the harness hub), seeded with the fleet. */
async function hubSource(): Promise<Source> {
  const harness = await startHarness({ clusters: ['hub'], controllerManager: false, log: () => undefined });
  const client = new KubeClient(harness.hub.kubeConfig('admin'));
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const limit = pLimit(32);
  const seeded = performance.now();
  await Promise.all(
    Array.from({ length: CLUSTERS }, (_, i) => limit(() => client.create(SECRETS, clusterSecret(i)))),
  );
  const owners = await Promise.all(
    Array.from({ length: APPSETS }, (_, i) => limit(() => client.create(APPLICATION_SETS, appSet(i)))),
  );
  await Promise.all(
    owners.flatMap((owner, s) =>
      Array.from({ length: CLUSTERS }, (_, c) =>
        limit(() => client.create(APPLICATIONS, application(owner, s, c))),
      ),
    ),
  );
  console.log(
    `hub seeded: ${CLUSTERS} cluster Secrets, ${APPSETS} ApplicationSets, ${APPSETS * CLUSTERS} Applications in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
  );
  // Several clients, so the writes are not queued behind each other on one connection.
  const writers = Array.from({ length: 16 }, () => new KubeClient(harness.hub.kubeConfig('admin')));
  let next = 0;
  return {
    client,
    token: harness.hub.users.admin.token,
    async write(name, sync) {
      const writer = writers[next++ % writers.length]!;
      await writer.patch(
        APPLICATIONS,
        { namespace: NS, name },
        { status: { sync: { status: sync } } },
        { type: 'merge' },
      );
    },
    stop: () => harness.stop(),
  };
}

/**
 * A synthetic hub in this process: lists and watch events made here, and TokenReview /
 * SubjectAccessReview answered yes. It takes the apiserver out of the measurement: a write is a
 * watch event delivered to the dashboard's informer at once.
 */
function syntheticSource(): Source {
  let resourceVersion = 1;
  const apps = new Map<string, KubeObject>();
  for (let s = 0; s < APPSETS; s++) {
    const owner = { ...appSet(s), metadata: { ...appSet(s).metadata, uid: `uid-${s}` } };
    for (let c = 0; c < CLUSTERS; c++) {
      const app = application(owner, s, c);
      app.metadata.resourceVersion = String(resourceVersion++);
      apps.set(app.metadata.name, app);
    }
  }
  const secrets = Array.from({ length: CLUSTERS }, (_, i) => {
    const secret = clusterSecret(i);
    return {
      ...secret,
      data: Object.fromEntries(
        Object.entries(secret['stringData'] as Record<string, string>).map(([k, v]) => [
          k,
          Buffer.from(v).toString('base64'),
        ]),
      ),
    };
  });
  let emit: ((event: { type: string; object: KubeObject }) => void) | undefined;
  const never = new Set<() => void>();
  const client = {
    server: 'synthetic',
    list: (type: { plural: string }) =>
      Promise.resolve({
        items: type.plural === 'applications' ? [...apps.values()] : type.plural === 'secrets' ? secrets : [],
        resourceVersion: String(resourceVersion),
      }),
    watch: (
      type: { plural: string },
      _options: unknown,
      onEvent: (event: { type: string; object: KubeObject }) => void,
    ) => {
      if (type.plural === 'applications') emit = onEvent;
      let stop: () => void = () => undefined;
      const done = new Promise<void>((resolve) => {
        stop = resolve;
        never.add(resolve);
      });
      return { done, stop };
    },
    request: (_method: string, path: string) =>
      Promise.resolve(
        path.endsWith('/tokenreviews')
          ? { status: { authenticated: true, user: { username: 'bench', groups: ['system:masters'] } } }
          : { status: { allowed: true } },
      ),
  };
  return {
    client: client as unknown as KubeClient,
    token: 'synthetic',
    write(name, sync) {
      const app = apps.get(name)!;
      const next: KubeObject = {
        ...app,
        metadata: { ...app.metadata, resourceVersion: String(++resourceVersion) },
        status: { ...(app['status'] as object), sync: { status: sync } },
      };
      apps.set(name, next);
      emit?.({ type: 'MODIFIED', object: next });
      return Promise.resolve();
    },
    stop: () => {
      for (const resolve of never) resolve();
      return Promise.resolve();
    },
  };
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const ms = (n: number): string => `${Math.round(n)} ms`;

const source = SOURCE === 'synthetic' ? syntheticSource() : await hubSource();
try {
  const dashboard = new Dashboard({
    hub: source.client,
    namespace: NS,
    repos: {} as never, // no diffs or param sets in this benchmark
    log: silentLogger,
  });
  const watchStart = performance.now();
  await dashboard.start();
  console.log(
    `dashboard: informers synced (${APPSETS * CLUSTERS} Applications) in ${ms(performance.now() - watchStart)}`,
  );
  const server = createHttpServer(dashboard.routes, silentLogger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const login = await context.request.post(`${base}/api/login`, {
      headers: { origin: base },
      data: { token: source.token },
    });
    if (!login.ok()) throw new Error(`sign-in failed: ${login.status()}`);
    const fleet = await context.request.get(`${base}/api/fleet`, { headers: { 'accept-encoding': 'gzip' } });
    console.log(
      `fleet snapshot: ${(await fleet.body()).length.toLocaleString()} bytes of JSON for ${APPSETS * CLUSTERS} Applications`,
    );
    // In-page scripts are strings: they run in the browser, not here.
    await context.addInitScript({
      content: `new MutationObserver((_, observer) => {
        if (window.firstCell === undefined && document.querySelector('[role=gridcell][data-app]')) {
          window.firstCell = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });`,
    });
    const renders: number[] = [];
    const afterDocument: number[] = [];
    const afterSnapshot: number[] = [];
    /** The renderer's main-thread task time (Chrome's TaskDuration and ScriptDuration). */
    const mainThread: number[] = [];
    const scripting: number[] = [];
    for (let i = 0; i < 5; i++) {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
      await page.goto(`${base}/`);
      await page.waitForSelector('[role=gridcell][data-app]');
      renders.push(Number(await page.evaluate('window.firstCell')));
      const { metrics } = await cdp.send('Performance.getMetrics');
      const metric = (name: string): number => (metrics.find((m) => m.name === name)?.value ?? NaN) * 1000;
      mainThread.push(metric('TaskDuration'));
      scripting.push(metric('ScriptDuration'));
      afterSnapshot.push(
        Number(
          await page.evaluate(
            `window.firstCell - performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/fleet')).responseEnd`,
          ),
        ),
      );
      afterDocument.push(
        Number(
          await page.evaluate(`window.firstCell - performance.getEntriesByType('navigation')[0].responseEnd`),
        ),
      );
      if (process.env['BENCH_DEBUG'])
        console.log(
          await page.evaluate(
            `JSON.stringify(performance.getEntriesByType('resource').map((e) => [e.name.replace(location.origin, ''), Math.round(e.startTime), Math.round(e.responseEnd)]))`,
          ),
        );
      if (i < 4) await page.close();
    }
    renders.sort((a, b) => a - b);
    afterDocument.sort((a, b) => a - b);
    afterSnapshot.sort((a, b) => a - b);
    mainThread.sort((a, b) => a - b);
    scripting.sort((a, b) => a - b);
    console.log(
      `first meaningful render (navigation → first cell): median ${ms(pct(renders, 0.5))}, runs ${renders.map(ms).join(', ')} (target < 1 s)`,
    );
    console.log(
      `  of which after the page's HTML arrived: median ${ms(pct(afterDocument, 0.5))}; after the snapshot arrived (parse, grid, first paint): median ${ms(pct(afterSnapshot, 0.5))}`,
    );
    console.log(
      `  the page's main-thread task time until then: median ${ms(pct(mainThread, 0.5))}, of which script ${ms(pct(scripting, 0.5))}`,
    );

    const page = context.pages().at(-1)!;
    const visible = await page.evaluate<[string, string][]>(
      `[...document.querySelectorAll('[role=gridcell][data-app]')].slice(0, 100).map((c) => [c.getAttribute('data-app'), c.getAttribute('data-sync')])`,
    );
    await page.evaluate(`window.seen = [];
      new MutationObserver((records) => {
        const now = performance.timeOrigin + performance.now();
        for (const r of records)
          window.seen.push([r.target.getAttribute('data-app'), r.target.getAttribute('data-sync'), now]);
      }).observe(document.querySelector('[role=grid]'), { attributes: true, subtree: true, attributeFilter: ['data-sync'] });`);
    const state = new Map(visible.map(([app, sync]) => [app, sync]));
    const writes: { app: string; sync: string; at: number; doneAt?: number }[] = [];
    const total = SECONDS * RATE;
    const startAt = Date.now();
    const pending: Promise<unknown>[] = [];
    let failed = 0;
    for (let i = 0; i < total; i++) {
      const due = startAt + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const [app] = visible[i % visible.length]!;
      const next = state.get(app) === 'Synced' ? 'OutOfSync' : 'Synced';
      state.set(app, next);
      const write: (typeof writes)[number] = { app, sync: next, at: Date.now() };
      writes.push(write);
      const name = app.slice(app.indexOf('/') + 1);
      pending.push(
        source.write(name, next).then(
          () => (write.doneAt = Date.now()),
          () => failed++,
        ),
      );
    }
    await Promise.all(pending);
    const writeSeconds = (Date.now() - startAt) / 1000;
    await pollUntil(async () => Number(await page.evaluate('window.seen.length')) >= total, {
      timeoutMs: 30_000,
      what: 'every change in the page',
    }).catch(() => undefined);
    const seen = await page.evaluate<[string, string, number][]>('window.seen');

    // Each write is matched with its Application's first cell update to that status after it.
    const byApp = new Map<string, [string, number][]>();
    for (const [app, sync, t] of seen) byApp.set(app, [...(byApp.get(app) ?? []), [sync, t]]);
    const lags: number[] = [];
    /** From the write's answer (the object stored): what the dashboard and the browser add. */
    const afterStored: number[] = [];
    const lagsFirst: number[] = [];
    const lagsLast: number[] = [];
    let missed = 0;
    for (const w of writes) {
      const list = byApp.get(w.app) ?? [];
      const index = list.findIndex(([sync, t]) => sync === w.sync && t >= w.at - 5);
      if (index < 0) {
        missed++;
        continue;
      }
      const shownAt = list[index]![1];
      list.splice(0, index + 1);
      const lag = shownAt - w.at;
      lags.push(lag);
      if (w.doneAt !== undefined) afterStored.push(shownAt - w.doneAt);
      if (w.at - startAt < 2000) lagsFirst.push(lag);
      if (w.at - startAt >= (SECONDS - 2) * 1000) lagsLast.push(lag);
    }
    lags.sort((a, b) => a - b);
    lagsFirst.sort((a, b) => a - b);
    lagsLast.sort((a, b) => a - b);
    afterStored.sort((a, b) => a - b);
    console.log(
      `status changes: ${total} sent, ${failed} failed on the hub, stored in ${writeSeconds.toFixed(1)} s (${(total / writeSeconds).toFixed(0)}/s), ${total - missed} seen in the page, ${missed} not seen (coalesced or lost)`,
    );
    console.log(
      `lag hub write → cell update: p50 ${ms(pct(lags, 0.5))}, p95 ${ms(pct(lags, 0.95))}, max ${ms(lags.at(-1) ?? NaN)}`,
    );
    console.log(
      `lag from the write's answer (stored on the hub) → cell update: p50 ${ms(pct(afterStored, 0.5))}, p95 ${ms(pct(afterStored, 0.95))}, max ${ms(afterStored.at(-1) ?? NaN)}`,
    );
    console.log(
      `keeping up: p50 in the first 2 s ${ms(pct(lagsFirst, 0.5))}, in the last 2 s ${ms(pct(lagsLast, 0.5))}`,
    );
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
    await dashboard.stop();
  }
} finally {
  await source.stop();
}

function clusterSecret(i: number): KubeObject {
  const name = `cluster-${String(i).padStart(2, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: NS,
      labels: {
        'argocd.argoproj.io/secret-type': 'cluster',
        env: i % 3 === 0 ? 'prod' : 'staging',
        region: `r${i % 5}`,
      },
    },
    stringData: { name, server: `https://${name}.example:6443`, config: '{}' },
  };
}

function appSet(i: number): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: `set-${String(i).padStart(2, '0')}`, namespace: NS },
    spec: {
      generators: [{ clusters: {} }],
      template: {
        metadata: { name: `set-${i}-{{name}}` },
        spec: {
          project: 'default',
          source: { repoURL: 'https://example.com/r.git' },
          destination: { name: '{{name}}' },
        },
      },
    },
  };
}

function application(owner: KubeObject, s: number, c: number): KubeObject {
  const cluster = `cluster-${String(c).padStart(2, '0')}`;
  const unhealthy = (s * CLUSTERS + c) % 37 === 0;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `${owner.metadata.name}-${cluster}`,
      namespace: NS,
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'ApplicationSet',
          name: owner.metadata.name,
          uid: owner.metadata.uid!,
          controller: true,
        },
      ],
    },
    spec: {
      project: s % 2 === 0 ? 'default' : 'platform',
      source: { repoURL: 'https://example.com/r.git', path: `apps/${s}`, targetRevision: 'HEAD' },
      destination: { name: cluster, namespace: `ns-${s}` },
    },
    status: {
      sync: {
        status: unhealthy ? 'OutOfSync' : 'Synced',
        revision: '0123456789abcdef0123456789abcdef01234567',
      },
      health: { status: unhealthy ? 'Degraded' : 'Healthy' },
    },
  };
}
