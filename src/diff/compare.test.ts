import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Application } from '../api/application.ts';
import {
  clusterOf,
  compareApps,
  diffValues,
  hasChanges,
  joinPath,
  type FieldChange,
  type SideApp,
} from './compare.ts';

const diffCases: [string, unknown, unknown, FieldChange[]][] = [
  ['equal values', { a: 1, b: [1, { c: 2 }] }, { a: 1, b: [1, { c: 2 }] }, []],
  [
    'a scalar changed',
    { a: 'main' },
    { a: 'v2' },
    [{ path: 'a', kind: 'changed', base: 'main', head: 'v2' }],
  ],
  ['a key added', { a: 1 }, { a: 1, b: 2 }, [{ path: 'b', kind: 'added', head: 2 }]],
  ['a key removed', { a: 1, b: { x: 1 } }, { a: 1 }, [{ path: 'b', kind: 'removed', base: { x: 1 } }]],
  [
    'nested maps, keys sorted',
    { spec: { source: { targetRevision: 'main', path: 'a' }, project: 'x' } },
    { spec: { source: { targetRevision: 'v2', path: 'b' }, project: 'y' } },
    [
      { path: 'spec.project', kind: 'changed', base: 'x', head: 'y' },
      { path: 'spec.source.path', kind: 'changed', base: 'a', head: 'b' },
      { path: 'spec.source.targetRevision', kind: 'changed', base: 'main', head: 'v2' },
    ],
  ],
  [
    'keys that are not identifiers are quoted',
    { metadata: { labels: { 'app.kubernetes.io/name': 'a' } } },
    { metadata: { labels: { 'app.kubernetes.io/name': 'b' } } },
    [{ path: 'metadata.labels["app.kubernetes.io/name"]', kind: 'changed', base: 'a', head: 'b' }],
  ],
  [
    'a type change is one change',
    { a: { b: 1 } },
    { a: 'text' },
    [{ path: 'a', kind: 'changed', base: { b: 1 }, head: 'text' }],
  ],
  [
    'scalar list: items added and removed',
    { syncOptions: ['CreateNamespace=true', 'PruneLast=true'] },
    { syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'] },
    [
      { path: 'syncOptions[]', kind: 'removed', base: 'PruneLast=true' },
      { path: 'syncOptions[]', kind: 'added', head: 'ServerSideApply=true' },
    ],
  ],
  [
    'scalar list: only the order changed',
    { valueFiles: ['a.yaml', 'b.yaml'] },
    { valueFiles: ['b.yaml', 'a.yaml'] },
    [{ path: 'valueFiles', kind: 'changed', base: ['a.yaml', 'b.yaml'], head: ['b.yaml', 'a.yaml'] }],
  ],
  [
    'scalar list: duplicates count',
    { l: ['a', 'a'] },
    { l: ['a'] },
    [{ path: 'l[]', kind: 'removed', base: 'a' }],
  ],
  [
    'list of named maps: matched by name, whatever the order',
    {
      parameters: [
        { name: 'replicas', value: '1' },
        { name: 'image', value: 'x' },
        { name: 'old', value: 'o' },
      ],
    },
    {
      parameters: [
        { name: 'image', value: 'x' },
        { name: 'replicas', value: '2' },
        { name: 'new', value: 'n' },
      ],
    },
    [
      { path: 'parameters[name="replicas"].value', kind: 'changed', base: '1', head: '2' },
      { path: 'parameters[name="old"]', kind: 'removed', base: { name: 'old', value: 'o' } },
      { path: 'parameters[name="new"]', kind: 'added', head: { name: 'new', value: 'n' } },
    ],
  ],
  [
    'list of maps without names: by index',
    { sources: [{ path: 'a' }, { path: 'b' }] },
    { sources: [{ path: 'a2' }, { path: 'b' }, { path: 'c' }] },
    [
      { path: 'sources[0].path', kind: 'changed', base: 'a', head: 'a2' },
      { path: 'sources[2]', kind: 'added', head: { path: 'c' } },
    ],
  ],
  [
    'list of maps with duplicate names: by index',
    {
      l: [
        { name: 'a', v: 1 },
        { name: 'a', v: 2 },
      ],
    },
    { l: [{ name: 'a', v: 1 }] },
    [{ path: 'l[1]', kind: 'removed', base: { name: 'a', v: 2 } }],
  ],
  ['an empty list filled', { l: [] }, { l: ['x'] }, [{ path: 'l[]', kind: 'added', head: 'x' }]],
];

describe('diffValues', () => {
  for (const [name, base, head, expected] of diffCases) {
    test(name, () => assert.deepEqual(diffValues(base, head), expected));
  }

  test('joinPath quotes what is not an identifier', () => {
    assert.equal(joinPath('', 'spec'), 'spec');
    assert.equal(joinPath('a', 'b-c'), 'a.b-c');
    assert.equal(joinPath('a', 'b.c'), 'a["b.c"]');
    assert.equal(joinPath('a', '1x'), 'a["1x"]');
  });
});

function app(name: string, spec: Record<string, unknown> = {}, namespace = 'argocd'): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace },
    spec: { project: 'default', destination: { name: 'in-cluster', namespace: 'x' }, ...spec },
  };
}

function side(...apps: Application[]): Map<string, SideApp> {
  return new Map(
    apps.map((a) => [
      `${a.metadata.namespace}/${a.metadata.name}`,
      { app: a, appSet: 'argocd/set', file: 'f.yaml' },
    ]),
  );
}

describe('compareApps', () => {
  test('added, removed, changed and unchanged, sorted by cluster, namespace, name', () => {
    const c = compareApps(
      side(app('same'), app('gone'), app('moved'), app('edited', { project: 'old' })),
      side(
        app('same'),
        app('edited', { project: 'new' }),
        app('moved', { destination: { server: 'https://b.example' } }),
        app('new-b', { destination: { name: 'b' } }),
        app('new-a', { destination: { name: 'a' } }),
        app('new-a', { destination: { name: 'a' } }, 'other'),
      ),
    );
    assert.deepEqual(
      c.added.map((e) => [e.cluster, e.namespace, e.name]),
      [
        ['a', 'argocd', 'new-a'],
        ['a', 'other', 'new-a'],
        ['b', 'argocd', 'new-b'],
      ],
    );
    assert.deepEqual(
      c.removed.map((e) => [e.cluster, e.name]),
      [['in-cluster', 'gone']],
    );
    assert.deepEqual(
      c.changed.map((e) => [e.cluster, e.name, e.baseCluster]),
      [
        ['https://b.example', 'moved', 'in-cluster'],
        ['in-cluster', 'edited', undefined],
      ],
    );
    assert.deepEqual(c.changed[1]!.changes, [
      { path: 'spec.project', kind: 'changed', base: 'old', head: 'new' },
    ]);
    assert.equal(c.unchanged, 1);
    assert.deepEqual(
      c.same.map((e) => e.name),
      ['same'],
    );
    assert.equal(hasChanges(c), true);
  });

  test('no changes', () => {
    const c = compareApps(side(app('a')), side(app('a')));
    assert.equal(hasChanges(c), false);
    assert.equal(c.unchanged, 1);
  });

  const clusters: [string, Record<string, unknown>, string][] = [
    ['name wins', { name: 'prod', server: 'https://x' }, 'prod'],
    ['server when no name', { server: 'https://x' }, 'https://x'],
    ['neither', {}, '(no destination)'],
  ];
  for (const [name, destination, expected] of clusters) {
    test(`clusterOf: ${name}`, () => assert.equal(clusterOf(app('a', { destination })), expected));
  }
});
