import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appSetYaml, expandYaml, spokesError } from '../test/support/expand.ts';

async function paths(generators: string): Promise<string[]> {
  const yaml = appSetYaml(generators).replace("path: '{{name}}'", "path: '{{name}}:{{size}}:{{extra}}'");
  return (await expandYaml(yaml)).map((app) => (app.spec.source as { path: string }).path);
}

describe('merge generator', () => {
  test('later children override base sets with the same merge-key values; unmatched ones are dropped', async () => {
    const generators = `  - merge:
      mergeKeys: [name]
      generators:
      - list: {elements: [{name: a, size: s}, {name: b, size: s}]}
      - list: {elements: [{name: b, size: xl}, {name: z, size: m}]}
      - list: {elements: [{name: a, extra: e}]}`;
    assert.deepEqual(await paths(generators), ['a:s:e', 'b:xl:{{extra}}']);
  });

  test('several merge keys must all match', async () => {
    const generators = `  - merge:
      mergeKeys: [name, size]
      generators:
      - list: {elements: [{name: a, size: s}, {name: b, size: s}]}
      - list: {elements: [{name: a, size: m, extra: nope}, {name: b, size: s, extra: yes-b}]}`;
    assert.deepEqual(await paths(generators), ['a:s:{{extra}}', 'b:s:yes-b']);
  });

  const failures: { name: string; generators: string; code: string; text: RegExp }[] = [
    {
      name: 'one child',
      generators: '  - merge: {mergeKeys: [name], generators: [{list: {elements: []}}]}',
      code: 'MergeChildren',
      text: /found less than two generators, Merge requires two or more/,
    },
    {
      name: 'no merge keys: the hub refuses it (mergeKeys is required by the CRD)',
      generators: '  - merge: {generators: [{list: {elements: []}}, {list: {elements: []}}]}',
      code: 'InvalidSpec',
      text: /spec\.generators\[0\]\.merge\.mergeKeys: Required value/,
    },
    {
      name: 'empty merge keys',
      generators: '  - merge: {mergeKeys: [], generators: [{list: {elements: []}}, {list: {elements: []}}]}',
      code: 'MergeNoKeys',
      text: /no merge keys were specified/,
    },
    {
      name: 'a child not unique by the merge keys',
      generators:
        '  - merge: {mergeKeys: [name], generators: [{list: {elements: [{name: a}]}}, {list: {elements: [{name: b}, {name: b}]}}]}',
      code: 'MergeNotUnique',
      text: /generators\[1\]: the parameters from a generator were not unique by the given mergeKeys.*\{"name":"b"\}/,
    },
  ];
  for (const row of failures) {
    test(`error: ${row.name}`, async () => {
      const err = await spokesError(expandYaml(appSetYaml(row.generators)));
      assert.equal(err.code, row.code);
      assert.match(err.message, row.text);
    });
  }
});
