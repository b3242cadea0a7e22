import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRegistry } from '../../generators/index.ts';
import type { RepoSource } from '../git/types.ts';
import { silentLogger } from '../log.ts';
import type { LiveApplication } from './plan.ts';
import {
  reconcileApplicationSet,
  refreshResourceStatuses,
  type ApplicationSetStatus,
  type HubWriter,
  type LiveApplicationSet,
} from './reconciler.ts';

const NAMES = ['web-e', 'web-a', 'web-d', 'web-c', 'web-b'];

const SPEC = {
  project: 'default',
  source: { repoURL: 'https://git.example/r.git', path: 'web' },
  destination: { server: 'https://kubernetes.default.svc', namespace: 'web' },
};

const appSet: LiveApplicationSet = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'web', namespace: 'argocd', uid: 'u1' },
  spec: {
    generators: [{ list: { elements: NAMES.map((name) => ({ name })) } }],
    template: {
      metadata: { name: '{{name}}' },
      spec: SPEC,
    },
  },
};

/** The Applications as the hub holds them: owned by the ApplicationSet, Synced and Healthy. */
const owned: LiveApplication[] = NAMES.map((name) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: {
    name,
    namespace: 'argocd',
    ownerReferences: [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'ApplicationSet',
        name: 'web',
        uid: 'u1',
        controller: true,
      },
    ],
  },
  spec: SPEC,
  status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } },
})) as unknown as LiveApplication[];

async function statusResources(maxResourcesStatusCount: number | undefined): Promise<string[]> {
  const statuses: ApplicationSetStatus[] = [];
  const writer: HubWriter = {
    create: () => Promise.resolve(),
    update: () => Promise.resolve(),
    delete: () => Promise.resolve(),
    writeStatus: (_set, status) => Promise.resolve(void statuses.push(status)),
    event: () => undefined,
  };
  await reconcileApplicationSet('argocd/web', {
    view: {
      getApplicationSet: () => appSet,
      listApplications: () => owned,
      clusters: { list: () => Promise.resolve([]) },
      repos: {} as RepoSource,
    },
    writer,
    registry: createRegistry(),
    policy: 'sync',
    log: silentLogger,
    defaultRequeueSeconds: 180,
    ...(maxResourcesStatusCount === undefined ? {} : { maxResourcesStatusCount }),
  });
  return (statuses[0]?.resources ?? []).map((r) => `${r.name}:${r.status ?? ''}`);
}

test('status.resources lists the owned Applications by name, capped as Argo CD caps them', async () => {
  const cases: [string, number | undefined, string[]][] = [
    ['no cap', undefined, ['web-a', 'web-b', 'web-c', 'web-d', 'web-e']],
    ['0 is no cap', 0, ['web-a', 'web-b', 'web-c', 'web-d', 'web-e']],
    ['the first 3 by name', 3, ['web-a', 'web-b', 'web-c']],
    ['a cap above the count', 5000, ['web-a', 'web-b', 'web-c', 'web-d', 'web-e']],
  ];
  for (const [what, max, expected] of cases)
    assert.deepEqual(
      await statusResources(max),
      expected.map((name) => `${name}:Synced`),
      what,
    );
});

test('a status-only refresh writes status.resources alone, and only when it changed', async () => {
  const writes: ApplicationSetStatus[] = [];
  const writer: HubWriter = {
    create: () => Promise.reject(new Error('no create in a status refresh')),
    update: () => Promise.reject(new Error('no update in a status refresh')),
    delete: () => Promise.reject(new Error('no delete in a status refresh')),
    writeStatus: (_set, status) => Promise.resolve(void writes.push(status)),
    event: () => undefined,
  };
  const foreign = { ...owned[0]!, metadata: { ...owned[0]!.metadata, name: 'other', ownerReferences: [] } };
  const refresh = (status: ApplicationSetStatus): Promise<void> =>
    refreshResourceStatuses('argocd/web', {
      view: {
        getApplicationSet: () => ({ ...appSet, status }),
        listApplications: () => [...owned, foreign] as LiveApplication[],
        clusters: { list: () => Promise.resolve([]) },
        repos: {} as RepoSource,
      },
      writer,
      maxResourcesStatusCount: 0,
    });
  const condition = { type: 'ErrorOccurred', status: 'False', message: 'm', reason: 'r' } as const;
  await refresh({ conditions: [condition] });
  assert.equal(writes.length, 1);
  assert.deepEqual(Object.keys(writes[0]!), ['resources'], 'conditions are left to the full reconcile');
  assert.deepEqual(
    writes[0]!.resources?.map((r) => `${r.name}:${r.status ?? ''}`),
    ['web-a', 'web-b', 'web-c', 'web-d', 'web-e'].map((name) => `${name}:Synced`),
  );
  await refresh({ conditions: [condition], resources: writes[0]!.resources });
  assert.equal(writes.length, 1, 'unchanged: nothing written');
});
