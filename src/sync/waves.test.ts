import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { groupWaves, orderTasks, tasksFor, waveOf, type SyncTask } from './waves.ts';

function obj(
  kind: string,
  name: string,
  annotations: Record<string, string> = {},
  extra: Partial<KubeObject> = {},
): KubeObject {
  const apiVersion =
    kind === 'Deployment'
      ? 'apps/v1'
      : kind === 'Job'
        ? 'batch/v1'
        : kind === 'CustomResourceDefinition'
          ? 'apiextensions.k8s.io/v1'
          : kind === 'Widget'
            ? 'example.com/v1'
            : 'v1';
  return { apiVersion, kind, metadata: { name, annotations }, ...extra };
}
const inNs = (o: KubeObject, namespace: string): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, namespace },
});
const label = (t: SyncTask): string => `${t.phase}:${t.wave}:${t.obj.kind}/${t.obj.metadata.name}`;
const order = (objects: KubeObject[]): string[] => orderTasks(objects.flatMap((o) => tasksFor(o))).map(label);

describe('waves', () => {
  const rows: [string, Record<string, string>, number][] = [
    ['no annotation', {}, 0],
    ['sync-wave', { 'argocd.argoproj.io/sync-wave': '-2' }, -2],
    ['helm hook weight', { 'helm.sh/hook-weight': '5' }, 5],
    [
      'sync-wave wins over hook weight',
      { 'argocd.argoproj.io/sync-wave': '1', 'helm.sh/hook-weight': '5' },
      1,
    ],
    ['not a number falls back', { 'argocd.argoproj.io/sync-wave': 'soon', 'helm.sh/hook-weight': '3' }, 3],
  ];
  for (const [name, annotations, expected] of rows)
    test(name, () => assert.equal(waveOf(obj('ConfigMap', 'c', annotations)), expected));
});

describe('task order', () => {
  test('phase, then wave, then kind, then name', () => {
    assert.deepEqual(
      order([
        obj('Deployment', 'web'),
        obj('Job', 'migrate', { 'argocd.argoproj.io/hook': 'PreSync' }),
        obj('ConfigMap', 'b'),
        obj('ConfigMap', 'a'),
        obj('Widget', 'w'),
        obj('Service', 'late', { 'argocd.argoproj.io/sync-wave': '2' }),
        obj('Namespace', 'team'),
        obj('Job', 'smoke', { 'argocd.argoproj.io/hook': 'PostSync' }),
        obj('Secret', 'early', { 'argocd.argoproj.io/sync-wave': '-1' }),
      ]),
      [
        'PreSync:0:Job/migrate',
        'Sync:-1:Secret/early',
        'Sync:0:Namespace/team',
        'Sync:0:ConfigMap/a',
        'Sync:0:ConfigMap/b',
        'Sync:0:Deployment/web',
        'Sync:0:Widget/w',
        'Sync:2:Service/late',
        'PostSync:0:Job/smoke',
      ],
    );
  });

  test('a hook in several phases runs in each; Skip-only objects run in none', () => {
    assert.deepEqual(
      order([
        obj('Pod', 'p', { 'argocd.argoproj.io/hook': 'PreSync,PostSync' }),
        obj('ConfigMap', 's', { 'argocd.argoproj.io/hook': 'Skip' }),
      ]),
      ['PreSync:0:Pod/p', 'PostSync:0:Pod/p'],
    );
  });

  test('a Namespace in a later wave moves before the first object in it, taking its wave', () => {
    assert.deepEqual(
      order([
        inNs(obj('ConfigMap', 'cfg'), 'team'),
        obj('Namespace', 'team', { 'argocd.argoproj.io/sync-wave': '3' }),
      ]),
      ['Sync:0:Namespace/team', 'Sync:0:ConfigMap/cfg'],
    );
  });

  test('a CRD moves before the first custom resource of its kind', () => {
    const crd = obj(
      'CustomResourceDefinition',
      'widgets.example.com',
      { 'argocd.argoproj.io/sync-wave': '5' },
      { spec: { group: 'example.com', names: { kind: 'Widget' } } },
    );
    assert.deepEqual(order([obj('Widget', 'w', { 'argocd.argoproj.io/sync-wave': '-1' }), crd]), [
      'Sync:-1:CustomResourceDefinition/widgets.example.com',
      'Sync:-1:Widget/w',
    ]);
  });

  test('groups are consecutive (phase, wave) runs', () => {
    const groups = groupWaves(
      orderTasks(
        [
          obj('ConfigMap', 'a'),
          obj('ConfigMap', 'b', { 'argocd.argoproj.io/sync-wave': '1' }),
          obj('Service', 'c'),
        ].flatMap((o) => tasksFor(o)),
      ),
    );
    assert.deepEqual(
      groups.map((g) => [g.phase, g.wave, g.tasks.map((t) => t.obj.metadata.name)]),
      [
        ['Sync', 0, ['a', 'c']],
        ['Sync', 1, ['b']],
      ],
    );
  });
});
