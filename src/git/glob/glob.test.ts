import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createGitRepo, type GitRepo } from '../../../test/harness/git-repo.ts';
import { compileDoublestar, expandBraces } from './doublestar.ts';
import { BadPatternError, compileGoPathPattern } from './go-path.ts';
import { compilePathspec } from './pathspec.ts';

describe("Go path.Match patterns (rows checked against Go's path.Match)", () => {
  const rows: [pattern: string, path: string, matches: boolean][] = [
    ['apps/*', 'apps/a', true],
    ['apps/*', 'apps/a/b', false],
    ['apps/*', 'apps', false],
    ['*', 'apps', true],
    ['*', 'a/b', false],
    ['apps/*/overlays/*', 'apps/x/overlays/dev', true],
    ['apps/?', 'apps/a', true],
    ['apps/?', 'apps/ab', false],
    ['apps/caf?', 'apps/café', true],
    ['apps/[a-c]*', 'apps/billing', true],
    ['apps/[^a-c]*', 'apps/web', true],
    ['apps/[^a-c]*', 'apps/billing', false],
    ['a[/]b', 'a/b', true],
    ['a[^x]b', 'a/b', true],
    ['apps/\\*', 'apps/*', true],
    ['apps/\\*', 'apps/a', false],
    ['apps/[z-a]', 'apps/b', false],
    ['apps/[\\]]', 'apps/]', true],
    ['**', 'a/b', false],
    ['apps/**', 'apps/a', true],
  ];
  for (const [pattern, path, matches] of rows) {
    test(`${pattern} ${matches ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(compileGoPathPattern(pattern)(path), matches);
    });
  }

  for (const pattern of ['apps/[]', 'apps/[a', 'apps/\\', 'apps/[a-]']) {
    test(`error: "${pattern}" is a bad pattern`, () => {
      assert.throws(() => compileGoPathPattern(pattern), BadPatternError);
    });
  }
});

describe('git pathspecs match what `git ls-files -- PATTERN` lists', () => {
  const files = [
    'config.json',
    'a/config.json',
    'a/b/config.json',
    'a/b/c/config.json',
    'a/bxc',
    'a/b/f[1].json',
    'ab/config.yaml',
    'x/a/config.json',
    'x/.hidden/config.json',
    'café/menu.json',
    'UPPER/Config.JSON',
  ];
  const patterns = [
    'a/**/config.json',
    '**/config.json',
    'a**config.json',
    '*.json',
    '*/config.json',
    'a/*',
    'a',
    'a/',
    './a/b',
    'a//b/../b/c',
    'a/b*',
    'a/**',
    'a/b/f[1].json',
    '[ax]/config.json',
    '[!a]/a/config.json',
    '[[:alpha:]]/config.json',
    '[[:digit:]]/config.json',
    'a?b',
    'a/b?c',
    'caf?/menu.json',
    'caf??/menu.json',
    'café/*',
    '*é/menu.json',
    'x/.*/config.json',
    'UPPER/*.json',
    'a\\/config.json',
    'nothing/*',
    '.',
  ];
  let repo: GitRepo;
  before(async () => {
    repo = await createGitRepo({ branches: { main: Object.fromEntries(files.map((f) => [f, f])) } });
  });
  after(() => repo.cleanup());

  for (const pattern of patterns) {
    test(`"${pattern}"`, async () => {
      const { stdout } = await promisify(execFile)('git', ['ls-files', '--full-name', '-z', '--', pattern], {
        cwd: repo.path,
      });
      const expected = stdout.split('\0').filter((f) => f !== '');
      const match = compilePathspec(pattern);
      assert.deepEqual(files.filter(match).sort(), expected.sort());
    });
  }

  const errors: [name: string, pattern: string][] = [
    ['pathspec magic', ':(glob)**/config.json'],
    ['a pattern climbing out of the repository', '../other/*.json'],
    ['an absolute pattern', '/etc/*'],
  ];
  for (const [name, pattern] of errors) {
    test(`error: ${name}`, () => assert.throws(() => compilePathspec(pattern), BadPatternError));
  }
});

describe('strict (doublestar) file globs', () => {
  const rows: [pattern: string, path: string, matches: boolean][] = [
    ['**/config.json', 'config.json', true],
    ['**/config.json', 'a/b/config.json', true],
    ['a/**/config.json', 'a/config.json', true],
    ['a/**/config.json', 'a/b/c/config.json', true],
    ['a/**/config.json', 'b/config.json', false],
    ['a/*/config.json', 'a/b/config.json', true],
    ['a/*/config.json', 'a/b/c/config.json', false],
    ['*.json', 'a/config.json', false],
    ['*.json', 'config.json', true],
    ['a/**', 'a/b/c', true],
    ['**', 'a/b/c', true],
    ['a/?.json', 'a/x.json', true],
    ['a/?.json', 'a//.json', false],
    ['a/[bc]/x', 'a/c/x', true],
    ['a/[!bc]/x', 'a/c/x', false],
    ['a/[^bc]/x', 'a/d/x', true],
    ['a[!b]c', 'a/c', false],
    ['{a,b}/x.json', 'b/x.json', true],
    ['{a,b/c}/x.json', 'b/c/x.json', true],
    ['x/{a,b{1,2}}.json', 'x/b2.json', true],
    ['x/\\{a\\}.json', 'x/{a}.json', true],
    ['./a//b/../c.json', 'a/c.json', true],
    ['a**b/x', 'acb/x', true],
    ['a**b/x', 'a/b/x', false],
  ];
  for (const [pattern, path, matches] of rows) {
    test(`${pattern} ${matches ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(compileDoublestar(pattern)(path), matches);
    });
  }

  test('brace expansion', () => {
    assert.deepEqual(expandBraces('a{b,c{d,e}}f'), ['abf', 'acdf', 'acef']);
  });

  const errors: [name: string, pattern: string][] = [
    ['an unclosed brace', 'a/{b,c'],
    ['an unterminated class', 'a/[bc'],
    ['a pattern climbing out of the repository', '../x/*.json'],
    ['too many alternatives', '{a,b,c,d}{a,b,c,d}{a,b,c,d}{a,b,c,d}{a,b,c,d}{a,b,c,d}'],
  ];
  for (const [name, pattern] of errors) {
    test(`error: ${name}`, () => assert.throws(() => compileDoublestar(pattern), BadPatternError));
  }
});
