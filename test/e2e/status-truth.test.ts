/**
 * What the hub says is true, and a steady state writes nothing to it (issue 20's defects, each
 * found on a real fleet):
 * 1. a quiet hub is write-free: no status rewrite per resync, no ApplicationSet status patch when
 *    nothing in it changed;
 * 2. a running sync operation shows as Running, OutOfSync at the new revision, Progressing;
 * 3. an operation blocked on an unreachable spoke says so (Unknown, ComparisonError) at once;
 * 4. a restarted controller neither creates nor deletes an Application that is already right;
 * 5. a reachable spoke is never reported unreachable while its watches are still in their first list.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeClient } from '../../src/kube/client.ts';
import { Informer } from '../../src/kube/informer.ts';
import { APPLICATION_SETS, APPLICATIONS, SECRETS, type KubeObject } from '../../src/kube/types.ts';
import { silentLogger } from '../../src/log.ts';
import { createGitRepo, type GitRepo } from '../harness/git-repo.ts';
import { markPodsReady, pollUntil, registerSpoke, useHarness } from '../harness/index.ts';
import { writesBetween, writesByResource } from '../harness/apiserver-metrics.ts';
import { clientFor, createNamespace, startController, type ControllerHandle } from './support/hub.ts';
import { startSync, waitForApp, type AppStatusView, type SyncHandle } from './support/sync.ts';

const URL = 'https://git.example/truth.git';
const NS = 'argocd';
const HUB_RESOURCES = ['applications', 'applicationsets', 'events'];

const configMap = (name: string, annotations: Record<string, string> = {}): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, annotations }, data: { name } });

const deployment = (image: string): string =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', annotations: { 'argocd.argoproj.io/sync-wave': '0' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
    },
  });

const files = {
  'quiet/a.yaml': configMap('quiet-a'),
  'quiet/b.yaml': configMap('quiet-b'),
  'rollout/web.yaml': deployment('nginx:1'),
  'rollout/after.yaml': configMap('after-web', { 'argocd.argoproj.io/sync-wave': '1' }),
  'fast/sa.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'fast-sa' } }),
  'fast/role.yaml': JSON.stringify({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'fast-role' },
    rules: [],
  }),
  'slow/cm.yaml': configMap('slow-cm'),
};

function application(name: string, path: string, namespace: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: NS },
    spec: {
      project: 'default',
      source: { repoURL: URL, path, targetRevision: 'main' },
      destination: { name: 'spoke-a', namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
    },
  };
}

describe('the hub tells the truth and a steady state writes nothing', () => {
  const harness = useHarness();
  let repo: GitRepo;
  let hub: KubeClient;
  let appsets: ControllerHandle;
  let sync: SyncHandle;

  before(async () => {
    repo = await createGitRepo({ branches: { main: files } });
    hub = clientFor(harness().hub);
    await createNamespace(hub, NS);
    await registerSpoke(harness().hub, harness().cluster('spoke-a'), { labels: { truth: 'yes' } });
    const localRepos = new Map([[URL, repo.path]]);
    appsets = await startController(hub, NS, { localRepos });
    sync = await startSync(hub, NS, { localRepos, resyncSeconds: 2, waveTimeoutSeconds: 120 });
  });

  after(async () => {
    await sync?.stop();
    await appsets?.stop();
    await repo?.cleanup();
  });

  test('a quiet hub is write-free: resyncs and no-op ApplicationSet reconciles write nothing', async () => {
    await hub.create(APPLICATION_SETS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'quiet', namespace: NS },
      spec: {
        generators: [{ clusters: { selector: { matchLabels: { truth: 'yes' } } } }],
        template: {
          metadata: { name: 'quiet-{{name}}' },
          spec: {
            project: 'default',
            source: { repoURL: URL, path: 'quiet', targetRevision: 'main' },
            destination: { server: '{{server}}', namespace: 'quiet' },
            syncPolicy: { automated: { prune: true }, syncOptions: ['CreateNamespace=true'] },
          },
        },
      },
    });
    await waitForApp(hub, NS, 'quiet-spoke-a', (s) => s.sync?.status === 'Synced', 'Synced');
    // Let the ApplicationSet see its Application's final status before measuring.
    await pollUntil(
      async () => {
        const set = await hub.get<KubeObject & { status?: { resources?: { status?: string }[] } }>(
          APPLICATION_SETS,
          NS,
          'quiet',
        );
        return set?.status?.resources?.[0]?.status === 'Synced';
      },
      { what: 'the ApplicationSet status shows the Application Synced' },
    );
    await sync.sync.whenIdle();
    await appsets.controller.whenIdle();
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const before = await writesByResource(harness().hub);
    // Four resyncs of the sync half (every 2 s) and no-op reconciles of the ApplicationSet half:
    // a cluster Secret annotation that changes nothing the generator reads.
    for (let i = 0; i < 4; i++) {
      await hub.patch(
        SECRETS,
        { namespace: NS, name: 'cluster-spoke-a' },
        { metadata: { annotations: { 'example.com/touched': String(i) } } },
        { type: 'merge' },
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    await appsets.controller.whenIdle();
    const writes = writesBetween(before, await writesByResource(harness().hub), HUB_RESOURCES);
    assert.deepEqual(writes, { applications: 0, applicationsets: 0, events: 0 });
  });

  test('a running operation shows as Running, OutOfSync at the new revision, Progressing; an outage shows at once', async () => {
    const spoke = harness().cluster('spoke-a');
    await hub.create(APPLICATIONS, application('rollout', 'rollout', 'rollout'));
    await pollUntil(async () => (await markPodsReady(spoke, 'rollout')).length > 0, { what: 'first pods' });
    await waitForApp(hub, NS, 'rollout', (s) => s.health?.status === 'Healthy', 'Healthy', 60_000);

    // A new image (wave 0) and a new config (wave 1): wave 1 waits for wave 0 to be healthy.
    const revision = await repo.commit('main', {
      'rollout/web.yaml': deployment('nginx:2'),
      'rollout/after.yaml': configMap('after-web', { 'argocd.argoproj.io/sync-wave': '1', version: '2' }),
    });
    sync.repos.refresh(URL);
    await hub.patch(
      APPLICATIONS,
      { namespace: NS, name: 'rollout' },
      { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } },
      { type: 'merge' },
    );
    const running = await waitForApp(
      hub,
      NS,
      'rollout',
      (s) => s.operationState?.phase === 'Running' && s.health?.status === 'Progressing',
      'Running and Progressing while wave 0 is not healthy',
    );
    assert.match(running.operationState?.message ?? '', /waiting for healthy state of apps\/Deployment\/web/);
    assert.deepEqual([running.sync?.status, running.sync?.revision], ['OutOfSync', revision]);
    const managers = await statusManagers(hub, 'rollout');
    assert.ok(!managers.includes('unknown'), `status written by ${managers.join(', ')}`);
    assert.ok(managers.includes('spokes'), `status written by ${managers.join(', ')}`);

    await spoke.stop();
    const stoppedAt = Date.now();
    let outage: AppStatusView;
    try {
      // Within a second or two on a quiet machine; the bound leaves room for a loaded one.
      outage = await waitForApp(
        hub,
        NS,
        'rollout',
        (s) => s.sync?.status === 'Unknown' && s.health?.status === 'Unknown',
        'Unknown while its spoke is down',
        20_000,
      );
    } finally {
      await spoke.start();
    }
    process.stderr.write(`outage reported after ${Date.now() - stoppedAt} ms\n`);
    assert.equal(outage.operationState?.phase, 'Running');
    assert.match(outage.operationState?.message ?? '', /unreachable/);
    assert.ok(outage.conditions?.some((c) => c.type === 'ComparisonError' && /unreachable/.test(c.message)));

    await pollUntil(async () => (await markPodsReady(spoke, 'rollout')).length > 0, { what: 'new pods' });
    const done = await waitForApp(
      hub,
      NS,
      'rollout',
      (s) => s.operationState?.phase === 'Succeeded' && s.sync?.status === 'Synced',
      'the operation finishes once the spoke is back and the pods are ready',
      90_000,
    );
    assert.deepEqual([done.sync?.revision, done.health?.status], [revision, 'Healthy']);
    assert.equal(done.conditions?.length ?? 0, 0);
  });

  test('no Application is reported unreachable while its spoke answers (first lists of new watches)', async () => {
    const spokeA = clientFor(harness().cluster('spoke-a'));
    // Many large ConfigMaps make the first ConfigMap list slow, while ServiceAccounts and Roles
    // list at once: an Application of those must not be failed while the ConfigMap list runs.
    await createNamespace(spokeA, 'bulk');
    const payload = 'x'.repeat(4_000);
    const configMaps = {
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      plural: 'configmaps',
      namespaced: true,
    };
    for (let i = 0; i < 3_000; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, k) =>
          spokeA.create(configMaps, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `bulk-${i + k}`, namespace: 'bulk' },
            data: { payload },
          }),
        ),
      );
    }
    const seen: string[] = [];
    const watch = new Informer<KubeObject & { status?: AppStatusView }>(
      hub,
      APPLICATIONS,
      { namespace: NS },
      silentLogger,
    );
    const record = (app: KubeObject & { status?: AppStatusView }): void => {
      for (const c of app.status?.conditions ?? [])
        if (/unreachable/.test(c.message)) seen.push(`${app.metadata.name}: ${c.message}`);
    };
    watch.on({ add: record, update: record });
    watch.start();
    await watch.synced;
    try {
      // A fresh sync half: every watch on the spoke starts with these Applications.
      await sync.stop();
      sync = await startSync(hub, NS, { localRepos: new Map([[URL, repo.path]]), resyncSeconds: 2 });
      const names = ['slow-1', 'fast-1', 'slow-2', 'fast-2'];
      for (const name of names) {
        await hub.create(APPLICATIONS, application(name, name.replace(/-\d$/, ''), name));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const name of names) await waitForApp(hub, NS, name, (s) => s.sync?.status === 'Synced', 'Synced');
    } finally {
      await watch.stop();
    }
    assert.deepEqual(seen, []);
  });
});

describe('a restarted controller finds its fleet as it left it', () => {
  const harness = useHarness({ clusters: ['hub'], controllerManager: false });

  test('1,000 Applications and 300 unrelated Secrets: a restart creates and deletes nothing', async () => {
    const hub = clientFor(harness().hub);
    const ns = 'restart';
    await createNamespace(hub, ns);
    for (let i = 0; i < 300; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) =>
          hub.create(SECRETS, {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: `unrelated-${i + k}`, namespace: ns },
            stringData: { payload: 'x'.repeat(4_000) },
          }),
        ),
      );
    }
    for (let s = 0; s < 10; s++) {
      await hub.create(APPLICATION_SETS, {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'ApplicationSet',
        metadata: { name: `set-${s}`, namespace: ns },
        spec: {
          generators: [{ list: { elements: Array.from({ length: 100 }, (_, i) => ({ i: String(i) })) } }],
          template: {
            metadata: { name: `set-${s}-app-{{i}}` },
            spec: {
              project: 'default',
              source: { repoURL: URL, path: 'quiet', targetRevision: 'main' },
              destination: { server: 'https://kubernetes.default.svc', namespace: 'x' },
            },
          },
        },
      });
    }
    let handle = await startController(hub, ns);
    await pollUntil(async () => (await hub.list(APPLICATIONS, { namespace: ns })).items.length === 1_000, {
      what: '1,000 Applications',
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    await handle.controller.whenIdle();
    await handle.stop();

    const before = await writesByResource(harness().hub);
    handle = await startController(hub, ns);
    await handle.controller.whenIdle();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await handle.controller.whenIdle();
    await handle.stop();
    const { applications } = writesBetween(before, await writesByResource(harness().hub), ['applications']);
    assert.equal(applications, 0, 'no create, update or delete of an Application');
    assert.equal((await hub.list(APPLICATIONS, { namespace: ns })).items.length, 1_000);
  });
});

/** The field managers that wrote the Application's status. */
async function statusManagers(hub: KubeClient, name: string): Promise<string[]> {
  const app = await hub.get<
    KubeObject & { metadata: { managedFields?: { manager?: string; fieldsV1?: Record<string, unknown> }[] } }
  >(APPLICATIONS, NS, name);
  return (app?.metadata.managedFields ?? [])
    .filter((entry) => entry.fieldsV1?.['f:status'] !== undefined)
    .map((entry) => entry.manager ?? '');
}
