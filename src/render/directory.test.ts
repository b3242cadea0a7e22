import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createGitRepo, type GitRepo } from '../../test/harness/git-repo.ts';
import { SpokesError } from '../errors.ts';
import { createRepoSource, type GitRepoSource } from '../git/index.ts';
import type { RepoRevision } from '../git/types.ts';
import { compileGlob } from './glob.ts';
import { renderDirectory, type DirectoryOptions } from './directory.ts';
import { parseManifestFile } from './manifests.ts';

const URL = 'https://git.example/apps.git';
const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

describe('plain directory rendering (real git repository)', () => {
  let repo: GitRepo;
  let source: GitRepoSource;
  let at: RepoRevision;

  before(async () => {
    repo = await createGitRepo({
      branches: {
        main: {
          'app/b.yaml': `${cm('b1')}---\n---\n${cm('b2')}`,
          'app/a.json': JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a' } }),
          'app/c.yml': cm('c'),
          'app/list.yaml': `apiVersion: v1\nkind: List\nitems:\n- ${cm('l1').replace(/\n/g, '\n  ').trimEnd()}\n- ${cm('l2').replace(/\n/g, '\n  ').trimEnd()}\n`,
          'app/nulllist.yaml': 'apiVersion: v1\nkind: ConfigMapList\nitems: null\n',
          'app/values.yaml': 'replicas: 3\nimage: nginx\n',
          'app/README.md': cm('readme'),
          'app/skip.yaml': `# +argocd:skip-file-rendering\n${cm('skipped')}`,
          'app/link.yaml': { symlink: '../shared/linked.yaml' },
          'app/dangling.yaml': { symlink: 'nope.yaml' },
          'app/sub/d.yaml': cm('d'),
          'app/sub/deeper/e.yaml': cm('e'),
          'app/sub.yaml': cm('sub-file'),
          'shared/linked.yaml': cm('linked'),
          'broken/bad.yaml': `${cm('ok')}---\n- just\n- a list\n`,
          'broken/multi.json':
            '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}\n{"kind":"ConfigMap"}',
          'escape/out.yaml': { symlink: '../../outside.yaml' },
          'root.yaml': cm('root'),
        },
      },
    });
    source = createRepoSource({ localRepos: new Map([[URL, repo.path]]) });
    at = await source.resolve(URL, 'main');
  });
  after(async () => {
    source.close();
    await repo.cleanup();
  });

  const names = async (path: string, options: DirectoryOptions = {}): Promise<string[]> =>
    (await renderDirectory(source, at, path, options)).map((o) => `${o.kind}/${o.metadata.name}`);

  const rows: { name: string; path: string; options?: DirectoryOptions; expected: string[] }[] = [
    {
      name: 'top level only, in walk order, multi-doc, JSON, Lists unpacked, symlink followed',
      path: 'app',
      expected: [
        'Secret/a',
        'ConfigMap/b1',
        'ConfigMap/b2',
        'ConfigMap/c',
        'ConfigMap/linked',
        'ConfigMap/l1',
        'ConfigMap/l2',
        'ConfigMap/sub-file',
      ],
    },
    {
      name: 'recurse walks subdirectories where the walk meets them',
      path: 'app/sub',
      options: { recurse: true },
      expected: ['ConfigMap/d', 'ConfigMap/e'],
    },
    {
      name: 'a directory is walked before a file whose name extends it (sub/ before sub.yaml)',
      path: 'app',
      options: { recurse: true, include: 'sub*' },
      expected: ['ConfigMap/d', 'ConfigMap/e', 'ConfigMap/sub-file'],
    },
    {
      name: 'include glob (matches across /, braces)',
      path: 'app',
      options: { recurse: true, include: '{*.yml,sub/*}' },
      expected: ['ConfigMap/c', 'ConfigMap/d', 'ConfigMap/e'],
    },
    {
      name: 'exclude glob',
      path: 'app',
      options: { recurse: true, exclude: 'sub*' },
      expected: [
        'Secret/a',
        'ConfigMap/b1',
        'ConfigMap/b2',
        'ConfigMap/c',
        'ConfigMap/linked',
        'ConfigMap/l1',
        'ConfigMap/l2',
      ],
    },
    { name: 'root path "."', path: '.', expected: ['ConfigMap/root'] },
    { name: 'trailing slash', path: 'app/sub/deeper/', expected: ['ConfigMap/e'] },
  ];
  for (const row of rows)
    test(row.name, async () => assert.deepEqual(await names(row.path, row.options), row.expected));

  const failures: { name: string; path: string; code: string }[] = [
    {
      name: 'a YAML file with a bad document after objects',
      path: 'broken/bad.yaml',
      code: 'InvalidManifest',
    },
    { name: 'several objects in one JSON file', path: 'broken/multi.json', code: 'InvalidManifest' },
    { name: 'a symlink out of the repository', path: 'escape', code: 'PathOutsideRepo' },
    { name: 'a path that does not exist', path: 'nowhere', code: 'FileNotFound' },
    { name: 'a path that leaves the repository', path: '../x', code: 'PathOutsideRepo' },
  ];
  for (const row of failures) {
    test(`fails: ${row.name}`, async () => {
      const dir =
        row.path.includes('.') && !row.path.startsWith('..')
          ? row.path.slice(0, row.path.indexOf('/'))
          : row.path;
      const include = dir === row.path ? undefined : row.path.slice(dir.length + 1);
      await assert.rejects(
        renderDirectory(source, at, dir, include === undefined ? {} : { include }),
        (err: unknown) => err instanceof SpokesError && err.code === row.code,
      );
    });
  }
});

describe('manifest files', () => {
  test('unrelated YAML is ignored, YAML that looks like a manifest is not', () => {
    assert.deepEqual(parseManifestFile('a: [', 'values.yaml'), []);
    assert.throws(
      () => parseManifestFile('apiVersion: v1\nkind: [\nmetadata: {}', 'x.yaml'),
      (err: unknown) => err instanceof SpokesError && err.code === 'InvalidManifest',
    );
  });
  test('a JSON file must be a single object with a kind', () => {
    assert.throws(() => parseManifestFile('[1]', 'x.json'), /not an object with a kind/);
    assert.throws(
      () => parseManifestFile('{', 'x.json'),
      (err: unknown) => err instanceof SpokesError && err.code === 'InvalidManifest',
    );
  });
  test('a List item without a kind is an error', () => {
    assert.throws(
      () => parseManifestFile('kind: List\nitems: [{a: 1}]', 'x.yaml'),
      /not an object with a kind/,
    );
  });
});

describe('include/exclude globs (gobwas semantics, no separators)', () => {
  const rows: [pattern: string, path: string, matches: boolean][] = [
    ['*.yaml', 'a.yaml', true],
    ['*.yaml', 'sub/a.yaml', true],
    ['*.yaml', 'a.yml', false],
    ['**/*.yaml', 'sub/a.yaml', true],
    ['?.yaml', 'a.yaml', true],
    ['?.yaml', 'ab.yaml', false],
    ['{a,b}.yaml', 'b.yaml', true],
    ['{a,b{c,d}}.yaml', 'bd.yaml', true],
    ['{a,b{c,d}}.yaml', 'b.yaml', false],
    ['[a-c].json', 'b.json', true],
    ['[a-c].json', 'd.json', false],
    ['[!a-c].json', 'd.json', true],
    ['\\*.yaml', '*.yaml', true],
    ['\\*.yaml', 'a.yaml', false],
    ['config.json', 'config.json', true],
  ];
  for (const [pattern, path, matches] of rows) {
    test(`${pattern} ${matches ? 'matches' : 'does not match'} ${path}`, () =>
      assert.equal(compileGlob(pattern)(path), matches));
  }
  for (const bad of ['[a-', '{a,b', 'x\\']) {
    test(`bad pattern ${bad}`, () =>
      assert.throws(
        () => compileGlob(bad),
        (err: unknown) => err instanceof SpokesError && err.code === 'InvalidSpec',
      ));
  }
});
