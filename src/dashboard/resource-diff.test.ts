import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Application } from '../api/application.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject, ResourceType } from '../kube/types.ts';
import type { Renderer } from '../render/index.ts';
import { resourceDiff } from './resource-diff.ts';

const DEPLOYMENTS: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
};

const deployment = (replicas: number, image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { replicas, template: { spec: { containers: [{ name: 'web', image }] } } },
});

/** A spoke whose dry run stores the desired object as given, holding `live`. */
function spokeWith(live: KubeObject): KubeClient {
  return {
    resourceFor: () => Promise.resolve(DEPLOYMENTS),
    get: () => Promise.resolve(live),
    patch: (_type: ResourceType, _ref: unknown, body: KubeObject) => Promise.resolve(body),
  } as unknown as KubeClient;
}

const rendering = (obj: KubeObject): Renderer => ({
  render: () => Promise.resolve({ revision: 'abc123', type: 'Directory', objects: [obj] }),
  resolveRevision: () => Promise.resolve('abc123'),
});

const app = (ignoreDifferences?: unknown[]): Application =>
  ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'web', namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example/shop.git', path: 'web', targetRevision: 'HEAD' },
      destination: { server: 'https://spoke', namespace: 'shop' },
      ...(ignoreDifferences ? { ignoreDifferences } : {}),
    },
  }) as Application;

const resource = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web' };

test('the diff leaves out the fields the Application ignores, as the sync does', async (t) => {
  const live = deployment(5, 'web:1'); // an autoscaler owns replicas; the image drifted
  const desired = deployment(2, 'web:2');
  const cases = [
    { name: 'no rules: both differences show', rules: undefined, shows: ['replicas', 'web:2'] },
    {
      name: 'replicas ignored: only the image shows',
      rules: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
      shows: ['web:2'],
      hides: ['replicas'],
    },
    {
      name: 'a rule for another kind changes nothing',
      rules: [{ kind: 'StatefulSet', jsonPointers: ['/spec/replicas'] }],
      shows: ['replicas', 'web:2'],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const result = await resourceDiff({
        app: app(c.rules),
        resource,
        spoke: spokeWith(live),
        renderer: rendering(desired),
      });
      const changed = result.diff
        .split('\n')
        .filter((line) => /^[+-]\s/.test(line))
        .join('\n');
      for (const text of c.shows) assert.match(changed, new RegExp(text), result.diff);
      for (const text of c.hides ?? []) assert.doesNotMatch(changed, new RegExp(text), result.diff);
      assert.equal(result.revision, 'abc123');
    });
  }
});
