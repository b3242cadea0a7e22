import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { secretSchema, type Secret } from '../api/secret.ts';
import { credentialsFor } from './credentials.ts';
import { displayURL, normalizeRepoURL, pushMatchKey, scrubCredentials, splitURLCredentials } from './url.ts';

function secret(type: string, name: string, data: Record<string, string>): Secret {
  return secretSchema.parse({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': type } },
    stringData: data,
  });
}

describe('repository URLs', () => {
  const same: [string, string][] = [
    ['https://github.com/Org/Repo.git', 'https://github.com/org/repo'],
    ['git@github.com:org/repo.git', 'ssh://git@github.com/org/repo'],
    ['  https://example.com/a  ', 'https://example.com/a.git'],
  ];
  for (const [a, b] of same) {
    test(`${a} is the same repository as ${b}`, () => assert.equal(normalizeRepoURL(a), normalizeRepoURL(b)));
  }

  test('credentials in an https URL are moved out of it', () => {
    assert.deepEqual(splitURLCredentials('https://bot:s3cr%40t@example.com/r.git'), {
      url: 'https://example.com/r.git',
      username: 'bot',
      password: 's3cr@t',
    });
    assert.deepEqual(splitURLCredentials('git@example.com:r.git'), { url: 'git@example.com:r.git' });
  });

  const shown: [string, string][] = [
    ['https://bot:token@example.com/r.git', 'https://example.com/r.git'],
    ['https://token@example.com/r.git', 'https://example.com/r.git'],
    ['ssh://git:pw@example.com/r.git', 'ssh://git@example.com/r.git'],
    ['git@example.com:r.git', 'git@example.com:r.git'],
  ];
  for (const [url, display] of shown) {
    test(`${url} is shown as ${display}`, () => assert.equal(displayURL(url), display));
  }

  test('scrubbing removes URL userinfo and known secrets', () => {
    const text = "fatal: unable to access 'https://bot:hunter2@example.com/r.git/': hunter2 rejected";
    assert.equal(
      scrubCredentials(text, ['hunter2']),
      "fatal: unable to access 'https://example.com/r.git/': [redacted] rejected",
    );
  });
});

describe('credentials from repository Secrets', () => {
  const secrets = [
    secret('repo-creds', 'org', {
      url: 'https://github.com/org',
      username: 'org-bot',
      password: 'org-token',
    }),
    secret('repo-creds', 'team', {
      url: 'https://github.com/org/team-',
      username: 'team-bot',
      password: 'team-token',
    }),
    secret('repository', 'exact', { url: 'https://github.com/org/special.git', password: 'special-token' }),
    secret('repository', 'no-creds', { url: 'https://github.com/org/plain' }),
    secret('repository', 'ssh', {
      url: 'git@github.com:org/ssh.git',
      sshPrivateKey: 'KEY',
      insecure: 'true',
    }),
    secret('repository', 'helm', {
      url: 'https://github.com/org/helm',
      type: 'helm',
      password: 'helm-token',
    }),
    secret('cluster', 'a-cluster', { name: 'c', server: 'https://github.com/org/x', password: 'nope' }),
  ];
  const rows: { name: string; url: string; username?: string; password?: string; key?: string }[] = [
    {
      name: 'repository Secret for the same URL',
      url: 'https://github.com/org/special',
      password: 'special-token',
    },
    {
      name: 'longest repo-creds prefix wins',
      url: 'https://github.com/org/team-a.git',
      password: 'team-token',
    },
    { name: 'shorter repo-creds prefix', url: 'https://github.com/org/other', password: 'org-token' },
    {
      name: 'repository Secret without credentials takes repo-creds',
      url: 'https://github.com/org/plain',
      username: 'org-bot',
      password: 'org-token',
    },
    { name: 'SSH key', url: 'git@github.com:org/ssh.git', key: 'KEY' },
    {
      name: 'helm Secrets and cluster Secrets do not count',
      url: 'https://github.com/org/helm',
      password: 'org-token',
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const creds = credentialsFor(row.url, secrets);
      assert.ok(creds);
      if (row.username) assert.equal(creds.username, row.username);
      assert.equal(creds.password?.reveal(), row.password);
      assert.equal(creds.sshPrivateKey?.reveal(), row.key);
    });
  }

  test('no Secret for the URL: no credentials', () => {
    assert.equal(credentialsFor('https://gitlab.com/x/y', secrets), undefined);
  });

  test('credentials print as [redacted]', () => {
    const creds = credentialsFor('https://github.com/org/special', secrets);
    assert.doesNotMatch(JSON.stringify(creds), /special-token/);
  });
});

const samePush: [string, string][] = [
  ['https://github.com/Org/Mono.git', 'https://github.com/org/mono'],
  ['git@github.com:org/mono.git', 'https://github.com/org/mono/'],
  ['ssh://git@github.com/org/mono.git', 'https://github.com/org/mono'],
];
for (const [a, b] of samePush)
  test(`${a} and ${b} are one repository for a push`, () => assert.equal(pushMatchKey(a), pushMatchKey(b)));
