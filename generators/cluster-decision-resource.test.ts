import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appSetYaml, cluster, spokesError } from '../test/support/expand.ts';
import type { DuckObject } from '../src/clusters/decisions.ts';
import { expandWith, memoryDecisions } from '../test/support/external.ts';

type Duck = DuckObject & { readonly resource: string };

const CONFIG = {
  apiVersion: 'cluster.open-cluster-management.io/v1beta1',
  kind: 'placementdecisions',
  statusListKey: 'decisions',
  matchKey: 'clusterName',
};
const decision = (
  name: string,
  clusters: string[],
  labels: Record<string, string> = { placement: 'p' },
): Duck => ({
  resource: 'placementdecisions',
  metadata: { name, labels },
  status: { decisions: clusters.map((clusterName) => ({ clusterName, reason: 'ok' })) },
});
const clusters = [cluster({ name: 'a' }), cluster({ name: 'b' })];

const names = async (
  spec: string,
  configMap: Record<string, string> = CONFIG,
  objects: readonly Duck[] = [decision('d1', ['a', 'b', 'unknown'])],
) =>
  (
    await expandWith(
      appSetYaml(`  - clusterDecisionResource: ${spec}`).replace(
        "name: '{{name}}'",
        "name: '{{clusterName}}-{{reason}}'",
      ),
      { clusterDecisions: memoryDecisions({ cm: configMap }, objects) },
      clusters,
    )
  ).map((a) => a.metadata.name);

describe('clusterDecisionResource generator', () => {
  const rows = [
    {
      name: 'by label selector; unregistered clusters skipped',
      spec: '{configMapRef: cm, labelSelector: {matchLabels: {placement: p}}}',
      expected: ['a-ok', 'b-ok'],
    },
    { name: 'by name', spec: '{configMapRef: cm, name: d1}', expected: ['a-ok', 'b-ok'] },
    {
      name: 'no matchKey: no Applications (as Argo CD)',
      spec: '{configMapRef: cm, name: d1}',
      configMap: { ...CONFIG, matchKey: '' },
      expected: [],
    },
    {
      name: 'statusListKey defaults to clusters',
      spec: '{configMapRef: cm, name: d1}',
      configMap: { ...CONFIG, statusListKey: '' },
      objects: [
        {
          resource: 'placementdecisions',
          metadata: { name: 'd1' },
          status: { clusters: [{ clusterName: 'b', reason: 'x' }] },
        },
      ],
      expected: ['b-x'],
    },
    {
      name: 'an object without status is skipped',
      spec: '{configMapRef: cm, name: d1}',
      objects: [{ resource: 'placementdecisions', metadata: { name: 'd1' } }],
      expected: [],
    },
  ];
  for (const row of rows) {
    test(row.name, async () =>
      assert.deepEqual(await names(row.spec, row.configMap, row.objects), row.expected),
    );
  }

  const failures = [
    { name: 'neither name nor selector', spec: '{configMapRef: cm}', text: /either name or labelSelector/ },
    {
      name: 'both name and selector',
      spec: '{configMapRef: cm, name: d1, labelSelector: {matchLabels: {a: b}}}',
      text: /either name or labelSelector/,
    },
    { name: 'missing ConfigMap', spec: '{configMapRef: nope, name: d1}', text: /error reading configMapRef/ },
    {
      name: 'apiVersion without a group',
      spec: '{configMapRef: cm, name: d1}',
      configMap: { ...CONFIG, apiVersion: 'v1' },
      text: /problem with the apiVersion, kind/,
    },
    {
      name: 'no object found',
      spec: '{configMapRef: cm, name: nothing}',
      text: /no clusterDecisionResources found/,
    },
    {
      name: 'a status list that is not a list',
      spec: '{configMapRef: cm, name: d1}',
      objects: [{ resource: 'placementdecisions', metadata: { name: 'd1' }, status: { decisions: 'x' } }],
      text: /d1: status\.decisions: expected a list of decisions/,
    },
  ];
  for (const row of failures) {
    test(`fails: ${row.name}`, async () => {
      const err = await spokesError(names(row.spec, row.configMap, row.objects));
      assert.match(err.message, row.text);
      assert.match(err.message, /spec\.generators\[0\]\.clusterDecisionResource/);
    });
  }

  test('the requeue defaults to the controller poll interval; the spec can set it', async () => {
    const { clusterDecisionResourceGenerator: g } = await import('./cluster-decision-resource.ts');
    assert.equal(g.requeueAfterSeconds?.({ configMapRef: 'cm' }, 180), 180);
    assert.equal(g.requeueAfterSeconds?.({ configMapRef: 'cm', requeueAfterSeconds: 30 }, 180), 30);
  });
});
