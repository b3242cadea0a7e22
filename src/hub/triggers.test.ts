import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gitRepoURLs, usesGenerator } from './triggers.ts';

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
