/**
 * The web dashboard in a real browser (Debian's chromium through playwright-core) against a real
 * `spokes controller` serving the quickstart fleet on a hub and two spokes: true statuses in the
 * grid, a drift flipping a cell and back without a reload, the click-through to a resource's diff,
 * a sync from the UI, and the security cases (no session, cross-site POST, a viewer without
 * `update`, a user without `get` in the namespace, sign-in rate limiting). Screenshots of each
 * page go to a temp folder, or to docs/dashboard/ with SPOKES_DOCS_SCREENSHOTS=1
 * (`npm run docs:screenshots`).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { KubeClient } from '../../src/kube/client.ts';
import { APPLICATIONS, type KubeObject } from '../../src/kube/types.ts';
import { pollUntil, useHarness } from '../harness/index.ts';
import { launchBrowser } from '../support/browser.ts';
import {
  FLEET_REPO,
  convergeFleet,
  grantDashboardUsers,
  installFleet,
  startControllerWithDashboard,
  type ControllerProcess,
} from './support/dashboard.ts';

const harness = useHarness();
const FLEET_APPS = [
  'fleet-root',
  'billing-prod-eu',
  'guestbook-prod-eu',
  'guestbook-staging-us',
  'ingress-prod-eu',
  'ingress-staging-us',
  'monitoring-prod-eu',
  'monitoring-staging-us',
  'tenant-payments-prod-eu',
  'tenant-search-staging-us',
];
const CONFIGMAPS = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };

type AppObject = KubeObject & {
  status?: {
    sync?: { status?: string };
    health?: { status?: string };
    operationState?: { phase?: string; operation?: { initiatedBy?: { username?: string } } };
  };
  operation?: unknown;
};

describe('the dashboard in a browser', () => {
  let controller: ControllerProcess;
  let browser: Browser;
  let base: string;
  let hub: KubeClient;
  let shots: string;
  const contexts: BrowserContext[] = [];

  before(
    async () => {
      const h = harness();
      hub = new KubeClient(h.hub.kubeConfig('admin'));
      await installFleet(h);
      await grantDashboardUsers(h);
      controller = await startControllerWithDashboard(h);
      base = `http://127.0.0.1:${controller.dashboardPort}`;
      await convergeFleet(h, FLEET_APPS).catch((err: unknown) => {
        const tail = controller.log.slice(-30).map((e) => JSON.stringify(e));
        throw new Error(`${(err as Error).message}\n${tail.join('\n')}`);
      });
      browser = await launchBrowser();
      shots =
        process.env['SPOKES_DOCS_SCREENSHOTS'] === '1'
          ? resolve(import.meta.dirname, '../../docs/dashboard')
          : await mkdtemp(join(tmpdir(), 'spokes-dashboard-shots-'));
      await mkdir(shots, { recursive: true });
    },
    { timeout: 420_000 },
  );

  after(async () => {
    for (const e of controller?.log.filter((e) => e['level'] === 'error') ?? [])
      process.stderr.write(`controller error: ${JSON.stringify(e)}\n`);
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await controller?.stop();
  });

  /** A browser context signed in with `user`'s bearer token through the sign-in page. */
  async function signedIn(user: 'admin' | 'viewer' | 'outsider'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('Bearer token').fill(harness().hub.users[user].token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
    return page;
  }

  const cell = (page: Page, app: string) => page.locator(`[role=gridcell][data-app="argocd/${app}"]`);

  async function shot(page: Page, name: string): Promise<void> {
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
  }

  test('without a session the API answers 401 and the page asks to sign in', async () => {
    for (const path of [
      '/api/fleet',
      '/api/apps/argocd/fleet-root',
      '/api/fleet/events',
      '/api/clusters/prod-eu',
    ]) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 401, path);
    }
    const post = await fetch(`${base}/api/apps/argocd/fleet-root/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' },
      body: '{}',
    });
    assert.equal(post.status, 401);
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('Bearer token').waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    const headers = (await page.request.get(`${base}/`)).headers();
    assert.match(headers['content-security-policy'] ?? '', /default-src 'none'; script-src 'self';/);
    await shot(page, 'login');
  });

  test('the fleet grid shows every Application of the quickstart fleet with its true status', async () => {
    const page = await signedIn('admin');
    const { items } = await hub.list<AppObject>(APPLICATIONS, { namespace: 'argocd' });
    for (const app of items) {
      const c = cell(page, app.metadata.name);
      await c.waitFor();
      assert.equal(await c.getAttribute('data-sync'), app.status?.sync?.status, app.metadata.name);
      assert.equal(await c.getAttribute('data-health'), app.status?.health?.status, app.metadata.name);
      assert.match((await c.getAttribute('aria-label')) ?? '', new RegExp(`^${app.metadata.name} on `));
    }
    assert.equal(await page.locator('[data-total="all"]').textContent(), String(items.length));
    // Columns are the clusters, rows the ApplicationSets' app groups.
    for (const name of ['prod-eu', 'staging-us', 'in-cluster'])
      await page.getByRole('columnheader', { name }).waitFor();
    await page.getByRole('rowheader', { name: 'apps › guestbook-*' }).waitFor();
    await shot(page, 'fleet');
  });

  test('sync from the UI, a drift that flips a cell and back without a reload, and the diff', async () => {
    const page = await signedIn('admin');
    await hub.create(APPLICATIONS, driftApp());
    await pollUntil(
      async () => (await cell(page, 'drift-demo-prod-eu').getAttribute('data-sync')) === 'OutOfSync',
      {
        what: 'the new Application OutOfSync (not deployed yet)',
        timeoutMs: 30_000,
      },
    );
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));

    // Sync from the UI: the hub's operation names the user, and the Application syncs.
    await cell(page, 'drift-demo-prod-eu').click();
    await page.getByRole('heading', { name: /drift-demo-prod-eu/ }).waitFor();
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await page.getByText('Sync requested.').waitFor();
    const synced = await pollUntil(
      async () => {
        const app = await hub.get<AppObject>(APPLICATIONS, 'argocd', 'drift-demo-prod-eu');
        return app?.status?.sync?.status === 'Synced' && app.operation === undefined ? app : undefined;
      },
      { what: 'drift-demo-prod-eu synced', timeoutMs: 60_000 },
    );
    assert.equal(synced.status?.operationState?.operation?.initiatedBy?.username, 'spokes-admin');
    await page.getByTestId('operation').getByText('Succeeded', { exact: true }).waitFor();

    // Back to the fleet (client-side), then drift a ConfigMap on the spoke: the cell turns OutOfSync.
    await page.goBack();
    await pollUntil(
      async () => (await cell(page, 'drift-demo-prod-eu').getAttribute('data-sync')) === 'Synced',
      {
        what: 'the cell Synced',
      },
    );
    const spoke = new KubeClient(harness().cluster('spoke-a').kubeConfig('admin'));
    await spoke.patch(
      CONFIGMAPS,
      { namespace: 'drift-demo', name: 'metrics-agent' },
      { data: { 'agent.yaml': 'drifted: true\n' } },
      { type: 'merge' },
    );
    await pollUntil(
      async () => (await cell(page, 'drift-demo-prod-eu').getAttribute('data-sync')) === 'OutOfSync',
      {
        what: 'the cell OutOfSync after the drift',
        timeoutMs: 30_000,
      },
    );
    await shot(page, 'fleet-drift');

    // Click through to the resource's diff.
    await cell(page, 'drift-demo-prod-eu').click();
    const configMap = page.locator('li[data-kind="ConfigMap"][data-name="metrics-agent"]');
    await configMap.getByRole('button', { name: 'Diff' }).click();
    const diff = page.getByTestId('diff');
    await diff.waitFor({ timeout: 30_000 });
    const text = (await diff.textContent()) ?? '';
    assert.match(text, /-\s+drifted: true/);
    assert.match(text, /\+\s+scrape_interval: 30s/);
    await shot(page, 'app-diff');

    // Sync again from the UI; the cell goes back to Synced, all without a reload.
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await page.getByTestId('no-diff').waitFor({ timeout: 60_000 });
    await page.goBack();
    await pollUntil(
      async () => (await cell(page, 'drift-demo-prod-eu').getAttribute('data-sync')) === 'Synced',
      {
        what: 'the cell Synced again',
        timeoutMs: 60_000,
      },
    );
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { marker: number }).marker),
      42,
      'no reload',
    );
  });

  test('the ApplicationSet and cluster pages', async () => {
    const page = await signedIn('admin');
    await page.goto(`${base}/appsets/argocd/monitoring`);
    await page.getByRole('heading', { name: 'ApplicationSet monitoring' }).waitFor();
    await page.getByRole('link', { name: 'monitoring-prod-eu' }).waitFor();
    await page.getByRole('button', { name: 'Show parameter sets' }).click();
    await page.getByText('2 parameter sets:').waitFor({ timeout: 30_000 });
    await shot(page, 'appset');

    await page.goto(`${base}/clusters/prod-eu`);
    await page.getByRole('heading', { name: 'Cluster prod-eu' }).waitFor();
    await page.getByTestId('connection').getByText('Successful').waitFor({ timeout: 20_000 });
    await page.getByText('env in (prod, staging)').waitFor();
    await page.getByText('env=prod').first().waitFor();
    const body = (await page.content()).toLowerCase();
    assert.ok(
      !body.includes('bearertoken') &&
        !body.includes(harness().cluster('spoke-a').users.admin.token.toLowerCase()),
    );
    await shot(page, 'cluster');

    await page.goto(`${base}/apps/argocd/guestbook-prod-eu`);
    await page.locator('li[data-kind="Pod"]').first().waitFor({ timeout: 20_000 });
    await shot(page, 'app');
  });

  test('a viewer without update rights sees the sync refused by the server', async () => {
    const page = await signedIn('viewer');
    await cell(page, 'monitoring-prod-eu').waitFor();
    await page.goto(`${base}/apps/argocd/monitoring-prod-eu`);
    await page.getByText('Your account may not update this Application').waitFor();
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await page
      .getByRole('alert')
      .getByText(/you may not update Application argocd\/monitoring-prod-eu/)
      .waitFor();
    const answer = await page.evaluate(async () => {
      const session = (await (await fetch('/api/session')).json()) as { csrf: string };
      const res = await fetch('/api/apps/argocd/monitoring-prod-eu/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-spokes-csrf': session.csrf },
        body: '{}',
      });
      return res.status;
    });
    assert.equal(answer, 403);
    const app = await hub.get<AppObject>(APPLICATIONS, 'argocd', 'monitoring-prod-eu');
    assert.equal(app?.operation, undefined, 'no operation was written');
    assert.equal(app?.metadata.annotations?.['argocd.argoproj.io/refresh'], undefined);
  });

  test('a user who may not get Applications in argocd sees none of them', async () => {
    const page = await signedIn('outsider');
    await page.getByText('No Application matches.').waitFor();
    const answers = await page.evaluate(async () => {
      const fleet = (await (await fetch('/api/fleet')).json()) as { apps: unknown[]; clusters: unknown[] };
      const app = await fetch('/api/apps/argocd/monitoring-prod-eu');
      const tree = await fetch('/api/apps/argocd/monitoring-prod-eu/tree');
      const cluster = await fetch('/api/clusters/prod-eu');
      return {
        apps: fleet.apps.length,
        clusters: fleet.clusters.length,
        app: app.status,
        tree: tree.status,
        cluster: cluster.status,
      };
    });
    assert.deepEqual(answers, { apps: 0, clusters: 0, app: 403, tree: 403, cluster: 403 });
  });

  test('a cross-site POST and a POST without the CSRF token are refused', async () => {
    const page = await signedIn('admin');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'spokes_session');
    assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
    assert.equal(session?.sameSite, 'Strict');
    const csrf = await page.evaluate(
      async () => ((await (await fetch('/api/session')).json()) as { csrf: string }).csrf,
    );
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/api/apps/argocd/monitoring-prod-eu/refresh`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: `spokes_session=${session.value}`,
          ...headers,
        },
        body: '{}',
      });
    assert.equal(
      (await post({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'x-spokes-csrf': csrf }))
        .status,
      403,
    );
    assert.equal(
      (await post({ origin: base, 'sec-fetch-site': 'same-origin' })).status,
      403,
      'no CSRF token',
    );
    assert.equal(
      (await post({ origin: base, 'sec-fetch-site': 'same-origin', 'x-spokes-csrf': 'wrong' })).status,
      403,
    );
    // A page on another origin posting with the user's cookie: the browser sends no SameSite=Strict cookie.
    const evil = await page.context().newPage();
    await evil.route('http://evil.test/', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<html><body>evil</body></html>' }),
    );
    await evil.goto('http://evil.test/');
    const status = await evil.evaluate(async (url) => {
      const res = await fetch(url, {
        method: 'POST',
        credentials: 'include',
        mode: 'no-cors',
        body: '{}',
      }).catch(() => undefined);
      return res?.type ?? 'failed';
    }, `${base}/api/apps/argocd/monitoring-prod-eu/refresh`);
    assert.ok(status === 'opaque' || status === 'failed');
    const app = await hub.get<AppObject>(APPLICATIONS, 'argocd', 'monitoring-prod-eu');
    assert.equal(
      app?.metadata.annotations?.['argocd.argoproj.io/refresh'],
      undefined,
      'nothing was refreshed',
    );
    // With the token and from the same origin, the same request works.
    assert.equal(
      (await post({ origin: base, 'sec-fetch-site': 'same-origin', 'x-spokes-csrf': csrf })).status,
      200,
    );
  });

  test('sign-in is rate-limited', async () => {
    const attempt = () =>
      fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ token: 'not-a-token' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt()).status);
    assert.ok(statuses.includes(401), 'wrong tokens are refused');
    assert.equal(statuses.at(-1), 429, `statuses: ${statuses.join(',')}`);
  });
});

function driftApp(): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'drift-demo-prod-eu', namespace: 'argocd' },
    spec: {
      project: 'platform',
      source: { repoURL: FLEET_REPO, targetRevision: 'HEAD', path: 'addons/monitoring' },
      destination: { name: 'prod-eu', namespace: 'drift-demo' },
      syncPolicy: { syncOptions: ['CreateNamespace=true'] },
    },
  };
}
