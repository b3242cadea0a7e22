import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpokesError } from '../errors.ts';
import type { TreeEntry } from '../git/types.ts';
import { cleanSetValue, inlineValues, valueFilePath } from './helm.ts';
import { discoverType, explicitType } from './index.ts';
import { kustomizeEdits } from './kustomize.ts';
import { runTool } from './tools.ts';

const code =
  (expected: string) =>
  (err: unknown): boolean =>
    err instanceof SpokesError && err.code === expected;

describe('source type', () => {
  const blob = (path: string): TreeEntry => ({ path, type: 'blob', mode: '100644', oid: '0' });
  const rows: { name: string; files: string[]; path: string; expected: string }[] = [
    { name: 'plain YAML', files: ['app/a.yaml'], path: 'app', expected: 'Directory' },
    {
      name: 'kustomization.yaml',
      files: ['app/kustomization.yaml', 'app/a.yaml'],
      path: 'app',
      expected: 'Kustomize',
    },
    { name: 'Kustomization', files: ['app/Kustomization'], path: 'app', expected: 'Kustomize' },
    { name: 'Chart.yaml', files: ['app/Chart.yaml', 'app/templates/a.yaml'], path: 'app', expected: 'Helm' },
    {
      name: 'kustomization wins over Chart.yaml (later in walk order)',
      files: ['app/Chart.yaml', 'app/kustomization.yml'],
      path: 'app',
      expected: 'Kustomize',
    },
    {
      name: 'only files directly in the path count',
      files: ['app/sub/kustomization.yaml', 'app/a.yaml'],
      path: 'app',
      expected: 'Directory',
    },
    { name: 'repository root', files: ['Chart.yaml'], path: '', expected: 'Helm' },
  ];
  for (const row of rows) {
    test(row.name, () => assert.equal(discoverType(row.files.map(blob), row.path), row.expected));
  }
  test('an explicit block decides', () => {
    assert.equal(explicitType({ repoURL: 'r', helm: {} }), 'Helm');
    assert.equal(explicitType({ repoURL: 'r', directory: { recurse: true } }), 'Directory');
    assert.equal(explicitType({ repoURL: 'r' }), undefined);
  });
  test('two blocks are an error, plugins are refused', () => {
    assert.throws(
      () => explicitType({ repoURL: 'r', helm: {}, kustomize: {} }),
      /multiple application sources defined: Kustomize,Helm/,
    );
    assert.throws(() => explicitType({ repoURL: 'r', plugin: {} }), code('NotSupported'));
  });
});

describe('kustomize edits (Argo CD order)', () => {
  test('every override, in order', () => {
    assert.deepEqual(
      kustomizeEdits({
        namespace: 'team',
        commonLabels: { b: '2', a: '1' },
        commonAnnotations: { note: 'x' },
        images: ['nginx=nginx:1.27'],
        replicas: [{ name: 'web', count: '3' }],
        nameSuffix: '-s',
        namePrefix: 'p-',
        forceCommonLabels: true,
        forceCommonAnnotations: true,
      }),
      [
        ['edit', 'set', 'nameprefix', '--', 'p-'],
        ['edit', 'set', 'namesuffix', '--', '-s'],
        ['edit', 'set', 'image', 'nginx=nginx:1.27'],
        ['edit', 'set', 'replicas', 'web=3'],
        ['edit', 'add', 'label', '--force', 'a:1', 'b:2'],
        ['edit', 'add', 'annotation', '--force', 'note:x'],
        ['edit', 'set', 'namespace', '--', 'team'],
      ],
    );
  });
  test('nothing set, nothing edited', () => assert.deepEqual(kustomizeEdits({}), []));
  test('a replica count that is not an integer', () => {
    assert.throws(() => kustomizeEdits({ replicas: [{ name: 'web', count: 'many' }] }), code('InvalidSpec'));
  });
});

describe('helm arguments', () => {
  const rows: [string, string][] = [
    ['a,b', 'a\\,b'],
    ['a\\,b', 'a\\,b'],
    ['{a,b}', '{a,b}'],
    ['plain', 'plain'],
  ];
  for (const [value, expected] of rows)
    test(`--set value ${value}`, () => assert.equal(cleanSetValue(value), expected));

  test('value file paths', () => {
    assert.equal(valueFilePath('charts/web', 'values-prod.yaml'), 'charts/web/values-prod.yaml');
    assert.equal(valueFilePath('charts/web', '../common/values.yaml'), 'charts/common/values.yaml');
    assert.equal(valueFilePath('charts/web', '/envs/prod.yaml'), 'envs/prod.yaml');
    assert.throws(() => valueFilePath('charts/web', '../../../x.yaml'), code('PathOutsideRepo'));
    assert.throws(() => valueFilePath('charts/web', 'https://example.com/v.yaml'), code('InvalidSpec'));
    assert.equal(valueFilePath('charts/web', '$values/v.yaml'), 'charts/web/$values/v.yaml');
  });
  test('valuesObject wins over values', () => {
    assert.equal(inlineValues({ values: 'a: 1\n', valuesObject: { b: 2 } }), 'b: 2\n');
    assert.equal(inlineValues({ values: 'a: 1\n' }), 'a: 1\n');
    assert.equal(inlineValues({}), '');
  });
});

describe('tools', () => {
  test('a tool missing from PATH is a clear error', async () => {
    await assert.rejects(
      runTool('kustomize', ['version'], '.', { searchPath: '/nonexistent' }),
      (err: unknown) => {
        return (
          code('ToolNotFound')(err) &&
          /kustomize not found on PATH.*--kustomize-path/.test((err as Error).message)
        );
      },
    );
  });
  test('a configured path that does not exist', async () => {
    await assert.rejects(
      runTool('helm', ['version'], '.', { helm: '/nonexistent/helm' }),
      /helm not found at \/nonexistent\/helm/,
    );
  });
});
