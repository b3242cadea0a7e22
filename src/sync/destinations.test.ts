import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cluster } from '../clusters/types.ts';
import { SpokesError } from '../errors.ts';
import { KubeClient } from '../kube/client.ts';
import { Redacted } from '../redact.ts';
import type { KubeObject } from '../kube/types.ts';
import { Destinations, unmanagedInScope } from './destinations.ts';

const hub = KubeClient.fromClusterConfig('https://hub.example:6443', { bearerToken: 'hub' });

function cluster(name: string, server: string, token = 't0'): Cluster {
  return {
    secretName: `cluster-${name}`,
    secretNamespace: 'argocd',
    labels: {},
    annotations: {},
    name,
    server,
    project: undefined,
    namespaces: [],
    clusterResources: false,
    config: new Redacted({ bearerToken: token }),
  };
}

test('destination.server and destination.name find the cluster Secret; one client per cluster', () => {
  const d = new Destinations(hub);
  const clusters = [cluster('a', 'https://a.example:6443/')];
  const byServer = d.resolve({ server: 'https://a.example:6443' }, clusters);
  const byName = d.resolve({ name: 'a' }, clusters);
  assert.equal(byServer.name, 'a');
  assert.equal(byServer.client, byName.client);
  assert.equal(byServer.client.server, 'https://a.example:6443');
});

test('a changed Secret gets a new client', () => {
  const d = new Destinations(hub);
  const first = d.resolve({ name: 'a' }, [cluster('a', 'https://a.example', 't1')]).client;
  const second = d.resolve({ name: 'a' }, [cluster('a', 'https://a.example', 't2')]).client;
  assert.notEqual(first, second);
});

test('in-cluster is the hub, by server or name, unless a Secret with credentials says otherwise', () => {
  const d = new Destinations(hub);
  assert.equal(d.resolve({ server: 'https://kubernetes.default.svc' }, []).client, hub);
  assert.equal(d.resolve({ name: 'in-cluster' }, []).client, hub);
  const renamed = new Redacted({});
  const inCluster = { ...cluster('local', 'https://kubernetes.default.svc'), config: renamed };
  assert.equal(d.resolve({ name: 'local' }, [inCluster]).client, hub);
});

test('unknown, missing or doubled destinations are clear errors that never show credentials', () => {
  const d = new Destinations(hub);
  const cases: [Record<string, string>, RegExp][] = [
    [{ name: 'nope' }, /no cluster Secret registers name "nope"/],
    [{ server: 'https://x' }, /no cluster Secret registers server "https:\/\/x"/],
    [{}, /a server or a name is required/],
    [{ server: 'https://a', name: 'a' }, /either server or name, not both/],
  ];
  for (const [dest, message] of cases) {
    assert.throws(
      () => d.resolve(dest, [cluster('a', 'https://a', 'secret-token')]),
      (err: unknown) =>
        err instanceof SpokesError && message.test(err.message) && !err.message.includes('secret-token'),
    );
  }
});

test('namespaced mode: a cluster Secret listing namespaces scopes what is watched and managed', () => {
  const d = new Destinations(hub);
  const scoped = { ...cluster('a', 'https://a.example'), namespaces: ['team-a', 'team-b'] };
  assert.deepEqual(d.resolve({ name: 'a' }, [scoped]).scope, {
    namespaces: ['team-a', 'team-b'],
    clusterResources: false,
  });
  assert.equal(d.resolve({ name: 'a' }, [cluster('a', 'https://a.example')]).scope, undefined);

  const cm = (namespace?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', ...(namespace === undefined ? {} : { namespace }) },
  });
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };
  const scope = { namespaces: ['team-a', 'team-b'], clusterResources: false };
  const cases: [string, Parameters<typeof unmanagedInScope>[0], KubeObject[], string | undefined][] = [
    ['not in namespaced mode', undefined, [ns, cm('elsewhere')], undefined],
    ['listed namespaces', scope, [cm('team-a'), cm('team-b')], undefined],
    [
      'a namespace not listed',
      scope,
      [cm('team-a'), cm('elsewhere')],
      'namespace "elsewhere" for ConfigMap "cm" is not managed',
    ],
    [
      'a cluster-scoped object',
      scope,
      [ns],
      'cluster level Namespace "team-a" can not be managed when in namespaced mode',
    ],
    ['a cluster-scoped object with clusterResources', { ...scope, clusterResources: true }, [ns], undefined],
  ];
  for (const [name, given, objects, expected] of cases)
    assert.equal(unmanagedInScope(given, objects), expected, name);
});
