/**
 * Cluster Secrets from the hub's cache as the generators read them: sorted by name, other Secret
 * types left out, a malformed cluster Secret failing the whole list (so nothing is deleted for
 * it), and each Secret version parsed once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { informerClusterSource } from './sources.ts';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

function secret(name: string, type: string, data: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: 'argocd',
      resourceVersion: '1',
      labels: { 'argocd.argoproj.io/secret-type': type },
    },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

const prod = secret('prod', 'cluster', { name: 'prod', server: 'https://prod.example' });
const dev = secret('dev', 'cluster', { name: 'dev', server: 'https://dev.example' });
const repo = secret('repo', 'repository', { url: 'https://git.example/r.git' });

test('cluster Secrets sorted by name; other Secret types left out', async () => {
  const clusters = await informerClusterSource({ list: () => [prod, repo, dev] }).list();
  assert.deepEqual(
    clusters.map((c) => [c.name, c.server]),
    [
      ['dev', 'https://dev.example'],
      ['prod', 'https://prod.example'],
    ],
  );
});

test('a malformed cluster Secret fails the list, naming it and the field, until it is fixed', async () => {
  const broken = secret('broken', 'cluster', {
    name: 'broken',
    server: 'https://b.example',
    config: '{not json',
  });
  let held = [prod, broken];
  const source = informerClusterSource({ list: () => held });
  for (let attempt = 0; attempt < 2; attempt++)
    await assert.rejects(
      source.list(),
      (err: Error) => /broken/.test(err.message) && /config/.test(err.message),
    );
  held = [prod, secret('broken', 'cluster', { name: 'broken', server: 'https://b.example', config: '{}' })];
  assert.deepEqual(
    (await source.list()).map((c) => c.name),
    ['broken', 'prod'],
  );
});

test('each Secret version is parsed once: an unchanged object gives the same cluster', async () => {
  let held = [prod];
  const source = informerClusterSource({ list: () => held });
  const [first] = await source.list();
  const [second] = await source.list();
  assert.equal(first, second);
  held = [{ ...prod, metadata: { ...prod.metadata, resourceVersion: '2' } }];
  const [changed] = await source.list();
  assert.notEqual(changed, first, 'a new version (a new object in the cache) is parsed again');
  assert.equal(changed?.server, 'https://prod.example');
});
