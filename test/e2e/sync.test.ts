// The fan-out sync against real spokes: an ApplicationSet (clusters × a plain, a Kustomize and a
// Helm app) is expanded by the hub controller and each Application is rendered from a real git
// repository and server-side applied to spoke-a and spoke-b by the sync controller.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createGitRepo, type GitRepo } from '../harness/git-repo.ts';
import { clusterSecret, markPodsReady, pollUntil, registerSpoke, useHarness } from '../harness/index.ts';
import { main } from '../../src/cli/main.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import {
  APP_PROJECTS,
  APPLICATION_SETS,
  APPLICATIONS,
  NAMESPACES,
  SECRETS,
  type KubeObject,
} from '../../src/kube/types.ts';
import { clientFor, createNamespace, startController, type ControllerHandle } from './support/hub.ts';
import { isSynced, startSync, waitForApp, type SyncHandle } from './support/sync.ts';

const URL = 'https://git.example/fleet.git';
const NS = 'argocd';
const CONFIG_MAPS = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

const configMap = (
  name: string,
  data: Record<string, string>,
  annotations?: Record<string, string>,
): string =>
  JSON.stringify({ ...CONFIG_MAPS, metadata: { name, ...(annotations ? { annotations } : {}) }, data });

const files = {
  'plain/config.yaml': configMap('plain-config', { a: '1' }),
  'plain/extra.yaml': configMap('plain-extra', { b: '1' }),
  'kust/base/cm.yaml': configMap('kust-config', { k: '1' }),
  'kust/base/kustomization.yaml': 'resources: [cm.yaml]\nnamePrefix: team-\n',
  'chart/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
  'chart/values.yaml': 'color: blue\n',
  'chart/templates/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-chart\ndata:\n  color: {{ .Values.color }}\n',
  'appsets/child.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: child
spec:
  generators:
  - list:
      elements: [{ name: from-root }]
  template:
    metadata: { name: '{{name}}' }
    spec:
      project: default
      source: { repoURL: ${URL}, path: plain, targetRevision: main }
      destination: { server: https://kubernetes.default.svc, namespace: root-demo }
      syncPolicy: { automated: {}, syncOptions: [CreateNamespace=true] }
`,
};

const fleetAppSet = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'fleet', namespace: NS },
  spec: {
    goTemplate: true,
    generators: [
      {
        matrix: {
          generators: [
            { clusters: { selector: { matchLabels: { fleet: 'yes' } } } },
            { list: { elements: [{ app: 'plain' }, { app: 'kust', path: 'kust/base' }, { app: 'chart' }] } },
          ],
        },
      },
    ],
    template: {
      metadata: {
        name: '{{.name}}-{{.app}}',
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: 'default',
        source: { repoURL: URL, targetRevision: 'main', path: '{{ default .app .path }}' },
        destination: { server: '{{.server}}', namespace: 'demo' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
      },
    },
  },
};

const APP_NAMES = [
  'spoke-a-plain',
  'spoke-a-kust',
  'spoke-a-chart',
  'spoke-b-plain',
  'spoke-b-kust',
  'spoke-b-chart',
];

function data(obj: KubeObject | undefined): Record<string, string> | undefined {
  return obj?.['data'] as Record<string, string> | undefined;
}

const CM_TYPE = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };

describe('fan-out sync to real spokes', () => {
  const harness = useHarness();
  let repo: GitRepo;
  let hub: KubeClient;
  let spokeA: KubeClient;
  let spokeB: KubeClient;
  let appsets: ControllerHandle;
  let sync: SyncHandle;

  before(async () => {
    repo = await createGitRepo({ branches: { main: files } });
    const h = harness();
    hub = clientFor(h.hub);
    spokeA = clientFor(h.cluster('spoke-a'));
    spokeB = clientFor(h.cluster('spoke-b'));
    await createNamespace(hub, NS);
    await registerSpoke(h.hub, h.cluster('spoke-a'), { labels: { fleet: 'yes' } });
    await registerSpoke(h.hub, h.cluster('spoke-b'), { labels: { fleet: 'yes' } });
    const localRepos = new Map([[URL, repo.path]]);
    appsets = await startController(hub, NS, { localRepos });
    sync = await startSync(hub, NS, { localRepos });
    await hub.create(APPLICATION_SETS, fleetAppSet);
  });

  after(async () => {
    await sync?.stop();
    await appsets?.stop();
    await repo?.cleanup();
  });

  test('a plain, a Kustomize and a Helm app land on spoke-a and spoke-b, Synced and Healthy', async () => {
    const started = Date.now();
    for (const name of APP_NAMES) {
      await waitForApp(
        hub,
        NS,
        name,
        (s) => isSynced(s) && s.health?.status === 'Healthy',
        'Synced and Healthy',
      );
    }
    console.log(`6 Applications Synced and Healthy in ${Date.now() - started} ms`);
    for (const spoke of [spokeA, spokeB]) {
      assert.deepEqual(data(await spoke.get(CM_TYPE, 'demo', 'plain-config')), { a: '1' });
      assert.deepEqual(data(await spoke.get(CM_TYPE, 'demo', 'team-kust-config')), { k: '1' });
      const chart = await spoke.get(
        CM_TYPE,
        'demo',
        `${spoke === spokeA ? 'spoke-a' : 'spoke-b'}-chart-chart`,
      );
      assert.deepEqual(data(chart), { color: 'blue' });
      const tracked = (await spoke.get(CM_TYPE, 'demo', 'plain-config'))?.metadata.annotations;
      assert.match(
        tracked?.['argocd.argoproj.io/tracking-id'] ?? '',
        /^spoke-.-plain:\/ConfigMap:demo\/plain-config$/,
      );
    }
    const status = await waitForApp(hub, NS, 'spoke-a-plain', isSynced, 'synced');
    assert.equal(status.operationState?.phase, 'Succeeded');
    assert.equal(status.history?.length, 1);
  });

  test('a steady state makes no writes', async () => {
    const before = { ...sync.sync.stats };
    for (const name of APP_NAMES)
      await hub.patch(
        APPLICATIONS,
        { namespace: NS, name },
        { metadata: { annotations: { 'argocd.argoproj.io/refresh': `n${Date.now()}` } } },
        { type: 'merge' },
      );
    await new Promise((r) => setTimeout(r, 1000));
    await sync.sync.whenIdle();
    assert.ok(sync.sync.stats.reconciles > before.reconciles, 'the refresh reconciled');
    assert.equal(sync.sync.stats.operations, before.operations);
    assert.equal(sync.sync.stats.writes, before.writes);
  });

  test('a git change is applied within seconds of the push', async () => {
    const sha = await repo.commit('main', { 'plain/config.yaml': configMap('plain-config', { a: '2' }) });
    const started = Date.now();
    sync.sync.onPush([URL]);
    for (const spoke of [spokeA, spokeB]) {
      await pollUntil(async () => data(await spoke.get(CM_TYPE, 'demo', 'plain-config'))?.['a'] === '2', {
        timeoutMs: 10_000,
        what: 'the new revision on the spoke',
      });
    }
    console.log(`push to applied on both spokes: ${Date.now() - started} ms`);
    const status = await waitForApp(
      hub,
      NS,
      'spoke-b-plain',
      (s) => s.sync?.revision === sha && isSynced(s),
      'new revision',
    );
    assert.equal(status.history?.length, 2);
  });

  test('removing a file prunes its object', async () => {
    const revision = await repo.commit('main', { 'plain/extra.yaml': null });
    sync.sync.onPush([URL]);
    for (const spoke of [spokeA, spokeB]) {
      await pollUntil(async () => (await spoke.get(CM_TYPE, 'demo', 'plain-extra')) === undefined, {
        timeoutMs: 10_000,
        what: 'plain-extra pruned',
      });
    }
    // The status of the sync that pruned it (not the one from before the push).
    const status = await waitForApp(
      hub,
      NS,
      'spoke-a-plain',
      (s) => isSynced(s) && s.sync?.revision === revision,
      'synced after prune',
    );
    assert.ok(!status.resources?.some((r) => r.name === 'plain-extra'));
  });

  test('drift is healed (selfHeal)', async () => {
    const started = Date.now();
    await spokeA.patch(
      CM_TYPE,
      { namespace: 'demo', name: 'plain-config' },
      { data: { a: 'drift', x: 'y' } },
      { type: 'merge' },
    );
    await pollUntil(async () => data(await spokeA.get(CM_TYPE, 'demo', 'plain-config'))?.['a'] === '2', {
      timeoutMs: 5_000,
      what: 'drift healed',
    });
    console.log(`drift to healed: ${Date.now() - started} ms`);
  });

  test('waves apply in order and a PreSync hook Job runs before the Sync phase', async () => {
    const waveFiles = {
      'waves/pre.yaml': JSON.stringify({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: 'pre',
          annotations: {
            'argocd.argoproj.io/hook': 'PreSync',
            'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded',
          },
        },
        spec: {
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'x', image: 'busybox' }] } },
        },
      }),
      'waves/first.yaml': configMap('first', { w: '0' }),
      'waves/web.yaml': JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', annotations: { 'argocd.argoproj.io/sync-wave': '1' } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx' }] },
          },
        },
      }),
      'waves/last.yaml': configMap('last', { w: '2' }, { 'argocd.argoproj.io/sync-wave': '2' }),
    };
    await repo.commit('main', waveFiles);
    sync.repos.refresh(URL);
    await hub.create(APPLICATIONS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'waves', namespace: NS },
      spec: {
        project: 'default',
        source: { repoURL: URL, path: 'waves', targetRevision: 'main' },
        destination: { name: 'spoke-a', namespace: 'waves' },
        syncPolicy: { automated: {}, syncOptions: ['CreateNamespace=true'] },
      },
    });
    const jobs = { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', namespaced: true };
    const job = await pollUntil(() => spokeA.get(jobs, 'waves', 'pre'), { what: 'the PreSync hook Job' });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(
      await spokeA.get(CM_TYPE, 'waves', 'first'),
      undefined,
      'nothing of the Sync phase before the hook finished',
    );
    const now = new Date().toISOString();
    await spokeA.patch(
      jobs,
      { namespace: 'waves', name: job.metadata.name },
      {
        status: {
          startTime: now,
          completionTime: now,
          succeeded: 1,
          conditions: [
            { type: 'SuccessCriteriaMet', status: 'True' },
            { type: 'Complete', status: 'True' },
          ],
        },
      },
      { type: 'merge', subresource: 'status' },
    );
    await pollUntil(() => spokeA.get(CM_TYPE, 'waves', 'first'), { what: 'wave 0 applied' });
    const deployments = {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      plural: 'deployments',
      namespaced: true,
    };
    await pollUntil(() => spokeA.get(deployments, 'waves', 'web'), { what: 'wave 1 applied' });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(
      await spokeA.get(CM_TYPE, 'waves', 'last'),
      undefined,
      'wave 2 waits for wave 1 to be healthy',
    );
    await pollUntil(async () => (await markPodsReady(harness().cluster('spoke-a'), 'waves')).length > 0, {
      what: 'pods',
    });
    await pollUntil(() => spokeA.get(CM_TYPE, 'waves', 'last'), {
      what: 'wave 2 applied',
      timeoutMs: 30_000,
    });
    await pollUntil(async () => (await spokeA.get(jobs, 'waves', 'pre')) === undefined, {
      what: 'HookSucceeded deletes the Job',
    });
    const status = await waitForApp(
      hub,
      NS,
      'waves',
      (s) => s.operationState?.phase === 'Succeeded',
      'operation done',
    );
    assert.ok(status.operationState?.syncResult?.resources?.length);
  });

  test('spokes sync APP runs a manual sync (with prune) and reports each resource', async () => {
    await hub.create(APPLICATIONS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'manual', namespace: NS },
      spec: {
        project: 'default',
        source: { repoURL: URL, path: 'plain', targetRevision: 'main' },
        destination: { name: 'spoke-b', namespace: 'manual' },
        syncPolicy: { syncOptions: ['CreateNamespace=true'] },
      },
    });
    await waitForApp(hub, NS, 'manual', (s) => s.sync?.status === 'OutOfSync', 'OutOfSync before the sync');
    assert.equal(await spokeB.get(CM_TYPE, 'manual', 'plain-config'), undefined, 'no automated sync');
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
    const kubeconfig = harness().hub.kubeconfigPath;
    const code = await main(['sync', 'manual', '--kubeconfig', kubeconfig, '-n', NS, '--prune'], io);
    assert.equal(code, 0, out.join(''));
    assert.match(out.join(''), /manual: Succeeded/);
    assert.match(out.join(''), /ConfigMap\/manual\/plain-config {2}Synced/);
    assert.ok(await spokeB.get(CM_TYPE, 'manual', 'plain-config'));
    await waitForApp(hub, NS, 'manual', isSynced, 'Synced after spokes sync');
    const unknown = await main(['sync', 'no-such-app', '--kubeconfig', kubeconfig, '-n', NS], io);
    assert.equal(unknown, 1);
  });

  test('an AppProject violation is refused and nothing is applied', async () => {
    await hub.create(APP_PROJECTS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'locked', namespace: NS },
      spec: { sourceRepos: ['https://elsewhere.example/*'], destinations: [{ server: '*', namespace: '*' }] },
    });
    await hub.create(APPLICATIONS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'locked-app', namespace: NS },
      spec: {
        project: 'locked',
        source: { repoURL: URL, path: 'plain', targetRevision: 'main' },
        destination: { name: 'spoke-b', namespace: 'locked' },
        syncPolicy: { automated: {}, syncOptions: ['CreateNamespace=true'] },
      },
    });
    const status = await waitForApp(
      hub,
      NS,
      'locked-app',
      (s) => (s.conditions ?? []).length > 0,
      'a condition',
    );
    assert.equal(status.conditions?.[0]?.type, 'InvalidSpecError');
    assert.match(status.conditions?.[0]?.message ?? '', /not permitted in project 'locked'/);
    assert.equal(await spokeB.get(CM_TYPE, 'locked', 'plain-config'), undefined);
  });

  test('namespaced mode: a cluster Secret listing namespaces manages only those, as Argo CD refuses the rest', async () => {
    const h = harness();
    const spoke = h.cluster('spoke-b');
    // The same apiserver under another server URL (its certificate names localhost too).
    const secret = clusterSecret(spoke, { name: 'scoped' });
    const b64 = (text: string): string => Buffer.from(text).toString('base64');
    secret.data = {
      ...secret.data,
      server: b64(`https://localhost:${spoke.port}`),
      namespaces: b64('scoped-a,scoped-b'),
    };
    await h.hub.apply([secret]);
    for (const name of ['scoped-a', 'elsewhere'])
      await spokeB.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const app = (name: string, namespace: string, path = 'plain'): KubeObject => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, namespace: NS },
      spec: {
        project: 'default',
        source: { repoURL: URL, path, targetRevision: 'main' },
        destination: { name: 'scoped', namespace },
        syncPolicy: { automated: {} },
      },
    });
    await hub.create(APPLICATIONS, app('scoped-in', 'scoped-a'));
    await hub.create(APPLICATIONS, app('scoped-out', 'elsewhere'));
    await waitForApp(hub, NS, 'scoped-in', isSynced, 'Synced in a managed namespace');
    assert.ok(await spokeB.get(CM_TYPE, 'scoped-a', 'plain-config'), 'applied in the managed namespace');
    const out = await waitForApp(
      hub,
      NS,
      'scoped-out',
      (s) => (s.conditions ?? []).length > 0,
      'a condition',
    );
    assert.equal(out.conditions?.[0]?.type, 'ComparisonError');
    assert.equal(
      out.conditions?.[0]?.message,
      'Failed to load live state: namespace "elsewhere" for ConfigMap "plain-config" is not managed',
    );
    assert.equal(
      await spokeB.get(CM_TYPE, 'elsewhere', 'plain-config'),
      undefined,
      'nothing applied outside',
    );
  });

  test('an app-of-apps root Application syncs ApplicationSets into the hub', async () => {
    await hub.create(APPLICATIONS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'root', namespace: NS },
      spec: {
        project: 'default',
        source: { repoURL: URL, path: 'appsets', targetRevision: 'main' },
        destination: { server: 'https://kubernetes.default.svc', namespace: NS },
        syncPolicy: { automated: { prune: true } },
      },
    });
    await waitForApp(hub, NS, 'root', (s) => isSynced(s) && s.health?.status === 'Healthy', 'root synced');
    await waitForApp(hub, NS, 'from-root', (s) => isSynced(s), 'the child Application synced', 30_000);
    assert.deepEqual(data(await hub.get(CM_TYPE, 'root-demo', 'plain-config'))?.['a'], '2');
  });

  test('a spoke apiserver stopped mid-sync: the other spoke completes, and all converges after restart', async () => {
    const h = harness();
    await h.cluster('spoke-a').stop();
    const sha = await repo.commit('main', { 'plain/config.yaml': configMap('plain-config', { a: '3' }) });
    sync.sync.onPush([URL]);
    await pollUntil(async () => data(await spokeB.get(CM_TYPE, 'demo', 'plain-config'))?.['a'] === '3', {
      timeoutMs: 15_000,
      what: 'spoke-b converged while spoke-a is down',
    });
    const down = await waitForApp(
      hub,
      NS,
      'spoke-a-plain',
      (s) => s.sync?.status === 'Unknown',
      'Unknown while down',
      30_000,
    );
    assert.equal(down.conditions?.[0]?.type, 'ComparisonError');
    assert.ok((await hub.get(APPLICATIONS, NS, 'spoke-a-kust')) !== undefined, 'nothing deleted');
    await h.cluster('spoke-a').start();
    sync.sync.onPush([URL]);
    await waitForApp(
      hub,
      NS,
      'spoke-a-plain',
      (s) => s.sync?.revision === sha && isSynced(s),
      'converged after restart',
      60_000,
    );
    assert.equal(data(await spokeA.get(CM_TYPE, 'demo', 'plain-config'))?.['a'], '3');
    assert.ok(await spokeA.get(CM_TYPE, 'demo', 'team-kust-config'), 'nothing lost');
  });

  test('removing a cluster label deletes its Applications and their resources on that spoke', async () => {
    const secret = await hub.get(SECRETS, NS, 'cluster-spoke-b');
    assert.ok(secret);
    await hub.patch(
      SECRETS,
      { namespace: NS, name: 'cluster-spoke-b' },
      { metadata: { labels: { fleet: null } } },
      { type: 'merge' },
    );
    for (const name of ['spoke-b-plain', 'spoke-b-kust', 'spoke-b-chart']) {
      await pollUntil(async () => (await hub.get(APPLICATIONS, NS, name)) === undefined, {
        timeoutMs: 30_000,
        what: `${name} deleted`,
      });
    }
    assert.equal(await spokeB.get(CM_TYPE, 'demo', 'plain-config'), undefined);
    assert.equal(await spokeB.get(CM_TYPE, 'demo', 'team-kust-config'), undefined);
    assert.ok(await spokeA.get(CM_TYPE, 'demo', 'plain-config'), 'spoke-a keeps its resources');
  });
});
