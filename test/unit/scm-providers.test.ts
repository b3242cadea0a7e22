/**
 * The GitHub, GitLab and Bitbucket Server providers against HTTP servers replaying answers in the
 * shapes of those providers' documented APIs (not the real services: Gitea is the provider
 * tested against a real server, in test/e2e/generators-gitea.test.ts). Each case runs a whole
 * ApplicationSet through expand with the controller's live SCM source and checks the requests
 * made (paths, queries, auth headers) and the Applications produced.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseApplicationSet } from '../../src/api/applicationset.ts';
import type { SpokesError } from '../../src/errors.ts';
import { expand } from '../../src/expand.ts';
import { staticObjectReader } from '../../src/kube/objects.ts';
import { ScmHttp } from '../../src/scm/http.ts';
import { liveScmSource } from '../../src/scm/source.ts';
import { noRepos, staticClusters } from '../support/expand.ts';
import { startReplayServer, type ReplayServer } from '../support/replay-server.ts';

const TOKEN = 'ghp_test-token-value';
const objects = staticObjectReader([
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'scm-token', namespace: 'argocd' },
    stringData: { token: TOKEN, password: 'bb-password' },
  },
]);

function appSet(
  generator: Record<string, unknown>,
  goTemplate = true,
  name = 'set',
): ReturnType<typeof parseApplicationSet> {
  return parseApplicationSet(
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name, namespace: 'argocd' },
      spec: {
        goTemplate,
        generators: [generator],
        template: {
          metadata: { name: goTemplate ? '{{ .name }}' : '{{name}}' },
          spec: {
            project: 'default',
            source: { repoURL: 'https://example.com/r.git', targetRevision: 'HEAD', path: '.' },
            destination: { server: 'https://kubernetes.default.svc', namespace: 'default' },
          },
        },
      },
    },
    'test',
  );
}

async function run(set: ReturnType<typeof appSet>, http: ScmHttp): Promise<Record<string, unknown>[]> {
  const apps = await expand(set, {
    clusters: staticClusters([]),
    repos: noRepos,
    scm: liveScmSource({ http, objects }),
  });
  return apps.map((a) => ({ name: a.metadata.name, ...a.metadata.annotations }));
}

/** A pullRequest generator whose template names each Application after its params. */
function pullRequest(
  provider: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    pullRequest: {
      ...provider,
      ...extra,
      values: { name: 'pr-{{ .number }}-{{ .branch_slug }}-{{ .head_short_sha }}' },
    },
  };
}

describe('GitHub (replayed REST v3)', () => {
  let server: ReplayServer;
  before(async () => {
    server = await startReplayServer();
  });
  after(() => server.close());

  test('pull requests: Enterprise api/v3 path, Bearer token, labels filter, Link pagination', async () => {
    const pull = (n: number, branch: string, labels: string[]) => ({
      number: n,
      title: `PR ${n}`,
      head: { ref: branch, sha: `${n}`.repeat(40).slice(0, 40) },
      base: { ref: 'main' },
      labels: labels.map((name) => ({ name })),
      user: { login: 'alice' },
    });
    server.answer('/api/v3/repos/myorg/myrepo/pulls?per_page=100', {
      body: [pull(1, 'feat/one', ['preview']), pull(2, 'feat/two', [])],
      headers: { link: `<${server.url}/api/v3/repos/myorg/myrepo/pulls?per_page=100&page=2>; rel="next"` },
    });
    server.answer('/api/v3/repos/myorg/myrepo/pulls?per_page=100&page=2', {
      body: [pull(3, 'Feat_Three', ['preview', 'x'])],
    });
    const set = appSet({
      pullRequest: {
        github: {
          owner: 'myorg',
          repo: 'myrepo',
          api: server.url,
          tokenRef: { secretName: 'scm-token', key: 'token' },
          labels: ['preview'],
        },
      },
    });
    set.spec.template.metadata = { name: 'pr-{{ .number }}-{{ .branch_slug }}-{{ .head_short_sha_7 }}' };
    const apps = await expand(set, {
      clusters: staticClusters([]),
      repos: noRepos,
      scm: liveScmSource({ http: new ScmHttp(), objects }),
    });
    assert.deepEqual(
      apps.map((a) => a.metadata.name),
      ['pr-1-feat-one-1111111', 'pr-3-feat-three-3333333'],
    );
    const first = server.requests.find((r) => r.url.includes('/pulls'))!;
    assert.equal(first.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(first.headers.accept, 'application/vnd.github.v3+json');
  });

  test('repositories: topics as labels, clone URLs, default branch, contents for pathsExist', async () => {
    server.answer('/api/v3/orgs/myorg/repos?per_page=100', {
      body: [
        {
          id: 11,
          name: 'web',
          owner: { login: 'myorg' },
          default_branch: 'main',
          ssh_url: 'git@gh:myorg/web.git',
          clone_url: 'https://gh/myorg/web.git',
          topics: ['a', 'b'],
          archived: false,
        },
        {
          id: 12,
          name: 'old',
          owner: { login: 'myorg' },
          default_branch: 'main',
          ssh_url: 'git@gh:myorg/old.git',
          clone_url: 'https://gh/myorg/old.git',
          topics: [],
          archived: true,
        },
        {
          id: 13,
          name: 'empty',
          owner: { login: 'myorg' },
          default_branch: 'main',
          ssh_url: 'git@gh:myorg/empty.git',
          clone_url: 'https://gh/myorg/empty.git',
          topics: [],
        },
      ],
    });
    server.answer('/api/v3/repos/myorg/web/branches/main', {
      body: { name: 'main', commit: { sha: 'abcdef1234567890' } },
    });
    server.answer('/api/v3/repos/myorg/web/contents/deploy?ref=main', { body: [{ name: 'x.yaml' }] });
    // "empty" has no branch (404): no Applications, no error.
    const set = appSet({
      scmProvider: {
        cloneProtocol: 'https',
        github: { organization: 'myorg', api: server.url, excludeArchivedRepos: true },
        filters: [{ pathsExist: ['deploy/'] }],
      },
    });
    set.spec.template.metadata = {
      name: '{{ .repository }}',
      annotations: {
        url: '{{ .url }}',
        labels: '{{ .labels }}',
        id: '{{ .repository_id }}',
        sha: '{{ .short_sha }}',
      },
    };
    const apps = await run(set, new ScmHttp());
    assert.deepEqual(apps, [
      { name: 'web', url: 'https://gh/myorg/web.git', labels: 'a,b', id: '11', sha: 'abcdef12' },
    ]);
    assert.equal(
      server.requests.some((r) => r.url.startsWith('/api/v3/repos/myorg/old/')),
      false,
      'archived repositories are not asked about',
    );
  });

  test('a 404 repository: an error, or nothing with continueOnRepoNotFoundError', async () => {
    const generator = { github: { owner: 'myorg', repo: 'gone', api: server.url } };
    await assert.rejects(run(appSet({ pullRequest: generator }), new ScmHttp()), (err: SpokesError) => {
      assert.equal(err.code, 'ScmNotFound');
      assert.match(err.message, /HTTP 404/);
      return true;
    });
    assert.deepEqual(
      await run(appSet({ pullRequest: { ...generator, continueOnRepoNotFoundError: true } }), new ScmHttp()),
      [],
    );
  });

  test('rate limited (403, x-ratelimit-remaining: 0): RateLimited with the reset time, token never in the message', async () => {
    server.answer('/api/v3/repos/myorg/limited/pulls?per_page=100', {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1900000000' },
      body: { message: 'API rate limit exceeded' },
    });
    const set = appSet({
      pullRequest: {
        github: {
          owner: 'myorg',
          repo: 'limited',
          api: server.url,
          tokenRef: { secretName: 'scm-token', key: 'token' },
        },
      },
    });
    await assert.rejects(run(set, new ScmHttp()), (err: SpokesError) => {
      assert.equal(err.code, 'RateLimited');
      assert.match(err.message, /resets at 2030-03-17/);
      assert.doesNotMatch(err.message, new RegExp(TOKEN));
      return true;
    });
  });

  test('100 ApplicationSets on one repository: one request, then one 304 revalidation after invalidate()', async () => {
    server.answer('/api/v3/repos/myorg/shared/pulls?per_page=100', {
      etag: '"v1"',
      body: [
        {
          number: 5,
          title: 't',
          head: { ref: 'b', sha: 'cafe' },
          base: { ref: 'main' },
          labels: [],
          user: { login: 'u' },
        },
      ],
    });
    const http = new ScmHttp({ freshSeconds: 60 });
    const sets = Array.from({ length: 100 }, (_, i) =>
      appSet(pullRequest({ github: { owner: 'myorg', repo: 'shared', api: server.url } }), true, `set-${i}`),
    );
    for (const set of sets) set.spec.template.metadata = { name: 'pr-{{ .number }}' };
    const before = server.requests.length;
    await Promise.all(sets.map((set) => run(set, http)));
    assert.equal(server.requests.length - before, 1, 'one request for 100 ApplicationSets');
    http.invalidate();
    await Promise.all(sets.map((set) => run(set, http)));
    const after = server.requests.slice(before);
    assert.equal(after.length, 2);
    assert.equal(after[1]!.headers['if-none-match'], '"v1"');
    assert.equal(after[1]!.status, 304);
    assert.deepEqual(http.stats, { requests: 2, notModified: 1, cacheHits: 198 });
  });
});

describe('GitLab (replayed REST v4)', () => {
  let server: ReplayServer;
  before(async () => {
    server = await startReplayServer();
  });
  after(() => server.close());

  test('merge requests: project path encoded, labels and state asked of the server, PRIVATE-TOKEN, X-Next-Page', async () => {
    const mr = (iid: number, branch: string) => ({
      iid,
      title: `MR ${iid}`,
      source_branch: branch,
      target_branch: 'main',
      sha: `${iid}`.repeat(40).slice(0, 40),
      labels: ['preview'],
      author: { username: 'bob' },
    });
    server.answer(
      '/api/v4/projects/group%2Fsub%2Fapp/merge_requests?labels=preview&per_page=100&state=opened',
      {
        body: [mr(7, 'feature/a')],
        headers: { 'x-next-page': '2' },
      },
    );
    server.answer(
      '/api/v4/projects/group%2Fsub%2Fapp/merge_requests?labels=preview&per_page=100&state=opened&page=2',
      {
        body: [mr(8, 'feature/b')],
        headers: { 'x-next-page': '' },
      },
    );
    const set = appSet({
      pullRequest: {
        gitlab: {
          project: 'group/sub/app',
          api: server.url,
          labels: ['preview'],
          pullRequestState: 'opened',
          tokenRef: { secretName: 'scm-token', key: 'token' },
        },
      },
    });
    set.spec.template.metadata = {
      name: 'mr-{{ .number }}-{{ .branch_slug }}',
      annotations: { labels: '{{ join "," .labels }}' },
    };
    assert.deepEqual(await run(set, new ScmHttp()), [
      { name: 'mr-7-feature-a', labels: 'preview' },
      { name: 'mr-8-feature-b', labels: 'preview' },
    ]);
    assert.equal(server.requests[0]!.headers['private-token'], TOKEN);
  });

  test('group projects: subgroups, topics, all branches with a branchMatch filter', async () => {
    server.answer(
      '/api/v4/groups/platform/projects?include_subgroups=true&per_page=100&topic=&with_shared=true',
      {
        body: [
          {
            id: 21,
            path: 'api',
            namespace: { full_path: 'platform/team' },
            default_branch: 'main',
            ssh_url_to_repo: 'git@gl:platform/team/api.git',
            http_url_to_repo: 'https://gl/platform/team/api.git',
            topics: ['go'],
          },
        ],
        headers: { 'x-page': '1', 'x-total-pages': '1' },
      },
    );
    server.answer('/api/v4/projects/21/repository/branches?per_page=100', {
      body: [
        { name: 'main', commit: { id: 'aaaa1111' } },
        { name: 'release-1', commit: { id: 'bbbb2222' } },
      ],
    });
    const set = appSet({
      scmProvider: {
        gitlab: { group: 'platform', api: server.url, includeSubgroups: true, allBranches: true },
        filters: [{ branchMatch: '^release' }],
      },
    });
    set.spec.template.metadata = {
      name: '{{ .repository }}-{{ .branch }}',
      annotations: { org: '{{ .organization }}', url: '{{ .url }}' },
    };
    assert.deepEqual(await run(set, new ScmHttp()), [
      { name: 'api-release-1', org: 'platform/team', url: 'git@gl:platform/team/api.git' },
    ]);
  });
});

describe('Bitbucket Server (replayed REST 1.0)', () => {
  let server: ReplayServer;
  before(async () => {
    server = await startReplayServer();
  });
  after(() => server.close());

  test('pull requests: /rest appended, basic auth, isLastPage paging, no labels', async () => {
    const pr = (id: number, branch: string) => ({
      id,
      title: `PR ${id}`,
      fromRef: { displayId: branch, latestCommit: 'f00dbabe12345678' },
      toRef: { displayId: 'master' },
      author: { user: { name: 'carol' } },
    });
    server.answer('/rest/api/1.0/projects/PROJ/repos/app/pull-requests?limit=100', {
      body: { values: [pr(1, 'feature/x')], isLastPage: false, nextPageStart: 1 },
    });
    server.answer('/rest/api/1.0/projects/PROJ/repos/app/pull-requests?limit=100&start=1', {
      body: { values: [pr(2, 'bugfix/y')], isLastPage: true },
    });
    const set = appSet({
      pullRequest: {
        bitbucketServer: {
          project: 'PROJ',
          repo: 'app',
          api: server.url,
          basicAuth: { username: 'svc', passwordRef: { secretName: 'scm-token', key: 'password' } },
        },
        filters: [{ branchMatch: '^feature' }],
      },
    });
    set.spec.template.metadata = {
      name: 'pr-{{ .number }}',
      annotations: { author: '{{ .author }}', target: '{{ .target_branch }}' },
    };
    assert.deepEqual(await run(set, new ScmHttp()), [{ name: 'pr-1', author: 'carol', target: 'master' }]);
    const auth = server.requests[0]!.headers.authorization;
    assert.equal(auth, `Basic ${Buffer.from('svc:bb-password').toString('base64')}`);
  });

  test('repositories: default branch per repository, empty ones skipped, http clone link for https', async () => {
    server.answer('/rest/api/1.0/projects/PROJ/repos?limit=100', {
      body: {
        isLastPage: true,
        values: [
          {
            id: 31,
            name: 'svc',
            project: { key: 'PROJ' },
            links: {
              clone: [
                { name: 'ssh', href: 'ssh://bb/proj/svc.git' },
                { name: 'http', href: 'https://bb/scm/proj/svc.git' },
              ],
            },
          },
          { id: 32, name: 'empty', project: { key: 'PROJ' }, links: { clone: [] } },
        ],
      },
    });
    server.answer('/rest/api/1.0/projects/PROJ/repos/svc/branches/default', {
      body: { displayId: 'develop', latestCommit: '0123456789' },
    });
    const set = appSet(
      {
        scmProvider: {
          cloneProtocol: 'https',
          bitbucketServer: { project: 'PROJ', api: `${server.url}/rest` },
        },
      },
      false,
    );
    set.spec.template.metadata = {
      name: '{{repository}}',
      annotations: { url: '{{url}}', branch: '{{branch}}', sha: '{{sha}}' },
    };
    assert.deepEqual(await run(set, new ScmHttp()), [
      { name: 'svc', url: 'https://bb/scm/proj/svc.git', branch: 'develop', sha: '0123456789' },
    ]);
  });
});

test('--allowed-scm-providers and --enable-scm-providers=false refuse before any request', async () => {
  const server = await startReplayServer();
  try {
    const set = appSet({ pullRequest: { github: { owner: 'o', repo: 'r', api: server.url } } });
    const allowedOnly = liveScmSource({
      http: new ScmHttp(),
      objects,
      allowedProviders: ['https://github.example.com'],
    });
    await assert.rejects(
      expand(set, { clusters: staticClusters([]), repos: noRepos, scm: allowedOnly }),
      /scm provider not allowed/,
    );
    const disabled = liveScmSource({ http: new ScmHttp(), objects, enabled: false });
    await assert.rejects(
      expand(set, { clusters: staticClusters([]), repos: noRepos, scm: disabled }),
      /scm providers are disabled/,
    );
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});
