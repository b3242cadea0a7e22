import assert from 'node:assert/strict';
import { test } from 'node:test';
import { namespaceFilter } from './namespaces.ts';
import { gitRepoURLs, normalizeRepoURL, usesGenerator } from './triggers.ts';

const spec = {
  generators: [
    { list: { elements: [] } },
    {
      matrix: {
        generators: [
          { clusters: {} },
          { git: { repoURL: 'https://github.com/org/mono.git', directories: [] } },
        ],
      },
    },
  ],
};

test('generators are found at any depth', () => {
  assert.equal(usesGenerator(spec, 'clusters'), true);
  assert.equal(usesGenerator(spec, 'git'), true);
  assert.equal(usesGenerator({ generators: [{ list: {} }] }, 'clusters'), false);
  assert.deepEqual(gitRepoURLs(spec), ['https://github.com/org/mono.git']);
});

const same: [string, string][] = [
  ['https://github.com/Org/Mono.git', 'https://github.com/org/mono'],
  ['git@github.com:org/mono.git', 'https://github.com/org/mono/'],
  ['ssh://git@github.com/org/mono.git', 'https://github.com/org/mono'],
];
for (const [a, b] of same)
  test(`${a} and ${b} name one repository`, () => assert.equal(normalizeRepoURL(a), normalizeRepoURL(b)));

test('namespace filter: control plane, globs and /regex/', () => {
  const allowed = namespaceFilter('argocd', ['team-*', '/^app-[0-9]+$/']);
  assert.deepEqual(
    ['argocd', 'team-a', 'team', 'app-12', 'app-x', 'other'].map((ns) => [ns, allowed(ns)]),
    [
      ['argocd', true],
      ['team-a', true],
      ['team', false],
      ['app-12', true],
      ['app-x', false],
      ['other', false],
    ],
  );
});
