import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import {
  applyNamespace,
  formatTrackingId,
  instanceName,
  isTrackedBy,
  parseTrackingId,
  resourceKey,
  trackingOf,
  withTracking,
} from './tracking.ts';

const deploy: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } };
const role: KubeObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'reader' },
};
const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'own' } };
const TRACKING = 'argocd.argoproj.io/tracking-id';

describe('tracking id', () => {
  const rows: { name: string; obj: KubeObject; expected: string }[] = [
    {
      name: 'namespaced object without a namespace gets the destination',
      obj: deploy,
      expected: 'guestbook:apps/Deployment:team/web',
    },
    { name: 'its own namespace wins', obj: cm, expected: 'guestbook:/ConfigMap:own/cfg' },
    {
      name: 'cluster-scoped objects carry the destination namespace',
      obj: role,
      expected: 'guestbook:rbac.authorization.k8s.io/ClusterRole:team/reader',
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const tracked = withTracking(row.obj, 'guestbook', 'team');
      assert.equal(tracked.metadata.annotations?.[TRACKING], row.expected);
      assert.equal(row.obj.metadata.annotations, undefined, 'the input is not changed');
    });
  }

  test('the installation id annotation is dropped, others kept', () => {
    const obj = {
      ...cm,
      metadata: { ...cm.metadata, annotations: { 'argocd.argoproj.io/installation-id': 'x', keep: 'me' } },
    };
    assert.deepEqual(withTracking(obj, 'a', 'ns').metadata.annotations, {
      keep: 'me',
      [TRACKING]: 'a:/ConfigMap:own/cfg',
    });
  });

  test('instance names', () => {
    assert.equal(instanceName({ name: 'a', namespace: 'argocd' }, 'argocd'), 'a');
    assert.equal(instanceName({ name: 'a' }, 'argocd'), 'a');
    assert.equal(instanceName({ name: 'a', namespace: 'team' }, 'argocd'), 'team_a');
  });

  const parseRows: [string, ReturnType<typeof parseTrackingId>][] = [
    [
      'a:apps/Deployment:ns/web',
      { app: 'a', group: 'apps', kind: 'Deployment', namespace: 'ns', name: 'web' },
    ],
    ['a:/ConfigMap:ns/cfg', { app: 'a', group: '', kind: 'ConfigMap', namespace: 'ns', name: 'cfg' }],
    ['team_a:/Namespace:/team', { app: 'team_a', group: '', kind: 'Namespace', namespace: '', name: 'team' }],
    ['a:b:c:d', undefined],
    ['just-a-label', undefined],
    ['a:apps/Deployment:web', undefined],
  ];
  for (const [value, expected] of parseRows) {
    test(`parse ${value}`, () => {
      const parsed = parseTrackingId(value);
      assert.deepEqual(parsed, expected);
      if (parsed !== undefined) assert.equal(formatTrackingId(parsed), value);
    });
  }
});

describe('ownership', () => {
  const live = (obj: KubeObject, id: string, namespace?: string): KubeObject => ({
    ...obj,
    metadata: {
      ...obj.metadata,
      ...(namespace === undefined ? {} : { namespace }),
      annotations: { [TRACKING]: id },
    },
  });
  const rows: { name: string; obj: KubeObject; app: string; expected: boolean }[] = [
    {
      name: 'matching id',
      obj: live(deploy, 'a:apps/Deployment:team/web', 'team'),
      app: 'a',
      expected: true,
    },
    {
      name: 'another application',
      obj: live(deploy, 'b:apps/Deployment:team/web', 'team'),
      app: 'a',
      expected: false,
    },
    {
      name: 'annotation copied to another object',
      obj: live(deploy, 'a:apps/Deployment:team/api', 'team'),
      app: 'a',
      expected: false,
    },
    {
      name: 'copied to another namespace',
      obj: live(deploy, 'a:apps/Deployment:team/web', 'other'),
      app: 'a',
      expected: false,
    },
    {
      name: 'cluster-scoped with the destination namespace in its id',
      obj: live(role, 'a:rbac.authorization.k8s.io/ClusterRole:team/reader'),
      app: 'a',
      expected: true,
    },
    {
      name: 'group changed (API migration)',
      obj: live(deploy, 'a:extensions/Deployment:team/web', 'team'),
      app: 'a',
      expected: false,
    },
    { name: 'no annotation', obj: deploy, app: 'a', expected: false },
    { name: 'malformed annotation', obj: live(deploy, 'a', 'team'), app: 'a', expected: false },
  ];
  for (const row of rows) test(row.name, () => assert.equal(isTrackedBy(row.obj, row.app), row.expected));

  test('trackingOf reads the live annotation', () => {
    assert.equal(trackingOf(live(deploy, 'a:apps/Deployment:team/web'))?.name, 'web');
    assert.equal(trackingOf(deploy), undefined);
  });
});

describe('destination namespace', () => {
  test('namespaced objects default to the destination; cluster-scoped get none', () => {
    assert.equal(applyNamespace(deploy, 'team', true), 'team');
    assert.equal(applyNamespace(cm, 'team', true), 'own');
    assert.equal(
      applyNamespace({ ...role, metadata: { ...role.metadata, namespace: 'stray' } }, 'team', false),
      '',
    );
    assert.equal(resourceKey(deploy, 'team'), 'apps/Deployment/team/web');
    assert.equal(resourceKey(role, ''), 'rbac.authorization.k8s.io/ClusterRole//reader');
  });
});
