import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { main } from './main.ts';
import { parseGetArgs, serialize, sortObjects } from './get.ts';
import {
  appRow,
  appSetRow,
  appSetStatus,
  describeApp,
  generatorTypes,
  syncSummary,
  syncStatusText,
  type AppObject,
  type AppSetObject,
} from './get-views.ts';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const SHA = '0123456789abcdef0123456789abcdef01234567';

function appSet(name: string, extra: Partial<AppSetObject> = {}): AppSetObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace: 'argocd', uid: `uid-${name}`, creationTimestamp: '2025-03-01T11:48:00Z' },
    spec: { generators: [{ list: { elements: [] } }] },
    ...extra,
  };
}

function app(name: string, owner: string | undefined, status?: AppObject['status']): AppObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: 'argocd',
      creationTimestamp: '2025-02-24T12:00:00Z',
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'argoproj.io/v1alpha1',
                kind: 'ApplicationSet',
                name: owner,
                uid: `uid-${owner}`,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example/apps.git', path: `apps/${name}`, targetRevision: 'main' },
      destination: { name: 'spoke-a', namespace: 'web' },
    },
    ...(status ? { status } : {}),
  };
}

const conditions = (...c: [string, string, string?][]) => ({
  status: { conditions: c.map(([type, status, message]) => ({ type, status, message: message ?? '' })) },
});

describe('appSetStatus', () => {
  const rows: [string, AppSetObject, string][] = [
    ['not reconciled yet', appSet('s'), 'Unknown'],
    [
      'up to date',
      appSet(
        's',
        conditions(
          ['ErrorOccurred', 'False'],
          ['ParametersGenerated', 'True'],
          ['ResourcesUpToDate', 'True'],
        ),
      ),
      'ResourcesUpToDate',
    ],
    [
      'an error, shortened',
      appSet(
        's',
        conditions(
          ['ErrorOccurred', 'True', `failed to get params for generator: ${'x'.repeat(80)}`],
          ['ResourcesUpToDate', 'False'],
        ),
      ),
      `Error: failed to get params for generator: ${'x'.repeat(16)}…`,
    ],
    [
      'only parameters generated',
      appSet('s', conditions(['ParametersGenerated', 'True'])),
      'ParametersGenerated',
    ],
    ['nothing True', appSet('s', conditions(['ResourcesUpToDate', 'False'])), 'Unknown'],
  ];
  for (const [name, set, want] of rows) test(name, () => assert.equal(appSetStatus(set), want));
});

describe('syncSummary', () => {
  const synced = { sync: { status: 'Synced' } };
  const outOfSync = { sync: { status: 'OutOfSync' } };
  const rows: [string, AppObject[], string][] = [
    ['none', [], '<none>'],
    ['all synced', [app('a', 's', synced), app('b', 's', synced)], '2 Synced'],
    [
      'Synced, OutOfSync, Unknown, then others',
      [
        app('a', 's', { sync: { status: 'Weird' } }),
        app('b', 's'),
        app('c', 's', outOfSync),
        app('d', 's', synced),
        app('e', 's', synced),
        app('f', 's', synced),
      ],
      '3 Synced, 1 OutOfSync, 1 Unknown, 1 Weird',
    ],
  ];
  for (const [name, apps, want] of rows) test(name, () => assert.equal(syncSummary(apps), want));
});

describe('generatorTypes', () => {
  const rows: [string, unknown[] | undefined, string][] = [
    ['none', undefined, '<none>'],
    ['list', [{ list: { elements: [] } }], 'list'],
    ['selector is not a type', [{ clusters: {}, selector: { matchLabels: {} } }], 'clusters'],
    [
      'matrix and merge show their children',
      [
        { matrix: { generators: [{ clusters: {} }, { git: {} }] } },
        {
          merge: { mergeKeys: ['a'], generators: [{ list: {} }, { matrix: { generators: [{ list: {} }] } }] },
        },
      ],
      'matrix(clusters,git),merge(list,matrix(list))',
    ],
    ['an empty entry', [{}], '?'],
  ];
  for (const [name, generators, want] of rows)
    test(name, () => assert.equal(generatorTypes(generators), want));
});

describe('rows', () => {
  const apps = [
    app('web-a', 'web', { sync: { status: 'Synced', revision: SHA }, health: { status: 'Healthy' } }),
    app('web-b', 'web', { sync: { status: 'OutOfSync' }, health: { status: 'Missing' } }),
    app('other', 'other'),
    app('loose', undefined),
  ];
  const web = appSet('web', conditions(['ResourcesUpToDate', 'True']));

  test('an ApplicationSet counts the Applications it owns by uid', () => {
    assert.deepEqual(appSetRow(web, apps, { wide: false, allNamespaces: false, now: NOW }), [
      'web',
      '2',
      'ResourcesUpToDate',
      '12m',
    ]);
  });

  test('an ApplicationSet, wide and across namespaces', () => {
    assert.deepEqual(appSetRow(web, apps, { wide: true, allNamespaces: true, now: NOW }), [
      'web',
      'argocd',
      '2',
      'ResourcesUpToDate',
      '12m',
      'list',
      '1 Synced, 1 OutOfSync',
    ]);
  });

  test('an Application owned by another uid is not counted', () => {
    const impostor = { ...web, metadata: { ...web.metadata, uid: 'uid-new' } };
    assert.equal(appSetRow(impostor, apps, { wide: false, allNamespaces: false, now: NOW })[1], '0');
  });

  const rows: [string, AppObject, boolean, string[]][] = [
    ['synced', apps[0]!, false, ['web-a', 'web', 'spoke-a', 'web', 'Synced', 'Healthy', '5d']],
    [
      'wide: repo, path, short revision, last operation',
      {
        ...apps[0]!,
        status: { ...apps[0]!.status, operationState: { phase: 'Succeeded' } },
      },
      true,
      [
        'web-a',
        'web',
        'spoke-a',
        'web',
        'Synced',
        'Healthy',
        '5d',
        'https://git.example/apps.git',
        'apps/web-a',
        '0123456',
        'Succeeded',
      ],
    ],
    [
      'no status, no owner, a server destination',
      { ...apps[3]!, spec: { ...apps[3]!.spec, destination: { server: 'https://10.0.0.1:6443' } } },
      true,
      [
        'loose',
        '<none>',
        'https://10.0.0.1:6443',
        '<none>',
        'Unknown',
        'Unknown',
        '5d',
        'https://git.example/apps.git',
        'apps/loose',
        '<none>',
        '<none>',
      ],
    ],
    [
      'multiple sources: the first, with how many more',
      {
        ...apps[1]!,
        spec: {
          ...apps[1]!.spec,
          source: undefined,
          sources: [
            { repoURL: 'https://charts.example', chart: 'redis', targetRevision: '1.2.3' },
            { repoURL: 'x', ref: 'v' },
          ],
        },
        status: { sync: { status: 'Synced', revisions: ['1.2.3', SHA] } },
      },
      true,
      [
        'web-b',
        'web',
        'spoke-a',
        'web',
        'Synced',
        'Unknown',
        '5d',
        'https://charts.example (+1)',
        'redis',
        '1.2.3',
        '<none>',
      ],
    ],
  ];
  for (const [name, a, wide, want] of rows) {
    test(`an Application: ${name}`, () =>
      assert.deepEqual(appRow(a, { wide, allNamespaces: false, now: NOW }), want));
  }

  test('an Application across namespaces is named NS/NAME', () => {
    assert.equal(appRow(apps[0]!, { wide: false, allNamespaces: true, now: NOW })[0], 'argocd/web-a');
  });

  test('sorted by namespace, then name', () => {
    const mixed = [
      { ...apps[1]!, metadata: { ...apps[1]!.metadata, namespace: 'b' } },
      apps[2]!,
      apps[0]!,
      { ...apps[3]!, metadata: { ...apps[3]!.metadata, namespace: 'a' } },
    ];
    assert.deepEqual(
      sortObjects(mixed).map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
      ['a/loose', 'argocd/other', 'argocd/web-a', 'b/web-b'],
    );
  });
});

describe('syncStatusText', () => {
  const rows: [string, AppObject['status'], string][] = [
    [
      'synced to the target, with the commit',
      { sync: { status: 'Synced', revision: SHA } },
      'Synced to main (0123456)',
    ],
    ['out of sync', { sync: { status: 'OutOfSync' } }, 'OutOfSync from main'],
    ['unknown', undefined, 'Unknown'],
  ];
  for (const [name, status, want] of rows)
    test(name, () => assert.equal(syncStatusText(app('a', undefined, status)), want));
});

describe('describeApp', () => {
  test('every part of an Application', () => {
    const a = app('web-a', 'web', {
      sync: { status: 'Synced', revision: SHA },
      health: { status: 'Degraded', message: 'Deployment web has 0/1 ready' },
      operationState: {
        operation: { sync: { revision: SHA } },
        phase: 'Failed',
        message: 'one or more objects failed to apply',
        syncResult: { revision: SHA },
        startedAt: '2025-03-01T11:59:00Z',
        finishedAt: '2025-03-01T11:59:05Z',
      },
      conditions: [
        {
          type: 'SyncError',
          message: 'one or more objects failed',
          lastTransitionTime: '2025-03-01T11:59:05Z',
        },
      ],
      resources: [
        {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          namespace: 'web',
          name: 'web',
          status: 'Synced',
          health: { status: 'Degraded' },
        },
        {
          group: '',
          version: 'v1',
          kind: 'ConfigMap',
          namespace: 'web',
          name: 'web-config',
          status: 'OutOfSync',
        },
      ] as never,
    });
    a.spec!.syncPolicy = { automated: { prune: true } };
    assert.equal(
      describeApp(a),
      `Name:               argocd/web-a
Project:            default
ApplicationSet:     web
Cluster:            spoke-a
Namespace:          web
Source:
- Repo:             https://git.example/apps.git
  Target:           main
  Path:             apps/web-a
Sync Policy:        Automated (Prune)
Sync Status:        Synced to main (0123456)
Health Status:      Degraded (Deployment web has 0/1 ready)

Operation:          Sync
Sync Revision:      ${SHA}
Phase:              Failed
Start:              2025-03-01T11:59:00Z
Finished:           2025-03-01T11:59:05Z
Message:            one or more objects failed to apply

CONDITION   MESSAGE                      LAST TRANSITION
SyncError   one or more objects failed   2025-03-01T11:59:05Z

GROUP   KIND         NAMESPACE   NAME         STATUS      HEALTH
apps    Deployment   web         web          Synced      Degraded
        ConfigMap    web         web-config   OutOfSync
`,
    );
  });

  test('a bare Application: no operation, conditions or resources', () => {
    const a = app('loose', undefined);
    a.spec!.destination = { server: 'https://kubernetes.default.svc' };
    assert.equal(
      describeApp(a),
      `Name:               argocd/loose
Project:            default
ApplicationSet:     <none>
Server:             https://kubernetes.default.svc
Namespace:          <none>
Source:
- Repo:             https://git.example/apps.git
  Target:           main
  Path:             apps/loose
Sync Policy:        Manual
Sync Status:        Unknown
Health Status:      Unknown
`,
    );
  });
});

describe('serialize', () => {
  const withManaged = {
    ...app('a', undefined),
    metadata: { name: 'a', namespace: 'argocd', managedFields: [{ manager: 'x' }] },
  } as AppObject;

  test('json: an object, managedFields removed', () => {
    assert.deepEqual((JSON.parse(serialize(withManaged, 'json')) as AppObject).metadata, {
      name: 'a',
      namespace: 'argocd',
    });
  });
  test('json: a list is an array', () => {
    const parsed = JSON.parse(serialize([withManaged], 'json')) as AppObject[];
    assert.equal(parsed.length, 1);
    assert.equal(parsed[0]!.metadata['managedFields'], undefined);
  });
  test('yaml: a list is a v1 List', () => {
    const text = serialize([withManaged], 'yaml');
    assert.match(
      text,
      /^apiVersion: v1\nkind: List\nmetadata:\n {2}resourceVersion: ""\nitems:\n {2}- apiVersion: argoproj.io\/v1alpha1\n/,
    );
    assert.doesNotMatch(text, /managedFields/);
  });
});

describe('parseGetArgs', () => {
  test('defaults', () => {
    assert.deepEqual(parseGetArgs(['apps']), { kind: 'apps', namespace: 'argocd', output: 'table' });
  });
  test('everything', () => {
    assert.deepEqual(
      parseGetArgs([
        'applications',
        '-A',
        '-l',
        'env=prod',
        '--appset',
        'web',
        '-o',
        'wide',
        '--kubeconfig',
        'k',
        '--context',
        'c',
      ]),
      {
        kind: 'apps',
        namespace: undefined,
        selector: 'env=prod',
        appSet: 'web',
        output: 'wide',
        kubeconfig: 'k',
        context: 'c',
      },
    );
  });
  test('app NAME', () => {
    assert.deepEqual(parseGetArgs(['app', 'web-a', '-n', 'team', '-o', 'json']), {
      kind: 'apps',
      name: 'web-a',
      namespace: 'team',
      output: 'json',
    });
  });
  test('help', () => assert.equal(parseGetArgs(['appsets', '--help']), 'help'));
});

async function spokes(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('spokes get: command-line errors exit 2', () => {
  const rows: [string, string[], RegExp][] = [
    ['no kind', [], /name what to get/],
    ['an unknown kind', ['pods'], /unknown kind "pods"/],
    ['two names', ['app', 'a', 'b'], /one NAME at most/],
    ['a bad output', ['apps', '-o', 'table'], /--output must be wide, yaml or json/],
    ['-n with -A', ['apps', '-n', 'x', '-A'], /-n and -A exclude each other/],
    ['--appset on appsets', ['appsets', '--appset', 'x'], /--appset applies to apps only/],
    ['-o wide on one app', ['app', 'a', '-o', 'wide'], /-o wide is for lists/],
    ['-A with a name', ['app', 'a', '-A'], /-A lists/],
    ['-l with a name', ['app', 'a', '-l', 'x=y'], /-l selects from a list/],
    ['an unknown flag', ['apps', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [name, args, message] of rows) {
    test(name, async () => {
      const r = await spokes('get', ...args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Run 'spokes get --help' for usage/);
      assert.equal(r.stdout, '');
    });
  }
});

describe('spokes get: the hub cannot be used', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spokes-get-'));
  const kubeconfig = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const TOKEN = 'sekrit-token-do-not-print';
  const unreachable = kubeconfig(
    'unreachable.yaml',
    `apiVersion: v1
kind: Config
clusters: [{name: hub, cluster: {server: 'https://127.0.0.1:9', insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: ${TOKEN}}}]
contexts: [{name: hub, context: {cluster: hub, user: admin}}]
current-context: hub
`,
  );

  test('an unreachable hub: exit 1, the server named, no token', async () => {
    const r = await spokes('get', 'apps', '--kubeconfig', unreachable);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^spokes get: error: cannot reach https:\/\/127\.0\.0\.1:9: /);
    assert.doesNotMatch(r.stderr, new RegExp(TOKEN));
    assert.equal(r.stdout, '');
  });

  test('a missing kubeconfig', async () => {
    const r = await spokes('get', 'appsets', '--kubeconfig', join(dir, 'nope.yaml'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read kubeconfig: ENOENT/);
  });

  test('an unknown context', async () => {
    const r = await spokes('get', 'appsets', '--kubeconfig', unreachable, '--context', 'elsewhere');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no context "elsewhere" with a cluster/);
  });

  test('a broken kubeconfig is not quoted', async () => {
    const broken = kubeconfig('broken.yaml', `users: [{name: admin, user: {token: ${TOKEN}}]\n: : :\n`);
    const r = await spokes('get', 'apps', '--kubeconfig', broken);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not a valid kubeconfig/);
    assert.doesNotMatch(r.stderr, new RegExp(TOKEN));
  });
});
