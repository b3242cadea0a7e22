/**
 * `spokes get` against a real hub: an ApplicationSet (list generator) expanded by the controller
 * running in-process, Application status written as the sync controller would, then the exact
 * rows of `get appsets`, `get apps` (plain, wide, filtered), the `get app NAME` detail view, json
 * and yaml, and the not-found and bad-flag errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main.ts';
import { shorten } from '../../src/cli/table.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { APPLICATION_SETS, APPLICATIONS, type KubeObject } from '../../src/kube/types.ts';
import { pollUntil, useHarness } from '../harness/index.ts';
import {
  clientFor,
  createNamespace,
  listApps,
  startController,
  type ControllerHandle,
} from './support/hub.ts';

const harness = useHarness({ clusters: ['hub'] });
const NS = 'get-e2e';
const SHA = '3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345';

const webSet: KubeObject = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'web', namespace: NS },
  spec: {
    generators: [
      {
        list: {
          elements: [
            { name: 'a', cluster: 'spoke-a', env: 'prod' },
            { name: 'b', cluster: 'spoke-b', env: 'prod' },
            { name: 'c', cluster: 'spoke-c', env: 'dev' },
          ],
        },
      },
    ],
    template: {
      metadata: { name: 'web-{{name}}', labels: { env: '{{env}}' } },
      spec: {
        project: 'default',
        source: { repoURL: 'https://git.example/fleet.git', path: 'apps/web', targetRevision: 'main' },
        destination: { name: '{{cluster}}', namespace: 'web' },
      },
    },
  },
};

/** Two elements render the same name: the set reports an error and creates nothing. */
const brokenSet: KubeObject = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'broken', namespace: NS },
  spec: {
    generators: [{ list: { elements: [{ name: 'x' }, { name: 'x' }] } }],
    template: {
      metadata: { name: 'dup-{{name}}' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://git.example/fleet.git', path: 'apps/dup' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'dup' },
      },
    },
  },
};

const statusA = {
  sync: { status: 'Synced', revision: SHA },
  health: { status: 'Healthy' },
  resources: [
    {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: 'web',
      name: 'web',
      status: 'Synced',
      health: { status: 'Healthy' },
    },
    { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'web', name: 'web-config', status: 'Synced' },
  ],
  operationState: {
    operation: { sync: { revision: SHA } },
    phase: 'Succeeded',
    message: 'successfully synced (all tasks run)',
    syncResult: { revision: SHA },
    startedAt: '2025-03-01T11:59:00Z',
    finishedAt: '2025-03-01T11:59:04Z',
  },
};
const statusB = {
  sync: { status: 'OutOfSync' },
  health: { status: 'Missing' },
  operationState: {
    operation: { sync: {} },
    phase: 'Failed',
    message: 'one or more objects failed to apply',
    startedAt: '2025-03-01T11:59:00Z',
    finishedAt: '2025-03-01T11:59:02Z',
  },
};

async function spokes(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t) };
  const code = await main([...argv, '--kubeconfig', harness().hub.kubeconfigPath], io);
  return { code, stdout, stderr };
}

/**
 * A table as cells (columns are 3+ blanks apart, cells never hold more than one blank in a row),
 * with fresh ages (`12s`, `1m5s`) replaced by `AGE`, so rows can be compared exactly.
 */
function cells(table: string): string[][] {
  return table
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {3,}/).map((cell) => (/^\d+(s|m\d*s?)$/.test(cell) ? 'AGE' : cell)));
}

describe('spokes get on a real hub', () => {
  let client: KubeClient;
  let controller: ControllerHandle;
  let brokenMessage = '';

  before(async () => {
    client = clientFor(harness().hub);
    await createNamespace(client, NS);
    controller = await startController(client, NS);
    await client.create(APPLICATION_SETS, webSet);
    await client.create(APPLICATION_SETS, brokenSet);
    await pollUntil(async () => (await listApps(client, NS)).length === 3, { what: '3 Applications' });
    const conditionOf = async (
      name: string,
      type: string,
    ): Promise<{ status: string; message: string } | undefined> => {
      const set = await client.get<
        KubeObject & { status?: { conditions?: { type: string; status: string; message: string }[] } }
      >(APPLICATION_SETS, NS, name);
      return set?.status?.conditions?.find((c) => c.type === type && c.status === 'True');
    };
    await pollUntil(() => conditionOf('web', 'ResourcesUpToDate'), { what: 'web up to date' });
    brokenMessage = (
      await pollUntil(() => conditionOf('broken', 'ErrorOccurred'), { what: 'broken errored' })
    ).message;
    // Application status as the sync controller writes it (the CRD has no status subresource).
    for (const [name, status] of [
      ['web-a', statusA],
      ['web-b', statusB],
    ] as const) {
      await client.patch(APPLICATIONS, { namespace: NS, name }, { status }, { type: 'merge' });
    }
  });

  after(async () => {
    await controller?.stop();
  });

  test('get appsets', async () => {
    const r = await spokes('get', 'appsets', '-n', NS);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(cells(r.stdout), [
      ['NAME', 'APPS', 'STATUS', 'AGE'],
      ['broken', '0', shorten(`Error: ${brokenMessage}`, 60), 'AGE'],
      ['web', '3', 'ResourcesUpToDate', 'AGE'],
    ]);
    assert.match(brokenMessage, /duplicate/i);
  });

  test('get appsets -A -o wide', async () => {
    const r = await spokes('get', 'appsets', '-A', '-o', 'wide');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(cells(r.stdout), [
      ['NAME', 'NAMESPACE', 'APPS', 'STATUS', 'AGE', 'GENERATORS', 'SYNC'],
      ['broken', NS, '0', shorten(`Error: ${brokenMessage}`, 60), 'AGE', 'list', '<none>'],
      ['web', NS, '3', 'ResourcesUpToDate', 'AGE', 'list', '1 Synced, 1 OutOfSync, 1 Unknown'],
    ]);
  });

  test('get apps', async () => {
    const r = await spokes('get', 'apps', '-n', NS);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(cells(r.stdout), [
      ['NAME', 'APPSET', 'CLUSTER', 'NAMESPACE', 'SYNC', 'HEALTH', 'AGE'],
      ['web-a', 'web', 'spoke-a', 'web', 'Synced', 'Healthy', 'AGE'],
      ['web-b', 'web', 'spoke-b', 'web', 'OutOfSync', 'Missing', 'AGE'],
      ['web-c', 'web', 'spoke-c', 'web', 'Unknown', 'Unknown', 'AGE'],
    ]);
    // Columns line up: every row's SYNC cell starts where the header's does.
    const lines = r.stdout.split('\n');
    assert.equal(lines[1]!.indexOf('Synced'), lines[0]!.indexOf('SYNC'));
  });

  test('get apps -o wide', async () => {
    const r = await spokes('get', 'apps', '-n', NS, '-o', 'wide');
    assert.equal(r.code, 0, r.stderr);
    const repo = 'https://git.example/fleet.git';
    assert.deepEqual(cells(r.stdout), [
      [
        'NAME',
        'APPSET',
        'CLUSTER',
        'NAMESPACE',
        'SYNC',
        'HEALTH',
        'AGE',
        'REPO',
        'PATH',
        'REVISION',
        'OPERATION',
      ],
      [
        'web-a',
        'web',
        'spoke-a',
        'web',
        'Synced',
        'Healthy',
        'AGE',
        repo,
        'apps/web',
        '3f2a9c1',
        'Succeeded',
      ],
      ['web-b', 'web', 'spoke-b', 'web', 'OutOfSync', 'Missing', 'AGE', repo, 'apps/web', '<none>', 'Failed'],
      ['web-c', 'web', 'spoke-c', 'web', 'Unknown', 'Unknown', 'AGE', repo, 'apps/web', '<none>', '<none>'],
    ]);
  });

  test('get apps -l and --appset filter; -A names NS/NAME', async () => {
    const prod = await spokes('get', 'apps', '-n', NS, '-l', 'env=prod');
    assert.deepEqual(
      cells(prod.stdout).map((row) => row[0]),
      ['NAME', 'web-a', 'web-b'],
    );
    const none = await spokes('get', 'apps', '-n', NS, '--appset', 'broken');
    assert.equal(none.code, 0);
    assert.equal(none.stdout, '');
    assert.equal(none.stderr, `No Applications found in namespace ${NS}.\n`);
    const all = await spokes('get', 'apps', '-A', '--appset', 'web');
    assert.deepEqual(
      cells(all.stdout).map((row) => row[0]),
      ['NAME', `${NS}/web-a`, `${NS}/web-b`, `${NS}/web-c`],
    );
  });

  test('get app NAME: the detail view', async () => {
    const r = await spokes('get', 'app', 'web-a', '-n', NS);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `Name:               ${NS}/web-a
Project:            default
ApplicationSet:     web
Cluster:            spoke-a
Namespace:          web
Source:
- Repo:             https://git.example/fleet.git
  Target:           main
  Path:             apps/web
Sync Policy:        Manual
Sync Status:        Synced to main (3f2a9c1)
Health Status:      Healthy

Operation:          Sync
Sync Revision:      ${SHA}
Phase:              Succeeded
Start:              2025-03-01T11:59:00Z
Finished:           2025-03-01T11:59:04Z
Message:            successfully synced (all tasks run)

GROUP   KIND         NAMESPACE   NAME         STATUS   HEALTH
apps    Deployment   web         web          Synced   Healthy
        ConfigMap    web         web-config   Synced
`,
    );
  });

  test('json and yaml: the objects, managedFields removed', async () => {
    const list = await spokes('get', 'apps', '-n', NS, '-o', 'json');
    assert.equal(list.code, 0, list.stderr);
    const apps = JSON.parse(list.stdout) as KubeObject[];
    assert.deepEqual(
      apps.map((a) => [a.kind, a.metadata.name]),
      [
        ['Application', 'web-a'],
        ['Application', 'web-b'],
        ['Application', 'web-c'],
      ],
    );
    assert.ok(apps.every((a) => a.metadata['managedFields'] === undefined));

    const one = await spokes('get', 'app', 'web-b', '-n', NS, '-o', 'json');
    const app = JSON.parse(one.stdout) as KubeObject & { status: unknown };
    assert.equal(app.metadata.name, 'web-b');
    assert.deepEqual(app.status, statusB);
    assert.equal(app.metadata['managedFields'], undefined);

    const yaml = await spokes('get', 'appsets', '-n', NS, '-o', 'yaml');
    assert.match(yaml.stdout, /^apiVersion: v1\nkind: List\n/);
    assert.match(yaml.stdout, /\n {6}name: broken\n/);
    assert.doesNotMatch(yaml.stdout, /managedFields/);
  });

  test('a missing Application: exit 1', async () => {
    const r = await spokes('get', 'app', 'nope', '-n', NS);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `spokes get: error: Application ${NS}/nope not found\n`);
  });

  test('bad flags: exit 2', async () => {
    for (const args of [
      ['apps', '--bogus'],
      ['apps', '-o', 'table'],
      ['app', 'web-a', '-o', 'wide'],
    ]) {
      const r = await spokes('get', ...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /Run 'spokes get --help' for usage/);
    }
  });
});
