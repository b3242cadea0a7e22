/**
 * Argo CD's dashboards and alerts read Spokes unchanged: a real Prometheus (Debian's package)
 * scrapes a real `spokes controller` that synced an ApplicationSet's Applications to two spokes,
 * and the queries Argo CD users have on their dashboards return the expected series; the
 * exposition passes `promtool check metrics`, the alert rules `promtool check rules` and
 * `promtool test rules`.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { APPLICATION_SETS, APPLICATIONS } from '../../src/kube/types.ts';
import { createGitRepo, type GitRepo } from '../harness/git-repo.ts';
import { pollUntil, registerSpoke, useHarness } from '../harness/index.ts';
import { prometheusBinaries, startPrometheus, type Prometheus } from '../harness/prometheus.ts';
import { freePort } from '../harness/servers.ts';
import { clientFor } from './support/hub.ts';

const exec = promisify(execFile);
const harness = useHarness();
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const REPO_URL = 'https://git.example.com/platform/observed.git';
/** Nothing listens there: every fetch fails, which the git error queries must show. */
const GONE_URL = 'http://127.0.0.1:9/platform/gone.git';
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: observed}\ndata: {a: "1"}\n';

describe('metrics through a real Prometheus', () => {
  let repo: GitRepo;
  let controller: ChildProcess;
  let listen: string;
  let prometheus: Prometheus;
  let stderr = '';

  before(async () => {
    const h = harness();
    for (const spoke of h.clusters.slice(1))
      await registerSpoke(h.hub, spoke, { labels: { observed: 'yes' } });
    repo = await createGitRepo({ branches: { main: { 'app/cm.yaml': CM } } });
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
        '--repo',
        `${REPO_URL}=${repo.path}`,
        '--repo-cache-dir',
        path.join(repo.path, '.git', 'spokes-cache'),
        '--resync-seconds',
        '5',
        '--metrics-application-conditions',
        'ComparisonError',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SPOKES_LOG_LEVEL: 'warn' } },
    );
    controller.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
    const hub = clientFor(h.hub);
    await hub.create(APPLICATION_SETS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'observed', namespace: 'argocd' },
      spec: {
        generators: [{ clusters: { selector: { matchLabels: { observed: 'yes' } } } }],
        template: {
          metadata: { name: 'observed-{{name}}' },
          spec: {
            project: 'default',
            source: { repoURL: REPO_URL, targetRevision: 'main', path: 'app' },
            destination: { server: '{{server}}', namespace: 'observed' },
            syncPolicy: { automated: {}, syncOptions: ['CreateNamespace=true'] },
          },
        },
      },
    });
    await hub.create(APPLICATIONS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'unreachable-repo', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: GONE_URL, targetRevision: 'main', path: '.' },
        destination: { server: h.cluster('spoke-a').server, namespace: 'gone' },
      },
    });
    prometheus = await startPrometheus([listen]);
  });

  after(async () => {
    controller?.kill('SIGTERM');
    await prometheus?.stop();
    await repo?.cleanup();
  });

  /** Polls the query until `check` accepts its result (Prometheus scrapes every second). */
  async function series(promql: string, check: (n: number) => boolean, what: string) {
    let last: Awaited<ReturnType<Prometheus['query']>> = [];
    await pollUntil(
      async () => {
        last = await prometheus.query(promql);
        return check(last.length);
      },
      { what: `${what} (${promql})`, timeoutMs: 180_000, intervalMs: 1000 },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; last result ${JSON.stringify(last)}; controller log:\n${stderr}`);
    });
    return last;
  }

  test('after a sync, the seed queries return the expected series', async () => {
    const synced = await series('argocd_app_info{sync_status="Synced"} == 1', (n) => n === 2, 'both synced');
    assert.deepEqual(synced.map((s) => s.metric['name']).sort(), ['observed-spoke-a', 'observed-spoke-b']);
    for (const s of synced) {
      assert.equal(s.metric['repo'], 'https://git.example.com/platform/observed');
      assert.equal(s.metric['autosync_enabled'], 'true');
      assert.equal(s.metric['dest_namespace'], 'observed');
      assert.equal(s.metric['project'], 'default');
    }
    const notSynced = await series(
      'argocd_app_info{sync_status!="Synced"} == 1',
      (n) => n === 1,
      'the broken one',
    );
    assert.equal(notSynced[0]!.metric['name'], 'unreachable-repo');

    const succeeded = await series('argocd_app_sync_total{phase="Succeeded"}', (n) => n === 2, 'two syncs');
    assert.deepEqual(
      succeeded.map((s) => s.metric['dest_server']).sort(),
      [harness().cluster('spoke-a').server, harness().cluster('spoke-b').server].sort(),
    );
    // The failed-sync rate Argo users alert on is a valid query; nothing failed here.
    assert.deepEqual(await prometheus.query('rate(argocd_app_sync_total{phase="Failed"}[5m])'), []);

    const p95 = await series(
      'histogram_quantile(0.95, rate(argocd_app_reconcile_bucket[5m]))',
      (n) => n > 0,
      'reconcile quantiles',
    );
    assert.ok(p95.every((s) => s.metric['namespace'] === 'argocd'));

    const gitErrors = await series(
      'rate(argocd_git_request_total{request_type="ls-remote",status="error"}[5m])',
      (n) => n === 1,
      'ls-remote errors of the unreachable repository',
    );
    assert.equal(gitErrors[0]!.metric['repo'], 'http://127.0.0.1:9/platform/gone');
    await series('argocd_git_fetch_fail_total{revision="main"}', (n) => n === 1, 'fetch failures');
    await series(
      'argocd_app_condition{condition="ComparisonError",name="unreachable-repo"}',
      (n) => n === 1,
      'condition',
    );

    await series('argocd_cluster_connection_status == 1', (n) => n === 2, 'both spokes connected');
    await series('argocd_cluster_api_resource_objects > 0', (n) => n === 2, 'objects cached');
    await series(
      'argocd_app_k8s_request_total{verb="Patch",resource_kind="ConfigMap",dry_run="false"}',
      (n) => n === 2,
      'applies',
    );
    await series('argocd_appset_info{name="observed"}', (n) => n === 1, 'appset info');
    await series('argocd_appset_owned_applications{name="observed"} == 2', (n) => n === 1, 'owned');
    await series('argocd_appset_reconcile_count{name="observed"} > 0', (n) => n === 1, 'appset reconciles');
  });

  test('promtool finds no lint problems in the exposition', async () => {
    const { promtool } = await prometheusBinaries();
    const text = await (await fetch(`http://${listen}/metrics`)).text();
    const child = spawn(promtool, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.stdin.end(text);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, out);
    assert.equal(out.trim(), '', out);
  });

  test("Argo CD's standard alerts pass promtool check rules and test rules", async () => {
    const { promtool } = await prometheusBinaries();
    const dir = path.join(ROOT, 'deploy/prometheus');
    const checked = await exec(promtool, ['check', 'rules', 'argocd-alerts.yaml'], { cwd: dir });
    assert.match(checked.stdout, /SUCCESS: 5 rules found/);
    const tested = await exec(promtool, ['test', 'rules', 'argocd-alerts.test.yaml'], { cwd: dir });
    assert.match(tested.stdout, /SUCCESS/);
  });
});
