import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { handleWebhook } from './push.ts';
import { pullRequestEventOf, pullRequestGeneratorMatches, type PullRequestEvent } from './pull-request.ts';

const secrets = { github: 'gh-secret', gitlab: 'gl-secret', gitea: 'gt-secret' };
const hmac = (secret: string, data: Buffer): string =>
  createHmac('sha256', secret).update(data).digest('hex');

const githubPayload = {
  action: 'opened',
  number: 7,
  repository: { name: 'MyRepo', owner: { login: 'MyOrg' }, url: 'https://api.github.com/repos/MyOrg/MyRepo' },
};
const giteaPayload = {
  action: 'label_updated',
  number: 3,
  repository: {
    name: 'web',
    owner: { login: 'platform', username: 'platform' },
    html_url: 'http://127.0.0.1:3000/platform/web',
  },
};
const gitlabPayload = {
  object_kind: 'merge_request',
  object_attributes: { action: 'merge', target_project_id: 42 },
  project: { path_with_namespace: 'group/app', web_url: 'https://gitlab.example.com/group/app' },
};

describe('pull request webhooks', () => {
  test('GitHub pull_request, signed: the repository it is about', () => {
    const body = Buffer.from(JSON.stringify(githubPayload));
    const result = handleWebhook(
      { 'x-github-event': 'pull_request', 'x-hub-signature-256': `sha256=${hmac('gh-secret', body)}` },
      body,
      secrets,
    );
    assert.deepEqual(result, {
      kind: 'pullRequest',
      provider: 'github',
      event: { provider: 'github', action: 'opened', owner: 'MyOrg', repo: 'MyRepo', host: 'api.github.com' },
    });
  });

  test('Gitea also sends X-GitHub-Event: it is verified with the Gitea secret', () => {
    const body = Buffer.from(JSON.stringify(giteaPayload));
    const headers = {
      'x-gitea-event': 'pull_request',
      'x-github-event': 'pull_request',
      'x-gitea-signature': hmac('gt-secret', body),
    };
    const result = handleWebhook(headers, body, secrets);
    assert.equal(result.kind, 'pullRequest');
    assert.deepEqual(result.kind === 'pullRequest' && result.event, {
      provider: 'gitea',
      action: 'label_updated',
      owner: 'platform',
      repo: 'web',
      host: '127.0.0.1',
    });
    const forged = handleWebhook({ ...headers, 'x-gitea-signature': hmac('gh-secret', body) }, body, secrets);
    assert.equal(forged.kind, 'rejected');
  });

  test('GitLab merge request: the token is checked, the project id and path read', () => {
    const body = Buffer.from(JSON.stringify(gitlabPayload));
    const result = handleWebhook(
      { 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': 'gl-secret' },
      body,
      secrets,
    );
    assert.deepEqual(result.kind === 'pullRequest' && result.event, {
      provider: 'gitlab',
      action: 'merge',
      projectId: '42',
      projectPath: 'group/app',
      host: 'gitlab.example.com',
    });
    assert.equal(
      handleWebhook({ 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': 'nope' }, body, secrets).kind,
      'rejected',
    );
  });

  const ignored = [
    ['github', { ...githubPayload, action: 'assigned' }],
    ['gitlab', { ...gitlabPayload, object_attributes: { action: 'approved' } }],
    ['gitea', { ...giteaPayload, action: 'milestoned' }],
  ] as const;
  for (const [provider, payload] of ignored) {
    test(`${provider}: an action that changes no pull request list is ignored`, () => {
      assert.ok('ignored' in pullRequestEventOf(provider, payload));
    });
  }

  const github: PullRequestEvent = {
    provider: 'github',
    action: 'opened',
    owner: 'MyOrg',
    repo: 'MyRepo',
    host: 'api.github.com',
  };
  const gitlab: PullRequestEvent = {
    provider: 'gitlab',
    action: 'open',
    projectId: '42',
    projectPath: 'group/app',
    host: 'gitlab.com',
  };
  const matches: [string, unknown, PullRequestEvent, boolean][] = [
    [
      'GitHub: owner and repo case-insensitive, default API',
      { github: { owner: 'myorg', repo: 'myrepo' } },
      github,
      true,
    ],
    ['GitHub: another repository', { github: { owner: 'myorg', repo: 'other' } }, github, false],
    [
      'GitHub: an Enterprise API host is another server',
      { github: { owner: 'myorg', repo: 'myrepo', api: 'https://ghe.example.com/' } },
      github,
      false,
    ],
    ['GitLab: by project id', { gitlab: { project: '42' } }, gitlab, true],
    ['GitLab: by path, case-insensitive', { gitlab: { project: 'Group/App' } }, gitlab, true],
    [
      'GitLab: self-hosted API is another server',
      { gitlab: { project: '42', api: 'https://gitlab.example.com' } },
      gitlab,
      false,
    ],
    [
      'another provider',
      { gitea: { owner: 'myorg', repo: 'myrepo', api: 'https://api.github.com' } },
      github,
      false,
    ],
  ];
  for (const [name, spec, event, expected] of matches) {
    test(`matches: ${name}`, () => assert.equal(pullRequestGeneratorMatches(spec, event), expected));
  }
});
