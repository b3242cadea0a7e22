// Proves the harness: real etcd + kube-apiservers (hub, spoke-a, spoke-b) with controller-managers,
// our CRDs on the hub, server-side apply, watches across an apiserver restart, registered spokes,
// RBAC, kustomize and helm.
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
  Watch,
  makeInformer,
} from '@kubernetes/client-node';
import type { KubernetesObject, V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { markPodsReady, pollUntil, registerSpoke, runTool, useHarness } from '../harness/index.ts';
import type { Cluster, ClusterSecretConfig } from '../harness/index.ts';

const harness = useHarness();
const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const ARGO = { group: 'argoproj.io', version: 'v1alpha1' };

interface Event {
  type: string;
  object: KubernetesObject;
}

/** Collects watch events on `path` until stopped. */
async function collectEvents(kc: KubeConfig, path: string): Promise<{ events: Event[]; stop: () => void }> {
  const events: Event[] = [];
  const controller = await new Watch(kc).watch(
    path,
    {},
    (type, object: KubernetesObject) => events.push({ type, object }),
    () => {},
  );
  return { events, stop: () => controller.abort() };
}

function statusCode(error: unknown): number | undefined {
  return (error as { code?: number }).code;
}

async function expectStatus(promise: Promise<unknown>, code: number): Promise<void> {
  await assert.rejects(promise, (error) => {
    assert.equal(statusCode(error), code, `expected HTTP ${code}, got ${String(error)}`);
    return true;
  });
}

async function ensureNamespace(cluster: Cluster, name: string): Promise<void> {
  await cluster.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }]);
}

function applicationSet(name: string): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace: 'argocd' },
    spec: {
      generators: [{ list: { elements: [{ cluster: 'spoke-a' }] } }],
      template: {
        metadata: { name: '{{cluster}}-guestbook' },
        spec: {
          project: 'default',
          source: { repoURL: 'https://example.com/repo.git', targetRevision: 'HEAD', path: 'guestbook' },
          destination: { name: '{{cluster}}', namespace: 'guestbook' },
        },
      },
    },
  };
}

function application(name: string, owner?: { name: string; uid: string }): Record<string, unknown> {
  const ownerReferences = owner
    ? [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', ...owner, controller: true }]
    : undefined;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', ...(ownerReferences ? { ownerReferences } : {}) },
    spec: {
      project: 'default',
      source: { repoURL: 'https://example.com/repo.git', targetRevision: 'HEAD', path: 'guestbook' },
      destination: { name: 'spoke-a', namespace: 'guestbook' },
    },
  };
}

test('clusters are separate apiservers sharing one etcd under their own prefixes', () => {
  const { clusters, timings } = harness();
  assert.deepEqual(
    clusters.map((c) => c.name),
    ['hub', 'spoke-a', 'spoke-b'],
  );
  assert.equal(new Set(clusters.map((c) => c.server)).size, 3);
  assert.equal(new Set(clusters.map((c) => c.etcdPrefix)).size, 3);
  assert.ok(timings.apiserversMs > 0 && timings.totalMs >= timings.apiserversMs);
});

test('our CRDs are installed on the hub only', async () => {
  const { hub } = harness();
  const crds = await hub.api(ApiextensionsV1Api).listCustomResourceDefinition();
  const names = crds.items.map((crd) => crd.metadata?.name);
  for (const name of ['applicationsets.argoproj.io', 'applications.argoproj.io', 'appprojects.argoproj.io']) {
    assert.ok(names.includes(name), `${name} missing; have ${names.join(', ')}`);
  }
  const spokeCrds = await harness().cluster('spoke-a').api(ApiextensionsV1Api).listCustomResourceDefinition();
  assert.deepEqual(spokeCrds.items, []);
});

test('ApplicationSet and Application: create, get, list, watch, and cascade delete', async () => {
  const { hub } = harness();
  await ensureNamespace(hub, 'argocd');
  const custom = hub.api(CustomObjectsApi);
  const base = '/apis/argoproj.io/v1alpha1/namespaces/argocd';
  const appSetWatch = await collectEvents(hub.kubeConfig(), `${base}/applicationsets`);
  const appWatch = await collectEvents(hub.kubeConfig(), `${base}/applications`);
  try {
    const created = (await custom.createNamespacedCustomObject({
      ...ARGO,
      namespace: 'argocd',
      plural: 'applicationsets',
      body: applicationSet('guestbook'),
    })) as KubernetesObject;
    const uid = created.metadata?.uid as string;
    assert.ok(uid);

    const got = (await custom.getNamespacedCustomObject({
      ...ARGO,
      namespace: 'argocd',
      plural: 'applicationsets',
      name: 'guestbook',
    })) as { spec: { template: { metadata: { name: string } } } };
    assert.equal(got.spec.template.metadata.name, '{{cluster}}-guestbook');

    await custom.createNamespacedCustomObject({
      ...ARGO,
      namespace: 'argocd',
      plural: 'applications',
      body: application('spoke-a-guestbook', { name: 'guestbook', uid }),
    });
    const apps = (await custom.listNamespacedCustomObject({
      ...ARGO,
      namespace: 'argocd',
      plural: 'applications',
    })) as { items: KubernetesObject[] };
    assert.deepEqual(
      apps.items.map((app) => app.metadata?.name),
      ['spoke-a-guestbook'],
    );

    await pollUntil(
      () => appSetWatch.events.some((e) => e.type === 'ADDED' && e.object.metadata?.uid === uid),
      {
        what: 'the ApplicationSet ADDED event',
      },
    );
    await pollUntil(() => appWatch.events.some((e) => e.type === 'ADDED'), {
      what: 'the Application ADDED event',
    });

    // Deleting the ApplicationSet lets the hub's garbage collector remove the Application it owns.
    await custom.deleteNamespacedCustomObject({
      ...ARGO,
      namespace: 'argocd',
      plural: 'applicationsets',
      name: 'guestbook',
    });
    await pollUntil(() => appWatch.events.some((e) => e.type === 'DELETED'), {
      timeoutMs: 60_000,
      what: 'the owned Application to be garbage-collected',
    });
    assert.ok(appSetWatch.events.some((e) => e.type === 'DELETED' && e.object.metadata?.uid === uid));
  } finally {
    appSetWatch.stop();
    appWatch.stop();
  }
});

test('server-side apply a Deployment on spoke-a, read its managedFields, delete it with its ReplicaSet', async () => {
  const spoke = harness().cluster('spoke-a');
  await ensureNamespace(spoke, 'guestbook');
  const [rendered] = parseAllDocuments(
    (
      await runTool('helm', [
        'template',
        'gb',
        path.join(FIXTURES, 'helm', 'guestbook'),
        '--namespace',
        'guestbook',
      ])
    ).stdout,
  )
    .map((doc) => doc.toJS() as KubernetesObject)
    .filter((object) => object.kind === 'Deployment');
  assert.ok(rendered);
  await spoke.apply([rendered], { fieldManager: 'spokes-e2e' });

  const apps = spoke.api(AppsV1Api);
  const live = await apps.readNamespacedDeployment({ name: 'gb-guestbook', namespace: 'guestbook' });
  const entry = live.metadata?.managedFields?.find((field) => field.manager === 'spokes-e2e');
  assert.equal(entry?.operation, 'Apply');
  assert.ok(JSON.stringify(entry?.fieldsV1).includes('f:replicas'));

  // The deployment controller runs: it makes a ReplicaSet owned by the Deployment.
  const replicaSets = () => apps.listNamespacedReplicaSet({ namespace: 'guestbook' });
  const owned = await pollUntil(
    async () =>
      (await replicaSets()).items.find((rs) => rs.metadata?.ownerReferences?.[0]?.uid === live.metadata?.uid),
    { what: 'a ReplicaSet owned by the Deployment' },
  );
  assert.ok(owned.metadata?.name?.startsWith('gb-guestbook-'));

  await apps.deleteNamespacedDeployment({
    name: 'gb-guestbook',
    namespace: 'guestbook',
    propagationPolicy: 'Background',
  });
  await expectStatus(apps.readNamespacedDeployment({ name: 'gb-guestbook', namespace: 'guestbook' }), 404);
  await pollUntil(async () => (await replicaSets()).items.length === 0, {
    timeoutMs: 60_000,
    what: 'the garbage collector to delete the ReplicaSet',
  });
});

test('pods marked Ready make a Deployment Available through the real controllers', async () => {
  const spoke = harness().cluster('spoke-b');
  await ensureNamespace(spoke, 'ready');
  const labels = { app: 'ready' };
  await spoke.apply([
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ready', namespace: 'ready' },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] },
        },
      },
    } as KubernetesObject,
  ]);
  const apps = spoke.api(AppsV1Api);
  const read = () => apps.readNamespacedDeployment({ name: 'ready', namespace: 'ready' });
  // No kubelet: the pods exist but nothing makes them ready.
  const pods = await pollUntil(
    async () => (await markPodsReady(spoke, 'ready', 'app=ready')).length === 2 || undefined,
    { what: 'two pods to mark ready' },
  );
  assert.ok(pods);
  const ready = await pollUntil(
    async () => ((await read()).status?.availableReplicas === 2 ? read() : undefined),
    {
      what: 'the Deployment to become available',
    },
  );
  assert.equal(ready.status?.conditions?.find((c) => c.type === 'Available')?.status, 'True');
});

test('deleting a namespace removes it and its contents (namespace controller)', async () => {
  const spoke = harness().cluster('spoke-a');
  const core = spoke.api(CoreV1Api);
  await ensureNamespace(spoke, 'doomed');
  await spoke.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'doomed' } }]);
  await core.deleteNamespace({ name: 'doomed' });
  await pollUntil(
    async () => {
      await expectStatus(core.readNamespace({ name: 'doomed' }), 404);
      return true;
    },
    { timeoutMs: 60_000, what: 'namespace doomed to be finalized' },
  );
});

test('a watch survives a kube-apiserver restart on the same port and etcd prefix', async () => {
  const spoke = harness().cluster('spoke-b');
  const { server, etcdPrefix } = spoke;
  await ensureNamespace(spoke, 'restart');
  const configMap = (name: string): V1ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'restart' },
    data: { name },
  });
  await spoke.apply([configMap('before-1'), configMap('before-2')]);

  const kc = spoke.kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/restart/configmaps', () =>
    core.listNamespacedConfigMap({ namespace: 'restart' }),
  );
  let errors = 0;
  let stopping = false;
  // What a client does when its watch breaks: wait a little, list again, watch again. (stop()
  // aborts the watch, which also fires 'error': do not restart then, or the informer runs forever.)
  informer.on('error', () => {
    errors += 1;
    setTimeout(() => {
      if (!stopping) informer.start().catch(() => {});
    }, 300);
  });
  await informer.start();
  const names = (): string[] =>
    informer
      .list('restart')
      .map((cm) => cm.metadata?.name ?? '')
      .sort();
  try {
    await pollUntil(() => names().length === 2, { what: 'the informer to list two ConfigMaps' });

    await spoke.stop();
    assert.equal(spoke.running, false);
    await pollUntil(() => errors > 0, { what: 'the informer to notice the apiserver is gone' });
    await spoke.start();
    assert.equal(spoke.server, server);
    assert.equal(spoke.etcdPrefix, etcdPrefix);

    // The data was in etcd all along; a new object shows up through the restarted watch.
    const listed = await spoke.api(CoreV1Api).listNamespacedConfigMap({ namespace: 'restart' });
    assert.deepEqual(
      listed.items.map((cm) => cm.metadata?.name).filter((n) => n?.startsWith('before')),
      ['before-1', 'before-2'],
    );
    await spoke.apply([configMap('after')]);
    await pollUntil(() => names().join() === 'after,before-1,before-2', {
      timeoutMs: 30_000,
      what: `the informer to re-list and see all three ConfigMaps (has ${names().join()})`,
    });
  } finally {
    stopping = true;
    await informer.stop();
  }
});

test('a registered spoke Secret has what a client needs to reach the spoke', async () => {
  const { hub } = harness();
  const spoke = harness().cluster('spoke-a');
  await registerSpoke(hub, spoke, { labels: { env: 'staging', region: 'eu' } });

  const secrets = await hub.api(CoreV1Api).listNamespacedSecret({
    namespace: 'argocd',
    labelSelector: 'argocd.argoproj.io/secret-type=cluster,env=staging',
  });
  assert.equal(secrets.items.length, 1);
  const data = secrets.items[0]?.data ?? {};
  const decode = (key: string): string => Buffer.from(data[key] ?? '', 'base64').toString('utf8');
  assert.equal(decode('name'), 'spoke-a');
  assert.equal(decode('server'), spoke.server);
  const config = JSON.parse(decode('config')) as ClusterSecretConfig;

  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: 'c', server: decode('server'), caData: config.tlsClientConfig.caData, skipTLSVerify: false },
    ],
    users: [{ name: 'u', token: config.bearerToken }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace();
  assert.ok(namespaces.items.some((ns) => ns.metadata?.name === 'kube-system'));

  // The spoke's CA is not the hub's: the hub's CA does not verify the spoke's certificate.
  const wrongCa = new KubeConfig();
  wrongCa.loadFromOptions({
    clusters: [{ name: 'c', server: spoke.server, caData: Buffer.from(hub.caPem).toString('base64') }],
    users: [{ name: 'u', token: config.bearerToken }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  await assert.rejects(wrongCa.makeApiClient(CoreV1Api).listNamespace());
});

test('RBAC: the limited token is refused until a Role grants it access', async () => {
  const spoke = harness().cluster('spoke-a');
  await ensureNamespace(spoke, 'team-a');
  await ensureNamespace(spoke, 'team-b');
  const limited = spoke.api(CoreV1Api, 'limited');
  await expectStatus(limited.listNamespacedSecret({ namespace: 'team-a' }), 403);
  await expectStatus(limited.createNamespace({ body: { metadata: { name: 'nope' } } }), 403);
  await expectStatus(spoke.api(CoreV1Api, 'limited').listNamespace(), 403);
  const badToken = new KubeConfig();
  badToken.loadFromOptions({
    clusters: [{ name: 'c', server: spoke.server, caData: Buffer.from(spoke.caPem).toString('base64') }],
    users: [{ name: 'u', token: 'not-a-token' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  await expectStatus(badToken.makeApiClient(CoreV1Api).listNamespace(), 401);

  const rbac = spoke.api(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({
    namespace: 'team-a',
    body: {
      metadata: { name: 'configmap-reader' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: 'team-a',
    body: {
      metadata: { name: 'configmap-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'spokes:limited' }],
    },
  });
  await pollUntil(() => limited.listNamespacedConfigMap({ namespace: 'team-a' }), {
    what: 'the RoleBinding to take effect',
  });
  await expectStatus(limited.listNamespacedConfigMap({ namespace: 'team-b' }), 403);
  await expectStatus(limited.listNamespacedSecret({ namespace: 'team-a' }), 403);
});

function only<T extends KubernetesObject>(objects: KubernetesObject[], kind: string): T {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind}, got ${found.length}`);
  return found[0] as T;
}

/** Applies `objects` into `namespace` and checks the Deployment reads back as rendered. */
async function applyInto(spoke: Cluster, namespace: string, objects: KubernetesObject[]): Promise<void> {
  await ensureNamespace(spoke, namespace);
  const applied = await spoke.apply(objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace } })));
  assert.equal(applied.length, objects.length);
  const live = await spoke.api(AppsV1Api).readNamespacedDeployment({ name: 'demo-web', namespace });
  assert.equal(live.spec?.template.spec?.containers[0]?.image, 'registry.example/web:1.0.0');
}

test('kustomize build renders the fixture, and the result applies to spoke-a', async () => {
  const { stdout } = await runTool('kustomize', ['build', path.join(FIXTURES, 'kustomize', 'web')]);
  const objects = parseAllDocuments(stdout).map((doc) => doc.toJS() as KubernetesObject);
  const configMap = only<V1ConfigMap>(objects, 'ConfigMap');
  const deployment = only<V1Deployment>(objects, 'Deployment');
  const configMapName = configMap.metadata?.name ?? '';
  assert.match(configMapName, /^demo-web-config-[a-z0-9]{10}$/);
  assert.equal(configMap.data?.greeting, 'hello from kustomize');
  assert.equal(deployment.metadata?.name, 'demo-web');
  assert.equal(deployment.metadata?.labels?.['app.kubernetes.io/part-of'], 'spokes-e2e');
  // kustomize rewrote the reference to the generated, hash-suffixed ConfigMap.
  const container = deployment.spec?.template.spec?.containers[0];
  assert.equal(container?.envFrom?.[0]?.configMapRef?.name, configMapName);

  await applyInto(harness().cluster('spoke-a'), 'web', objects);
});

test('helm template renders the fixture chart with values', async () => {
  const chart = path.join(FIXTURES, 'helm', 'guestbook');
  const args = ['template', 'demo', chart, '--namespace', 'apps', '--set', 'message=hi there'];
  const objects = parseAllDocuments((await runTool('helm', args)).stdout).map(
    (doc) => doc.toJS() as KubernetesObject,
  );
  assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`).sort(), [
    'ConfigMap/apps/demo-guestbook',
    'Deployment/apps/demo-guestbook',
  ]);
  const configMap = only<V1ConfigMap>(objects, 'ConfigMap');
  assert.equal(configMap.data?.message, 'hi there');
  assert.equal(configMap.metadata?.labels?.['helm.sh/chart'], 'guestbook-0.1.0');
});
