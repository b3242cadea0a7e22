import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseYamlValue } from '../yaml.ts';
import { typedPatch, withPatches } from './kustomize-patches.ts';
import { checkSource } from './index.ts';
import { kustomizeOptionsSchema } from './kustomize.ts';

const jsonPatch = {
  target: { kind: 'Deployment', name: 'web', group: '' },
  patch: '- op: replace\n  path: /spec/replicas\n  value: 3\n',
};

describe('source.kustomize.patches, appended as Argo CD appends them', () => {
  const rows: { name: string; kustomization: string; expected: unknown }[] = [
    {
      name: 'no patches of its own: the Application patches become the list',
      kustomization: 'resources: [web.yaml]\n',
      expected: { resources: ['web.yaml'], patches: [typedPatch(jsonPatch)] },
    },
    {
      name: "its own patches first, the Application's after",
      kustomization: 'resources: [web.yaml]\npatches:\n  - path: own.yaml\n',
      expected: { resources: ['web.yaml'], patches: [{ path: 'own.yaml' }, typedPatch(jsonPatch)] },
    },
  ];
  for (const row of rows) {
    test(row.name, () =>
      assert.deepEqual(parseYamlValue(withPatches(row.kustomization, [jsonPatch], 'k'), 'k'), row.expected),
    );
  }
  test('empty fields are left out, as Go omitempty marshals the typed patch', () => {
    assert.deepEqual(typedPatch({ path: '', patch: 'x', target: { kind: 'A', name: '' }, options: {} }), {
      patch: 'x',
      target: { kind: 'A' },
    });
    assert.deepEqual(typedPatch({ path: 'p.yaml', options: { allowNameChange: true } }), {
      path: 'p.yaml',
      options: { allowNameChange: true },
    });
  });
  test("a patches field that is not a list is Argo CD's error", () => {
    assert.throws(
      () => withPatches('patches:\n', [jsonPatch], 'k'),
      /expected 'patches' field in kustomization.yaml to be \[\]any, but got <nil>/,
    );
    assert.throws(() => withPatches('- a\n', [jsonPatch], 'k'), /to be type map\[string\]any/);
  });
  test('the options schema keeps patches, components and the other Argo CD fields', () => {
    const parsed = kustomizeOptionsSchema.parse({
      patches: [jsonPatch],
      components: ['../c'],
      ignoreMissingComponents: true,
      commonAnnotationsEnvsubst: true,
      kubeVersion: '1.30',
      apiVersions: ['v1'],
    });
    assert.deepEqual(parsed.patches, [jsonPatch]);
    assert.deepEqual(parsed.components, ['../c']);
  });
});

describe('source options Argo CD honours and Spokes does not are refused by name', () => {
  const rows: { name: string; source: Record<string, unknown>; error: RegExp | undefined }[] = [
    { name: 'jsonnet: {} is the zero value', source: { directory: { jsonnet: {} } }, error: undefined },
    {
      name: 'jsonnet settings alone (they matter only for .jsonnet files, refused when rendered)',
      source: { directory: { jsonnet: { tlas: [{ name: 'a', value: 'b' }] } } },
      error: undefined,
    },
    { name: 'helm version v3', source: { helm: { version: 'v3' } }, error: undefined },
    { name: 'helm version v2', source: { helm: { version: 'v2' } }, error: /source\.helm\.version "v2"/ },
    { name: 'plugin', source: { plugin: { name: 'x' } }, error: /source\.plugin/ },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const source = { repoURL: 'https://example.com/r.git', ...row.source };
      if (row.error === undefined) checkSource(source, undefined);
      else assert.throws(() => checkSource(source, undefined), row.error);
    });
  }
});
