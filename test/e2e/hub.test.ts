/**
 * The hub controller on a real kube-apiserver (with kube-controller-manager's garbage collector):
 * ApplicationSets become Applications, and changes, errors and foreign objects are handled the way
 * users rely on.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { APPLICATION_SETS, APPLICATIONS, SECRETS, type KubeObject } from '../../src/kube/types.ts';
import { comparable, loadCases } from '../conformance/cases.ts';
import { pollUntil, runTool, useHarness } from '../harness/index.ts';
import { parseYamlDocuments } from '../../src/yaml.ts';
import {
  appNames,
  clientFor,
  createAll,
  createNamespace,
  listApps,
  startController,
  yamlIn,
} from './support/hub.ts';

const harness = useHarness({ clusters: ['hub'] });

function appSet(
  namespace: string,
  name: string,
  generators: unknown[],
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace },
    spec: {
      generators,
      template: {
        metadata: { name: '{{name}}-app' },
        spec: {
          project: 'default',
          source: { repoURL: 'https://example.com/apps.git', path: 'apps/{{name}}' },
          destination: { server: '{{server}}', namespace: 'apps' },
        },
      },
      ...extra,
    },
  };
}

function clusterSecret(namespace: string, name: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `cluster-${name}`,
      namespace,
      labels: { 'argocd.argoproj.io/secret-type': 'cluster', ...labels },
    },
    stringData: { name, server: `https://${name}.example.com`, config: '{"bearerToken":"not-a-real-token"}' },
  };
}

async function condition(
  namespace: string,
  name: string,
  type: string,
): Promise<{ status: string; message: string } | undefined> {
  const client = clientFor(harness().hub);
  const set = await client.get<
    KubeObject & { status?: { conditions?: { type: string; status: string; message: string }[] } }
  >(APPLICATION_SETS, namespace, name);
  return set?.status?.conditions?.find((c) => c.type === type);
}

describe('hub controller', () => {
  test('deploy/ builds with kustomize and installs on a real apiserver (CRDs, RBAC, Deployment, PodDisruptionBudget, Services)', async () => {
    const { stdout } = await runTool('kustomize', ['build', join(import.meta.dirname, '../../deploy')]);
    const objects = parseYamlDocuments(stdout, 'kustomize build deploy') as KubeObject[];
    assert.deepEqual(objects.map((o) => o.kind).sort(), [
      'ClusterRole',
      'ClusterRole',
      'ClusterRole',
      'ClusterRoleBinding',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'Deployment',
      'Namespace',
      'PodDisruptionBudget',
      'Role',
      'RoleBinding',
      'Service',
      'Service',
      'Service',
      'ServiceAccount',
    ]);
    const client = clientFor(harness().hub);
    for (const obj of objects) await client.apply(obj, { fieldManager: 'e2e', force: true });
    const deployment = await client.get(
      await client.resourceFor('apps/v1', 'Deployment'),
      'argocd',
      'spokes-controller',
    );
    assert.equal(
      (deployment as unknown as { spec: { template: { spec: { serviceAccountName: string } } } }).spec
        .template.spec.serviceAccountName,
      'spokes-controller',
    );
  });

  // Cases answered by recorded cluster decisions, plugins or SCM providers have their own e2e
  // tests against real servers (generators-*.test.ts).
  const cases = loadCases().filter((c) => !c.hasRepos && c.externalFlags.length === 0);
  for (const c of cases) {
    test(`conformance case ${c.name} as a real ApplicationSet`, async () => {
      const client = clientFor(harness().hub);
      const ns = `conf-${c.name}`;
      await createNamespace(client, ns);
      const clusterDocs = c.clustersDir
        ? readdirSync(c.clustersDir).flatMap((f) => yamlIn(join(c.clustersDir!, f), ns))
        : [];
      await createAll(client, clusterDocs);
      const appSetDocs = readableOrError(c.appSetFile, ns);
      if (appSetDocs instanceof Error) {
        // A file no YAML-to-JSON step reads (e.g. `.nan`) never reaches a hub: kubectl apply fails
        // on it the way spokes generate does.
        assert.ok('error' in c.expected, appSetDocs.message);
        assert.match(appSetDocs.message.toLowerCase(), new RegExp(c.expected.error.toLowerCase()));
        return;
      }
      const handle = await startController(client, ns);
      try {
        await createAll(client, appSetDocs);
        if ('error' in c.expected) {
          const errored = await pollUntil(
            () => condition(ns, String(yamlIn(c.appSetFile, ns)[0]!.metadata.name), 'ErrorOccurred'),
            {
              what: 'an ErrorOccurred condition',
              timeoutMs: 10_000,
            },
          );
          assert.equal(errored.status, 'True');
          assert.match(errored.message.toLowerCase(), new RegExp(c.expected.error.toLowerCase()));
          assert.deepEqual(await listApps(client, ns), []);
          return;
        }
        // Argo's expected output can hold label values no apiserver accepts (an unrendered
        // `{{...}}`); on a real hub those Applications fail to create and the set reports it.
        const [valid, invalid] = partition(c.expected.apps, hasValidLabels);
        const expected = comparable(valid.map((a) => withNamespace(a, ns)));
        const actual = await pollUntil(
          async () => {
            const apps = await listApps(client, ns);
            return apps.length === Object.keys(expected).length ? apps : undefined;
          },
          { what: `${Object.keys(expected).length} Applications`, timeoutMs: 10_000 },
        );
        assert.deepEqual(comparable(actual.map(normalizeProject)), normalizeExpected(expected));
        for (const app of actual) assert.equal(app.metadata.ownerReferences?.[0]?.kind, 'ApplicationSet');
        if (invalid.length > 0) {
          const name = String(yamlIn(c.appSetFile, ns)[0]!.metadata.name);
          const errored = await pollUntil(() =>
            condition(ns, name, 'ErrorOccurred').then((x) => (x?.status === 'True' ? x : undefined)),
          );
          assert.match(errored.message, /failed to create Application/);
        }
      } finally {
        await handle.stop();
      }
    });
  }

  test('labelling a cluster Secret adds its Application within 2 s; removing the label deletes it (sync)', async () => {
    const client = clientFor(harness().hub);
    const ns = 'relabel-sync';
    await createNamespace(client, ns);
    await createAll(client, [clusterSecret(ns, 'alpha', { env: 'prod' }), clusterSecret(ns, 'beta', {})]);
    const handle = await startController(client, ns);
    try {
      await createAll(client, [
        appSet(ns, 'prod', [{ clusters: { selector: { matchLabels: { env: 'prod' } } } }]),
      ]);
      await pollUntil(async () => appNames(await listApps(client, ns)).join() === 'alpha-app', {
        what: 'alpha-app',
      });

      const labelled = Date.now();
      await client.patch(
        SECRETS,
        { namespace: ns, name: 'cluster-beta' },
        { metadata: { labels: { env: 'prod' } } },
        { type: 'merge' },
      );
      await pollUntil(async () => appNames(await listApps(client, ns)).join() === 'alpha-app,beta-app', {
        what: 'beta-app',
        timeoutMs: 2_000,
        intervalMs: 50,
      });
      assert.ok(Date.now() - labelled < 2_000);

      await client.patch(
        SECRETS,
        { namespace: ns, name: 'cluster-beta' },
        { metadata: { labels: { env: null } } },
        { type: 'merge' },
      );
      await pollUntil(async () => appNames(await listApps(client, ns)).join() === 'alpha-app', {
        what: 'beta-app deleted',
        timeoutMs: 5_000,
      });
    } finally {
      await handle.stop();
    }
  });

  for (const policy of ['create-only', 'create-update'] as const) {
    test(`removing the label keeps the Application under ${policy}`, async () => {
      const client = clientFor(harness().hub);
      const ns = `relabel-${policy}`;
      await createNamespace(client, ns);
      await createAll(client, [clusterSecret(ns, 'gamma', { env: 'prod' })]);
      const handle = await startController(client, ns, { policy });
      try {
        await createAll(client, [
          appSet(ns, 'prod', [{ clusters: { selector: { matchLabels: { env: 'prod' } } } }]),
        ]);
        await pollUntil(async () => appNames(await listApps(client, ns)).join() === 'gamma-app', {
          what: 'gamma-app',
        });
        await client.patch(
          SECRETS,
          { namespace: ns, name: 'cluster-gamma' },
          { metadata: { labels: { env: null } } },
          { type: 'merge' },
        );
        await handle.controller.whenIdle();
        await new Promise((resolve) => setTimeout(resolve, 500));
        await handle.controller.whenIdle();
        assert.deepEqual(appNames(await listApps(client, ns)), ['gamma-app']);
      } finally {
        await handle.stop();
      }
    });
  }

  test('a broken ApplicationSet gets an error condition and leaves its Applications alone', async () => {
    const client = clientFor(harness().hub);
    const ns = 'broken';
    await createNamespace(client, ns);
    const handle = await startController(client, ns);
    try {
      await createAll(client, [
        appSet(ns, 'list', [
          {
            list: {
              elements: [
                { name: 'a', server: 'https://a' },
                { name: 'b', server: 'https://b' },
              ],
            },
          },
        ]),
      ]);
      const before = await pollUntil(async () => {
        const apps = await listApps(client, ns);
        return apps.length === 2 ? apps : undefined;
      });
      await client.patch(
        APPLICATION_SETS,
        { namespace: ns, name: 'list' },
        { spec: { generators: [{ list: { elements: [{ name: 'a', replicas: 3 }] } }] } },
        { type: 'merge' },
      );
      const errored = await pollUntil(
        () => condition(ns, 'list', 'ErrorOccurred').then((c) => (c?.status === 'True' ? c : undefined)),
        {
          what: 'ErrorOccurred=True',
        },
      );
      assert.match(
        errored.message,
        /spec\.generators\[0\]\.list: elements\[0\]\.replicas: expected a string/,
      );
      await handle.controller.whenIdle();
      const after = await listApps(client, ns);
      assert.deepEqual(
        after.map((a) => [a.metadata.name, a.metadata.resourceVersion]),
        before.map((a) => [a.metadata.name, a.metadata.resourceVersion]),
      );
    } finally {
      await handle.stop();
    }
  });

  test('a foreign Application with a generated name is not touched', async () => {
    const client = clientFor(harness().hub);
    const ns = 'foreign';
    await createNamespace(client, ns);
    const foreign = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'x-app', namespace: ns, labels: { mine: 'yes' } },
      spec: {
        project: 'default',
        destination: { server: 'https://mine', namespace: 'mine' },
        source: { repoURL: 'https://mine.git' },
      },
    };
    await client.create(APPLICATIONS, foreign);
    const handle = await startController(client, ns);
    try {
      await createAll(client, [
        appSet(ns, 'clash', [
          {
            list: {
              elements: [
                { name: 'x', server: 'https://x' },
                { name: 'y', server: 'https://y' },
              ],
            },
          },
        ]),
      ]);
      const errored = await pollUntil(() =>
        condition(ns, 'clash', 'ErrorOccurred').then((c) => (c?.status === 'True' ? c : undefined)),
      );
      assert.match(errored.message, /x-app already exists and is not owned by this ApplicationSet/);
      const apps = await listApps(client, ns);
      assert.deepEqual(appNames(apps), ['x-app', 'y-app']);
      const untouched = apps.find((a) => a.metadata.name === 'x-app')!;
      assert.equal(untouched.metadata.ownerReferences, undefined);
      assert.deepEqual((untouched as unknown as typeof foreign).spec.destination, foreign.spec.destination);
    } finally {
      await handle.stop();
    }
  });

  test('preservedFields and Argo CD refresh annotations survive updates; a steady state writes nothing', async () => {
    const client = clientFor(harness().hub);
    const ns = 'preserve';
    await createNamespace(client, ns);
    const handle = await startController(client, ns);
    try {
      await createAll(client, [
        appSet(ns, 'keep', [{ list: { elements: [{ name: 'p', server: 'https://p' }] } }], {
          preservedFields: { annotations: ['team/note'], labels: ['team/pin'] },
        }),
      ]);
      await pollUntil(async () => (await listApps(client, ns)).length === 1);
      await client.patch(
        APPLICATIONS,
        { namespace: ns, name: 'p-app' },
        {
          metadata: {
            annotations: { 'team/note': 'keep me', 'argocd.argoproj.io/refresh': 'hard', stray: 'drop me' },
            labels: { 'team/pin': 'v1' },
          },
        },
        { type: 'merge' },
      );
      const app = await pollUntil(
        async () => {
          const [current] = await listApps(client, ns);
          return current?.metadata.annotations?.stray === undefined ? current : undefined;
        },
        { what: 'the stray annotation reverted' },
      );
      assert.equal(app.metadata.annotations?.['team/note'], 'keep me');
      assert.equal(app.metadata.annotations?.['argocd.argoproj.io/refresh'], 'hard');
      assert.equal(app.metadata.labels?.['team/pin'], 'v1');

      await handle.controller.whenIdle();
      const version = app.metadata.resourceVersion;
      await client.patch(
        APPLICATION_SETS,
        { namespace: ns, name: 'keep' },
        { metadata: { labels: { touched: 'yes' } } },
        { type: 'merge' },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await handle.controller.whenIdle();
      const [after] = await listApps(client, ns);
      assert.equal(after?.metadata.resourceVersion, version, 'no write when nothing changed');
    } finally {
      await handle.stop();
    }
  });

  test('--applicationset-namespaces: ApplicationSets in allowed namespaces are served, others ignored', async () => {
    const client = clientFor(harness().hub);
    for (const ns of ['control', 'team-a', 'other']) await createNamespace(client, ns);
    const handle = await startController(client, 'control', { appSetNamespaces: ['team-*'] });
    try {
      await createAll(client, [
        appSet('team-a', 'served', [{ list: { elements: [{ name: 't', server: 'https://t' }] } }]),
        appSet('other', 'ignored', [{ list: { elements: [{ name: 'o', server: 'https://o' }] } }]),
      ]);
      await pollUntil(async () => appNames(await listApps(client, 'team-a')).join() === 't-app', {
        what: 't-app',
      });
      await handle.controller.whenIdle();
      assert.deepEqual(await listApps(client, 'other'), []);
      assert.equal(
        await condition('other', 'ignored', 'ErrorOccurred'),
        undefined,
        'an ignored ApplicationSet is not touched',
      );
    } finally {
      await handle.stop();
    }
  });

  test('deleting the ApplicationSet removes its Applications (garbage collector cascade)', async () => {
    const client = clientFor(harness().hub);
    const ns = 'cascade';
    await createNamespace(client, ns);
    const handle = await startController(client, ns);
    try {
      await createAll(client, [
        appSet(ns, 'gone', [{ list: { elements: [{ name: 'g', server: 'https://g' }] } }]),
      ]);
      await pollUntil(async () => (await listApps(client, ns)).length === 1);
      await client.delete(APPLICATION_SETS, ns, 'gone', { propagationPolicy: 'Foreground' });
      await pollUntil(async () => (await listApps(client, ns)).length === 0, {
        what: 'Applications garbage-collected',
        timeoutMs: 30_000,
      });
    } finally {
      await handle.stop();
    }
  });

  test('a hub apiserver restart mid-reconcile ends with the right Applications, nothing duplicated or lost', async () => {
    const h = harness();
    const client = clientFor(h.hub);
    const ns = 'restart';
    await createNamespace(client, ns);
    const handle = await startController(client, ns);
    try {
      const elements = Array.from({ length: 40 }, (_, i) => ({ name: `r${i}`, server: `https://r${i}` }));
      await createAll(client, [appSet(ns, 'many', [{ list: { elements } }])]);
      await pollUntil(async () => (await listApps(client, ns)).length > 0, { intervalMs: 20 });
      await h.hub.restart();
      const apps = await pollUntil(
        async () => {
          const list = await listApps(client, ns);
          return list.length === 40 ? list : undefined;
        },
        { what: '40 Applications after the restart', timeoutMs: 60_000 },
      );
      assert.equal(new Set(appNames(apps)).size, 40);
    } finally {
      await handle.stop();
    }
  });
});

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function hasValidLabels(app: unknown): boolean {
  const labels = (app as { metadata: { labels?: Record<string, string> } }).metadata.labels ?? {};
  return Object.values(labels).every((v) => v.length <= 63 && LABEL_VALUE.test(v));
}

function partition<T>(items: readonly T[], predicate: (item: T) => boolean): [T[], T[]] {
  return [items.filter(predicate), items.filter((item) => !predicate(item))];
}

function withNamespace(app: unknown, namespace: string): unknown {
  const a = app as { metadata: Record<string, unknown> };
  return { ...a, metadata: { ...a.metadata, namespace } };
}

/** The hub normalises an empty project to "default", as Argo CD's controller does. */
function normalizeProject(app: KubeObject): KubeObject {
  const spec = (app as unknown as { spec: { project?: string } }).spec;
  return spec.project === '' ? { ...app, spec: { ...spec, project: 'default' } } : app;
}

function normalizeExpected(expected: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(expected).map(([name, app]) => [name, normalizeProject(app as KubeObject)]),
  );
}

/** The file's documents, or the error reading them gave (a case about unreadable YAML). */
function readableOrError(file: string, namespace: string): KubeObject[] | Error {
  try {
    return yamlIn(file, namespace);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
