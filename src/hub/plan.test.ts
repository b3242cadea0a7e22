import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Application } from '../api/application.ts';
import {
  effectivePermissions,
  ownerReferenceFor,
  planReconcile,
  type LiveApplication,
  type PlanInput,
} from './plan.ts';

const appSet = { name: 'set', namespace: 'argocd', uid: 'uid-set' };

function desired(name: string, extra: Partial<Application['metadata']> = {}, path = name): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io'], ...extra },
    spec: {
      project: 'default',
      destination: { server: 'https://x' },
      source: { repoURL: 'https://r', path },
    },
  };
}

function live(
  app: Application,
  owner: string | null = appSet.uid,
  extra: Partial<LiveApplication['metadata']> = {},
): LiveApplication {
  const ownerReferences = owner === null ? undefined : [{ ...ownerReferenceFor(appSet), uid: owner }];
  return {
    ...app,
    metadata: {
      ...app.metadata,
      uid: `uid-${app.metadata.name}`,
      resourceVersion: '7',
      ...(ownerReferences ? { ownerReferences } : {}),
      ...extra,
    },
  };
}

const plan = (input: Partial<PlanInput>): string[] =>
  planReconcile({ appSet, desired: [], live: [], policy: { update: true, delete: true }, ...input }).map(
    (a) => (a.kind === 'conflict' ? `conflict ${a.name} (${a.owner})` : `${a.kind} ${a.app.metadata.name}`),
  );

describe('reconcile plan', () => {
  const rows: { name: string; input: Partial<PlanInput>; expected: string[] }[] = [
    { name: 'a new Application is created', input: { desired: [desired('a')] }, expected: ['create a'] },
    {
      name: 'an unchanged Application is left alone',
      input: { desired: [desired('a')], live: [live(desired('a'))] },
      expected: [],
    },
    {
      name: 'a changed spec is updated',
      input: { desired: [desired('a', {}, 'new')], live: [live(desired('a'))] },
      expected: ['update a'],
    },
    {
      name: 'an owned Application no longer generated is deleted',
      input: { desired: [], live: [live(desired('a'))] },
      expected: ['delete a'],
    },
    {
      name: 'one being deleted is neither deleted again nor updated',
      input: {
        desired: [desired('b', {}, 'new')],
        live: [
          live(desired('a'), appSet.uid, { deletionTimestamp: 'now' }),
          live(desired('b'), appSet.uid, { deletionTimestamp: 'now' }),
        ],
      },
      expected: [],
    },
    {
      name: 'a foreign Application with a generated name is a conflict, never touched',
      input: { desired: [desired('a', {}, 'new')], live: [live(desired('a'), null)] },
      expected: ['conflict a (nobody)'],
    },
    {
      name: "another ApplicationSet's Application is a conflict",
      input: { desired: [desired('a')], live: [live(desired('a'), 'uid-other')] },
      expected: ['conflict a (ApplicationSet set)'],
    },
    {
      name: 'create-only: no update, no delete',
      input: {
        desired: [desired('a', {}, 'new'), desired('c')],
        live: [live(desired('a')), live(desired('b'))],
        policy: effectivePermissions('create-only', undefined),
      },
      expected: ['create c'],
    },
    {
      name: 'create-update: no delete',
      input: {
        desired: [desired('a', {}, 'new')],
        live: [live(desired('a')), live(desired('b'))],
        policy: effectivePermissions('sync', 'create-update'),
      },
      expected: ['update a'],
    },
    {
      name: 'create-delete: no update',
      input: {
        desired: [desired('a', {}, 'new')],
        live: [live(desired('a')), live(desired('b'))],
        policy: effectivePermissions('create-delete', 'sync'),
      },
      expected: ['delete b'],
    },
    {
      name: 'a live-only annotation not preserved is removed',
      input: { desired: [desired('a')], live: [live(desired('a', { annotations: { stray: 'x' } }))] },
      expected: ['update a'],
    },
    {
      name: 'preserved and always-preserved annotations do not cause an update',
      input: {
        desired: [desired('a')],
        live: [
          live(
            desired('a', {
              annotations: { 'team/note': 'x', 'argocd.argoproj.io/refresh': 'hard' },
              labels: { pin: 'v1' },
            }),
          ),
        ],
        preservedAnnotations: ['team/note'],
        preservedLabels: ['pin'],
      },
      expected: [],
    },
    {
      name: 'ignoreApplicationDifferences keeps a live field',
      input: {
        desired: [desired('a', {}, 'generated')],
        live: [live(desired('a', {}, 'pinned-by-hand'))],
        ignoreDifferences: [{ jsonPointers: ['/spec/source/path'] }],
      },
      expected: [],
    },
    {
      name: 'ignoreApplicationDifferences for another name does not apply',
      input: {
        desired: [desired('a', {}, 'generated')],
        live: [live(desired('a', {}, 'pinned-by-hand'))],
        ignoreDifferences: [{ name: 'b', jqPathExpressions: ['.spec.source.path'] }],
      },
      expected: ['update a'],
    },
  ];
  for (const row of rows) test(row.name, () => assert.deepEqual(plan(row.input), row.expected));

  test('an update keeps live metadata and preserved fields and takes the spec', () => {
    const [action] = planReconcile({
      appSet,
      desired: [desired('a', { labels: { env: 'prod' } }, 'new')],
      live: [
        live(
          desired('a', {
            annotations: { keep: 'k', drop: 'd' },
            finalizers: ['post-delete-finalizer.argocd.argoproj.io/cleanup'],
          }),
        ),
      ],
      policy: { update: true, delete: true },
      preservedAnnotations: ['keep'],
    });
    assert.equal(action?.kind, 'update');
    const app = (action as { app: LiveApplication }).app;
    assert.equal(app.metadata.resourceVersion, '7');
    assert.deepEqual(app.metadata.annotations, { keep: 'k' });
    assert.deepEqual(app.metadata.labels, { env: 'prod' });
    assert.deepEqual(app.metadata.finalizers, [
      'resources-finalizer.argocd.argoproj.io',
      'post-delete-finalizer.argocd.argoproj.io/cleanup',
    ]);
    assert.equal((app.spec.source as { path: string }).path, 'new');
  });

  test('a created Application carries a controller ownerReference', () => {
    const [action] = planReconcile({
      appSet,
      desired: [desired('a')],
      live: [],
      policy: { update: true, delete: true },
    });
    assert.deepEqual(
      (action as { app: Application & { metadata: { ownerReferences: unknown } } }).app.metadata
        .ownerReferences,
      [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'ApplicationSet',
          name: 'set',
          uid: 'uid-set',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    );
  });
});
