import assert from 'node:assert/strict';
import { test } from 'node:test';
import { namespaceFilter } from './namespaces.ts';

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
