import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appSetYaml, expandYaml, spokesError } from '../test/support/expand.ts';

const names = async (generators: string): Promise<string[]> =>
  (await expandYaml(appSetYaml(generators))).map((app) => app.metadata.name);

describe('list generator', () => {
  const rows: { name: string; generators: string; expected: string[] }[] = [
    {
      name: 'one app per element',
      generators: '  - list: {elements: [{name: a}, {name: b}]}',
      expected: ['a', 'b'],
    },
    {
      name: 'elementsYaml is appended after elements',
      generators: "  - list: {elements: [{name: a}], elementsYaml: '[{name: y1}, {name: y2}]'}",
      expected: ['a', 'y1', 'y2'],
    },
    { name: 'no elements: no apps', generators: '  - list: {elements: []}', expected: [] },
  ];
  for (const row of rows) {
    test(row.name, async () => assert.deepEqual(await names(row.generators), row.expected));
  }

  test('values map is flattened to values.<key>', async () => {
    const yaml = appSetYaml('  - list: {elements: [{name: a, values: {tier: prod}}]}').replace(
      "path: '{{name}}'",
      "path: '{{values.tier}}'",
    );
    const [app] = await expandYaml(yaml);
    assert.equal((app!.spec.source as { path: string }).path, 'prod');
  });

  const failures: { name: string; generators: string; code: string; text: RegExp }[] = [
    {
      name: 'a number in fasttemplate mode',
      generators: '  - list: {elements: [{name: a, replicas: 3}]}',
      code: 'NotAString',
      text: /spec\.generators\[0\]\.list: elements\[0\]\.replicas: expected a string, got number 3/,
    },
    {
      name: 'a boolean (YAML 1.1 yes) in fasttemplate mode',
      generators: '  - list: {elements: [{name: a, enabled: yes}]}',
      code: 'NotAString',
      text: /elements\[0\]\.enabled: expected a string, got boolean true/,
    },
    {
      name: 'values that is not a map',
      generators: '  - list: {elements: [{name: a, values: x}]}',
      code: 'NotAString',
      text: /elements\[0\]\.values: expected a map of strings/,
    },
    {
      name: 'a non-string inside values',
      generators: '  - list: {elements: [{name: a, values: {num: 1}}]}',
      code: 'NotAString',
      text: /elements\[0\]\.values\.num: expected a string/,
    },
    {
      name: 'an element that is not a map',
      generators: '  - list: {elements: [a]}',
      code: 'InvalidSpec',
      text: /elements\[0\]: expected a map of parameters, got string "a"/,
    },
    {
      name: 'elementsYaml that is not a list',
      generators: "  - list: {elementsYaml: 'a: b'}",
      code: 'InvalidSpec',
      text: /elementsYaml: expected a YAML list of maps/,
    },
    {
      name: 'elementsYaml that is not YAML',
      generators: "  - list: {elementsYaml: '[a, b'}",
      code: 'InvalidYaml',
      text: /elementsYaml: invalid YAML at line 1/,
    },
    {
      name: 'a misspelt field',
      generators: '  - list: {element: [{name: a}]}',
      code: 'InvalidSpec',
      text: /spec\.generators\[0\]\.list: unknown field "element"/,
    },
  ];
  for (const row of failures) {
    test(`error: ${row.name}`, async () => {
      const err = await spokesError(expandYaml(appSetYaml(row.generators)));
      assert.equal(err.code, row.code);
      assert.match(err.message, row.text);
      assert.match(err.message, /^ApplicationSet argocd\/test › /);
    });
  }
});
