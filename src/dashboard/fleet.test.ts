import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { ClusterIndex, fromWire, groupName, summarize, toWire, type ClusterView } from './fleet.ts';

const clusters: ClusterView[] = [
  {
    name: 'prod-eu',
    server: 'https://prod.example:6443',
    labels: { env: 'prod' },
    secretName: 'cluster-prod-eu',
  },
  {
    name: 'staging-us',
    server: 'https://staging.example:6443/',
    labels: {},
    secretName: 'cluster-staging-us',
  },
];

function app(
  name: string,
  destination: Record<string, string>,
  status: unknown = undefined,
  extra = {},
): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: 'argocd',
      ownerReferences: [
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', name: 'apps', uid: 'u1' },
      ],
    },
    spec: { project: 'default', destination },
    ...(status === undefined ? {} : { status }),
    ...extra,
  };
}

describe('fleet summaries', () => {
  const index = new ClusterIndex(clusters);

  const columns: [string, Record<string, string>, string][] = [
    ['by name', { name: 'prod-eu' }, 'prod-eu'],
    ['by server, trailing slash ignored', { server: 'https://staging.example:6443' }, 'staging-us'],
    ['in-cluster by server, implicit', { server: 'https://kubernetes.default.svc' }, 'in-cluster'],
    ['in-cluster by name, implicit', { name: 'in-cluster' }, 'in-cluster'],
    ['an unregistered server stays as written', { server: 'https://gone.example' }, 'https://gone.example'],
    ['an unregistered name stays as written', { name: 'nowhere' }, 'nowhere'],
  ];
  for (const [name, dest, column] of columns) {
    test(`column ${name}`, () => assert.equal(index.columnOf(dest), column));
  }

  test('an Application becomes one compact row: appset, group, statuses, short revision', () => {
    const s = summarize(
      app(
        'guestbook-prod-eu',
        { name: 'prod-eu' },
        {
          sync: { status: 'OutOfSync', revision: 'a584ee21a135eccf745fdb8a6a700b23f0ca4702' },
          health: { status: 'Degraded' },
          operationState: { phase: 'Failed' },
        },
      ),
      index,
    );
    assert.deepEqual(s, {
      namespace: 'argocd',
      name: 'guestbook-prod-eu',
      appSet: 'apps',
      project: 'default',
      cluster: 'prod-eu',
      group: 'guestbook-*',
      sync: 'OutOfSync',
      health: 'Degraded',
      revision: 'a584ee2',
      operation: 'Failed',
    });
    assert.deepEqual(fromWire(toWire(s)), s);
  });

  test('no status yet is Unknown; a pending operation is Running', () => {
    const s = summarize(app('x', { name: 'prod-eu' }, undefined, { operation: { sync: {} } }), index);
    assert.equal(s.sync, 'Unknown');
    assert.equal(s.health, 'Unknown');
    assert.equal(s.operation, 'Running');
  });

  const groups: [string, string, string][] = [
    ['guestbook-prod-eu', 'prod-eu', 'guestbook-*'],
    ['prod-eu-monitoring', 'prod-eu', '*-monitoring'],
    ['standalone', 'prod-eu', 'standalone'],
    ['x', '', 'x'],
  ];
  for (const [name, cluster, group] of groups) {
    test(`group of ${name} on ${cluster || '(none)'}`, () => assert.equal(groupName(name, cluster), group));
  }
});
