import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpokesError } from '../errors.ts';
import type { TreeEntry } from '../git/types.ts';
import { appSetsInText, normalizeRepoPath, treeHas, yamlFilesUnder } from './revision-files.ts';
import { canonicalRepoURL, sameRepoURL } from './side-repos.ts';

const appSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: a}
spec:
  generators: [{list: {elements: []}}]
  template: {metadata: {}, spec: {project: default, destination: {}}}
`;

function entry(path: string, type: TreeEntry['type'] = 'blob', mode = '100644'): TreeEntry {
  return { path, type, mode, oid: '0'.repeat(40) };
}

describe('revision files', () => {
  const texts: [string, string, string[]][] = [
    ['an ApplicationSet', appSet, ['a']],
    ['two documents, one other kind', `kind: ConfigMap\nmetadata: {name: x}\n---\n${appSet}`, ['a']],
    ['a Helm template (not YAML) is skipped', 'kind: Deployment\nspec: {{ .Values.x | toYaml }}\n', []],
    ['a file that only mentions the word', '# kind: ApplicationSet is documented elsewhere\nkind: X\n', []],
    ['quoted kind', appSet.replace('kind: ApplicationSet', 'kind: "ApplicationSet"'), ['a']],
  ];
  for (const [name, text, names] of texts) {
    test(`appSetsInText: ${name}`, () => {
      assert.deepEqual(
        appSetsInText(text, 'f.yaml').map((s) => s.appSet.metadata.name),
        names,
      );
    });
  }

  const broken: [string, string, RegExp][] = [
    ['invalid YAML', 'kind: ApplicationSet\nspec: [\n', /f\.yaml: invalid YAML/],
    [
      'no generators',
      appSet.replace('generators: [{list: {elements: []}}]', 'generators: []'),
      /f\.yaml › ApplicationSet argocd\/a: spec\.generators/,
    ],
    [
      'no project: refused as the hub refuses it',
      appSet.replace('project: default, ', ''),
      /f\.yaml › ApplicationSet argocd\/a: The ApplicationSet "a" is invalid: spec\.template\.spec\.project: Required value/,
    ],
  ];
  for (const [name, text, message] of broken) {
    test(`appSetsInText: ${name} is an error naming the file`, () => {
      assert.throws(() => appSetsInText(text, 'f.yaml'), message);
    });
  }

  test('yamlFilesUnder: YAML blobs under the paths, no symlinks, sorted', () => {
    const tree = [
      entry('z.yaml'),
      entry('apps', 'tree', '040000'),
      entry('apps/b.yml'),
      entry('apps/a.YAML'),
      entry('apps/link.yaml', 'blob', '120000'),
      entry('apps/readme.md'),
      entry('appsets/x.yaml'),
      entry('vendor', 'commit', '160000'),
    ];
    assert.deepEqual(yamlFilesUnder(tree, ['']), ['apps/a.YAML', 'apps/b.yml', 'appsets/x.yaml', 'z.yaml']);
    assert.deepEqual(yamlFilesUnder(tree, ['apps']), ['apps/a.YAML', 'apps/b.yml']);
    assert.deepEqual(yamlFilesUnder(tree, ['z.yaml', 'appsets']), ['appsets/x.yaml', 'z.yaml']);
    assert.equal(treeHas(tree, 'apps'), true);
    assert.equal(treeHas(tree, 'app'), false);
  });

  test('normalizeRepoPath', () => {
    assert.equal(normalizeRepoPath('./apps//x/'), 'apps/x');
    assert.equal(normalizeRepoPath('.'), '');
    for (const bad of ['../x', '/etc', 'a/../../b']) {
      assert.throws(
        () => normalizeRepoPath(bad),
        (err: unknown) => err instanceof SpokesError && err.code === 'Usage',
      );
    }
  });

  const urls: [string, string, boolean][] = [
    ['https://github.com/org/repo', 'https://GitHub.com/org/repo.git', true],
    ['https://github.com/org/repo/', 'https://github.com/org/repo', true],
    ['https://github.com/org/repo.git/', 'https://github.com/org/repo', true],
    ['git@github.com:org/repo.git', 'git@github.com:org/repo', true],
    ['https://x-token:s3cret@github.com/org/repo', 'https://github.com/org/repo', true],
    ['https://github.com/org/repo', 'https://github.com/org/other', false],
  ];
  for (const [a, b, same] of urls) {
    test(`sameRepoURL(${a}, ${b}) = ${same}`, () => assert.equal(sameRepoURL(a, b), same));
  }

  test('canonicalRepoURL', () => assert.equal(canonicalRepoURL(' https://H/o/r.git/ '), 'https://h/o/r'));
});
