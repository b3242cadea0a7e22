import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redacted } from '../redact.ts';
import type { Cluster } from '../clusters/types.ts';
import { clusterViews } from './store.ts';

describe('clusters as the browser sees them', () => {
  test('name, server, labels, project and namespaces; never config or annotations', () => {
    const cluster: Cluster = {
      secretName: 'cluster-a',
      secretNamespace: 'argocd',
      labels: { env: 'prod' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"config":"c2VjcmV0"}}' },
      name: 'a',
      server: 'https://a',
      project: 'p',
      namespaces: ['x'],
      clusterResources: false,
      config: new Redacted({ bearerToken: 'very-secret' }),
    };
    const views = clusterViews([cluster]);
    assert.deepEqual(views, [
      {
        name: 'a',
        server: 'https://a',
        labels: { env: 'prod' },
        secretName: 'cluster-a',
        project: 'p',
        namespaces: ['x'],
      },
    ]);
    const text = JSON.stringify(views);
    assert.ok(!text.includes('very-secret') && !text.includes('c2VjcmV0') && !text.includes('last-applied'));
  });
});
