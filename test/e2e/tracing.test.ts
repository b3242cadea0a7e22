/**
 * One trace answers "where did my commit go": a real `spokes controller` exports OTLP to a real
 * Jaeger (test/harness/jaeger.ts), a signed GitHub push goes through its webhook, and the trace
 * read back through Jaeger's query API holds the ApplicationSet reconcile (generator, template)
 * and both spokes' refresh, render, compare and sync with its applies, every one parented by the
 * push. Nothing secret is exported: the git password, the webhook secret and the clusters' bearer
 * tokens appear in no span, attribute or event of any exported trace.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { APPLICATION_SETS, APPLICATIONS, SECRETS, type KubeObject } from '../../src/kube/types.ts';
import { createGitRepo, type GitRepo } from '../harness/git-repo.ts';
import { startGitHttpServer, type GitHttpServer } from '../harness/git-servers.ts';
import { pollUntil, registerSpoke, useHarness } from '../harness/index.ts';
import {
  parentOf,
  startJaeger,
  tag,
  type Jaeger,
  type JaegerSpan,
  type JaegerTrace,
} from '../harness/jaeger.ts';
import { freePort } from '../harness/servers.ts';
import { clientFor } from './support/hub.ts';

const harness = useHarness();
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SERVICE = 'spokes-controller';
const GIT_PASSWORD = 'git-token-9f8e7d6c5b4a';
const WEBHOOK_SECRET = 'hook-secret-1a2b3c4d';
const cm = (value: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: traced}\ndata: {value: "${value}"}\n`;

describe('traces through a real Jaeger', () => {
  let root: string;
  let repo: GitRepo;
  let gitServer: GitHttpServer;
  let repoURL: string;
  let jaeger: Jaeger;
  let controller: ChildProcess;
  let listen: string;
  let stderr = '';
  let pushTrace: JaegerTrace;
  let second: string;

  before(async () => {
    const h = harness();
    for (const spoke of h.clusters.slice(1)) await registerSpoke(h.hub, spoke, { labels: { traced: 'yes' } });
    root = await mkdtemp(path.join(tmpdir(), 'spokes-tracing-'));
    repo = await createGitRepo({
      dir: path.join(root, 'fleet.git'),
      bare: true,
      branches: { main: { 'apps/web/cm.yaml': cm('one') } },
    });
    gitServer = await startGitHttpServer(root, { username: 'bot', password: GIT_PASSWORD });
    repoURL = gitServer.url('fleet.git');
    jaeger = await startJaeger();
    const hub = clientFor(h.hub);
    await hub.create(SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'fleet-repo',
        namespace: 'argocd',
        labels: { 'argocd.argoproj.io/secret-type': 'repository' },
      },
      stringData: { type: 'git', url: repoURL, username: 'bot', password: GIT_PASSWORD },
    });
    listen = `127.0.0.1:${await freePort()}`;
    controller = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin/spokes.js'),
        'controller',
        '--kubeconfig',
        h.hub.kubeconfigPath,
        '--listen',
        listen,
        '--leader-elect',
        'false',
        '--repo-cache-dir',
        path.join(root, 'cache'),
        // Only the push may bring the second commit in: no polling inside the test's time.
        '--resync-seconds',
        '600',
        '--otlp-address',
        jaeger.otlpAddress,
        '--otlp-attrs',
        'deployment.environment:e2e',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, SPOKES_LOG_LEVEL: 'warn', SPOKES_WEBHOOK_GITHUB_SECRET: WEBHOOK_SECRET },
      },
    );
    controller.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
    await hub.create(APPLICATION_SETS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'traced', namespace: 'argocd' },
      spec: {
        generators: [
          {
            matrix: {
              generators: [
                { git: { repoURL, revision: 'main', directories: [{ path: 'apps/*' }] } },
                { clusters: { selector: { matchLabels: { traced: 'yes' } } } },
              ],
            },
          },
        ],
        template: {
          metadata: { name: '{{path.basename}}-{{name}}' },
          spec: {
            project: 'default',
            source: { repoURL, targetRevision: 'main', path: '{{path}}' },
            destination: { server: '{{server}}', namespace: 'traced' },
            syncPolicy: { automated: {}, syncOptions: ['CreateNamespace=true'] },
          },
        },
      },
    });
    await syncedAt(await repo.revParse('main'));

    second = await repo.commit('main', { 'apps/web/cm.yaml': cm('two') });
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { clone_url: repoURL, html_url: repoURL.replace(/\.git$/, '') },
      commits: [],
    });
    const response = await fetch(`http://${listen}/api/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`,
      },
      body,
    });
    assert.equal(response.status, 200, await response.text());
    await syncedAt(second);
    // The batch processor exports within a second; Jaeger's batch within 200 ms.
    await pollUntil(
      async () => {
        const traces = await jaeger.traces(SERVICE, 'spokes.webhook.push');
        // Complete once both refreshes (which end after their syncs) have arrived.
        const found = traces.find((t) => {
          const push = spansNamed(t, 'spokes.webhook.push')[0];
          const refreshes = spansNamed(t, 'controller.Refresh').filter((s) => parentOf(s) === push?.spanID);
          return refreshes.length >= 2 && spansNamed(t, 'sync.Sync').length >= 2;
        });
        if (found !== undefined) pushTrace = found;
        return found !== undefined;
      },
      { what: 'the push trace with both syncs in Jaeger', timeoutMs: 60_000, intervalMs: 500 },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; controller log:\n${stderr}`);
    });
  });

  after(async () => {
    controller?.kill('SIGTERM');
    await jaeger?.stop();
    await gitServer?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** Both Applications Synced and Healthy at `commit`. */
  async function syncedAt(commit: string): Promise<void> {
    const hub = clientFor(harness().hub);
    await pollUntil(
      async () => {
        const { items } = await hub.list<
          KubeObject & { status?: { sync?: { status?: string; revision?: string } } }
        >(APPLICATIONS, { namespace: 'argocd' });
        const ours = items.filter((a) => a.metadata.name.startsWith('web-'));
        return (
          ours.length === 2 &&
          ours.every((a) => a.status?.sync?.status === 'Synced' && a.status?.sync?.revision === commit)
        );
      },
      { what: `both Applications Synced at ${commit.slice(0, 8)}`, timeoutMs: 120_000 },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; controller log:\n${stderr}`);
    });
  }

  test('the push trace covers the ApplicationSet reconcile and the sync to both spokes', () => {
    const [push] = spansNamed(pushTrace, 'spokes.webhook.push');
    assert.ok(push);
    assert.equal(tag(push, 'spokes.webhook.provider'), 'github');
    const byId = new Map(pushTrace.spans.map((s) => [s.spanID, s]));

    // The ApplicationSet reconcile the push caused, with its generators and template under it.
    const appSet = spansNamed(pushTrace, 'spokes.appset.reconcile').find((s) => parentOf(s) === push.spanID);
    assert.ok(appSet, `no ApplicationSet reconcile under the push: ${names(pushTrace)}`);
    const git = spansNamed(pushTrace, 'spokes.generator').find(
      (s) => tag(s, 'spokes.generator.type') === 'git' && isUnder(s, appSet, byId),
    );
    assert.ok(git, 'a git generator span under the ApplicationSet reconcile');
    assert.equal(tag(git, 'spokes.git.commit'), second);
    assert.equal(tag(git, 'spokes.git.cache'), 'miss', 'the push made the next read fetch');
    assert.ok(spansNamed(pushTrace, 'spokes.template').some((s) => isUnder(s, appSet, byId)));

    // Each spoke: refreshed because of the push, rendered at the pushed commit, synced, applied.
    const servers = harness()
      .clusters.slice(1)
      .map((c) => c.server);
    for (const server of servers) {
      const sync = spansNamed(pushTrace, 'sync.Sync').find((s) => tag(s, 'spokes.cluster.server') === server);
      assert.ok(sync, `no sync.Sync for ${server}: ${names(pushTrace)}`);
      assert.equal(tag(sync, 'spokes.sync.phase'), 'Succeeded');
      const refresh = ancestors(sync, byId).find((s) => s.operationName === 'controller.Refresh');
      assert.ok(refresh, 'the sync runs inside an Application refresh');
      assert.equal(parentOf(refresh), push.spanID, 'the refresh is parented by the push');
      assert.ok(refresh.references.some((r) => r.refType === 'FOLLOWS_FROM' && r.spanID === push.spanID));
      assert.match(String(tag(refresh, 'argocd.app.name')), /^web-/);
      const render = spansNamed(pushTrace, 'controller.GetRepoObjs').find((s) => isUnder(s, refresh, byId));
      assert.ok(render, 'a render under the refresh');
      assert.equal(tag(render, 'argocd.resolved_revision'), second);
      assert.equal(tag(render, 'spokes.render.tool'), 'Directory');
      assert.ok(['hit', 'miss'].includes(String(tag(render, 'spokes.render.cache'))));
      const applies = spansNamed(pushTrace, 'sync.apply').filter((s) => isUnder(s, sync, byId));
      assert.deepEqual(
        applies.map((s) => [tag(s, 'argocd.resource.kind'), tag(s, 'argocd.resource.name')]),
        [['ConfigMap', 'traced']],
      );
      assert.ok(spansNamed(pushTrace, 'controller.CompareAppState').some((s) => isUnder(s, refresh, byId)));
    }
    // One of the two renders did the work; the other Application at the same commit and path hit
    // the render cache.
    const renders = spansNamed(pushTrace, 'controller.GetRepoObjs').map((s) => tag(s, 'spokes.render.cache'));
    assert.ok(renders.includes('miss') && renders.includes('hit'), `render cache: ${renders.join(',')}`);
  });

  test('no secret appears in any exported span, attribute or event', async () => {
    const h = harness();
    const all = await jaeger.traces(SERVICE);
    assert.ok(all.length >= 2, 'the initial reconciles were exported too');
    const exported = JSON.stringify(all);
    const secrets = {
      'git password': GIT_PASSWORD,
      'webhook secret': WEBHOOK_SECRET,
      ...Object.fromEntries(h.clusters.map((c) => [`${c.name} bearer token`, c.users.admin.token])),
    };
    for (const [what, value] of Object.entries(secrets))
      assert.ok(!exported.includes(value), `the ${what} was exported`);
    // The resource attributes given with --otlp-attrs reach the backend.
    const processes = JSON.stringify(all.map((t) => t.processes));
    assert.match(processes, /deployment\.environment/);
  });
});

function spansNamed(trace: JaegerTrace, name: string): JaegerSpan[] {
  return trace.spans.filter((s) => s.operationName === name);
}

function names(trace: JaegerTrace): string {
  return [...new Set(trace.spans.map((s) => s.operationName))].sort().join(', ');
}

function ancestors(span: JaegerSpan, byId: ReadonlyMap<string, JaegerSpan>): JaegerSpan[] {
  const out: JaegerSpan[] = [];
  for (let id = parentOf(span); id !== undefined; id = parentOf(byId.get(id)!)) {
    const parent = byId.get(id);
    if (parent === undefined) break;
    out.push(parent);
  }
  return out;
}

function isUnder(span: JaegerSpan, ancestor: JaegerSpan, byId: ReadonlyMap<string, JaegerSpan>): boolean {
  return ancestors(span, byId).some((s) => s.spanID === ancestor.spanID);
}
