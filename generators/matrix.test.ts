import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appSetYaml, cluster, expandYaml, spokesError } from '../test/support/expand.ts';

const clusters = [
  cluster({ name: 'eu', labels: { region: 'eu' } }),
  cluster({ name: 'us', labels: { region: 'us' } }),
];

async function names(generators: string, nameTemplate: string): Promise<string[]> {
  const yaml = appSetYaml(generators).replace("name: '{{name}}'", `name: '${nameTemplate}'`);
  return (await expandYaml(yaml, { clusters })).map((app) => app.metadata.name);
}

describe('matrix generator', () => {
  test('the cartesian product, first child outermost', async () => {
    const generators = `  - matrix:
      generators:
      - clusters: {selector: {matchLabels: {}}}
      - list: {elements: [{app: web}, {app: api}]}`;
    assert.deepEqual(await names(generators, '{{app}}-{{name}}'), [
      'web-eu',
      'api-eu',
      'web-us',
      'api-us',
      'web-in-cluster',
      'api-in-cluster',
    ]);
  });

  test("the second child's spec is rendered with each param set of the first", async () => {
    const generators = `  - matrix:
      generators:
      - clusters: {selector: {matchExpressions: [{key: region, operator: Exists}]}}
      - list: {elements: [{app: 'web-{{metadata.labels.region}}'}]}`;
    assert.deepEqual(await names(generators, '{{app}}'), ['web-eu', 'web-us']);
  });

  test('a child with no param sets gives no combinations', async () => {
    const generators = `  - matrix:
      generators:
      - list: {elements: []}
      - list: {elements: [{app: web}]}`;
    assert.deepEqual(await names(generators, '{{app}}'), []);
  });

  test('equal values under the same key combine', async () => {
    const generators = `  - matrix:
      generators:
      - list: {elements: [{env: dev, a: x}]}
      - list: {elements: [{env: dev, b: why}]}`;
    assert.deepEqual(await names(generators, '{{env}}-{{a}}-{{b}}'), ['dev-x-why']);
  });

  const failures: { name: string; generators: string; code: string; text: RegExp }[] = [
    {
      name: 'one child',
      generators: '  - matrix: {generators: [{list: {elements: []}}]}',
      code: 'MatrixChildren',
      text: /spec\.generators\[0\]\.matrix: found less than two generators/,
    },
    {
      name: 'three children',
      generators:
        '  - matrix: {generators: [{list: {elements: []}}, {list: {elements: []}}, {list: {elements: []}}]}',
      code: 'MatrixChildren',
      text: /found more than two generators/,
    },
    {
      name: 'conflicting values',
      generators:
        '  - matrix: {generators: [{list: {elements: [{env: dev}]}}, {list: {elements: [{env: prod}]}}]}',
      code: 'MatrixConflict',
      text: /found duplicate key env with different value, a: dev ,b: prod/,
    },
    {
      name: 'a bad child names its path',
      generators: '  - matrix: {generators: [{list: {elements: [{a: x}]}}, {list: {elements: [{b: 2}]}}]}',
      code: 'NotAString',
      text: /› spec\.generators\[0\]\.matrix\.generators\[1\]\.list: elements\[0\]\.b: expected a string/,
    },
    {
      name: 'an unknown child generator',
      generators: '  - matrix: {generators: [{list: {elements: [{a: x}]}}, {notAGenerator: {}}]}',
      code: 'UnknownGenerator',
      text: /spec\.generators\[0\]\.matrix\.generators\[1\]: unknown generator "notAGenerator"/,
    },
  ];
  for (const row of failures) {
    test(`error: ${row.name}`, async () => {
      const err = await spokesError(expandYaml(appSetYaml(row.generators), { clusters }));
      assert.equal(err.code, row.code);
      assert.match(err.message, row.text);
    });
  }
});
