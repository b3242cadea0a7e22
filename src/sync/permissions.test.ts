import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppProjectSpec } from '../api/appproject.ts';
import { checkProject, checkResources, DEFAULT_PROJECT } from './permissions.ts';
import type { Target } from './targets.ts';

const target = (group: string, kind: string, namespaced: boolean): Target => ({
  key: `${group}/${kind}`,
  type: { group, version: 'v1', kind, plural: `${kind.toLowerCase()}s`, namespaced },
  obj: { apiVersion: group ? `${group}/v1` : 'v1', kind, metadata: { name: 'x' } },
  pendingCrd: false,
  hash: '',
});

const dest = { server: 'https://a', name: 'a', namespace: 'team' };

test('the built-in default project allows everything', () => {
  assert.equal(checkProject(DEFAULT_PROJECT, 'default', [{ repoURL: 'https://any/x.git' }], dest), undefined);
  assert.equal(checkResources(DEFAULT_PROJECT, 'default', [target('', 'Namespace', false)]), undefined);
});

test('sources and destinations outside the project are refused with Argo CD’s message', () => {
  const project: AppProjectSpec = {
    sourceRepos: ['https://git.example/*'],
    destinations: [{ server: 'https://a', namespace: 'team' }],
  };
  assert.equal(checkProject(project, 'p', [{ repoURL: 'https://git.example/ok' }], dest), undefined);
  assert.match(
    checkProject(project, 'p', [{ repoURL: 'https://other.example/x' }], dest) ?? '',
    /application repo https:\/\/other.example\/x is not permitted in project 'p'/,
  );
  assert.match(
    checkProject(project, 'p', [{ repoURL: 'https://git.example/ok' }], {
      ...dest,
      namespace: 'kube-system',
    }) ?? '',
    /destination .* is not permitted in project 'p'/,
  );
});

test('cluster-scoped kinds need the whitelist; blacklisted namespaced kinds are refused', () => {
  const project: AppProjectSpec = {
    sourceRepos: ['*'],
    destinations: [{ server: '*', namespace: '*' }],
    namespaceResourceBlacklist: [{ group: '', kind: 'Secret' }],
  };
  assert.equal(checkResources(project, 'p', [target('', 'ConfigMap', true)]), undefined);
  assert.match(
    checkResources(project, 'p', [target('', 'Namespace', false)]) ?? '',
    /\/Namespace:x is not permitted/,
  );
  assert.match(
    checkResources(project, 'p', [target('', 'Secret', true)]) ?? '',
    /\/Secret:x is not permitted/,
  );
});
