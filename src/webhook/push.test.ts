import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { handleWebhook } from './push.ts';

const secrets = {
  github: 'gh-secret',
  gitlab: 'gl-secret',
  gitea: 'gt-secret',
  bitbucketServer: 'bb-secret',
  bitbucketUUID: '{uuid-1}',
};
const body = Buffer.from(
  JSON.stringify({
    ref: 'refs/heads/main',
    repository: { html_url: 'https://github.com/org/mono', clone_url: 'https://github.com/org/mono.git' },
  }),
);
const gitlabBody = Buffer.from(
  JSON.stringify({
    project: { web_url: 'https://gitlab.com/org/mono', git_ssh_url: 'git@gitlab.com:org/mono.git' },
  }),
);
const hmac = (secret: string, data: Buffer): string =>
  createHmac('sha256', secret).update(data).digest('hex');

describe('webhooks', () => {
  const rows: [string, Record<string, string>, Buffer, string][] = [
    [
      'GitHub push, signed',
      { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac('gh-secret', body)}` },
      body,
      'push',
    ],
    [
      'GitHub push, wrong signature',
      { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac('other', body)}` },
      body,
      'rejected',
    ],
    ['GitHub push, unsigned', { 'x-github-event': 'push' }, body, 'rejected'],
    [
      'GitHub ping',
      { 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${hmac('gh-secret', body)}` },
      body,
      'ignored',
    ],
    [
      'GitLab push, token',
      { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'gl-secret' },
      gitlabBody,
      'push',
    ],
    [
      'GitLab push, wrong token',
      { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'nope' },
      gitlabBody,
      'rejected',
    ],
    [
      'Gitea push, signed',
      { 'x-gitea-event': 'push', 'x-gitea-signature': hmac('gt-secret', body) },
      body,
      'push',
    ],
    [
      'Bitbucket Cloud push, hook UUID',
      { 'x-event-key': 'repo:push', 'x-hook-uuid': '{uuid-1}' },
      body,
      'push',
    ],
    [
      'Bitbucket Server push, signed',
      { 'x-event-key': 'repo:refs_changed', 'x-hub-signature': `sha256=${hmac('bb-secret', body)}` },
      body,
      'push',
    ],
    ['an unknown sender', { 'user-agent': 'curl' }, body, 'ignored'],
  ];
  for (const [name, headers, payload, kind] of rows)
    test(name, () => assert.equal(handleWebhook(headers, payload, secrets).kind, kind));

  test('a push yields the repository URLs, in every form the payload gives', () => {
    const result = handleWebhook(
      { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'gl-secret' },
      gitlabBody,
      secrets,
    );
    assert.deepEqual(result.kind === 'push' ? [...result.repoURLs].sort() : [], [
      'git@gitlab.com:org/mono.git',
      'https://gitlab.com/org/mono',
    ]);
  });

  test('without a configured secret, pushes are rejected', () => {
    const result = handleWebhook(
      { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac('gh-secret', body)}` },
      body,
      {},
    );
    assert.deepEqual(result, { kind: 'rejected', reason: 'no github webhook secret is configured' });
  });
});
