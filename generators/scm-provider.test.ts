import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Repository, ScmProviderService, ScmSource } from '../src/scm/types.ts';
import { appSetYaml, spokesError } from '../test/support/expand.ts';
import { expandWith } from '../test/support/external.ts';

interface Fake {
  readonly repository: string;
  readonly labels?: string[];
  readonly branches: Record<string, string[]>;
}

/** An SCM provider holding `repos`, counting the calls the generator makes. */
function fakeScm(repos: readonly Fake[], allBranches: boolean): ScmSource & { calls: string[] } {
  const calls: string[] = [];
  const service: ScmProviderService = {
    listRepos(cloneProtocol) {
      calls.push(`listRepos(${cloneProtocol})`);
      return Promise.resolve(
        repos.map((r): Repository => ({
          organization: 'org',
          repository: r.repository,
          url: `${cloneProtocol || 'ssh'}://${r.repository}`,
          branch: 'main',
          sha: '',
          labels: r.labels ?? [],
          repositoryId: r.repository.length,
        })),
      );
    },
    getBranches(repo) {
      calls.push(`getBranches(${repo.repository})`);
      const branches = repos.find((r) => r.repository === repo.repository)!.branches;
      const names = allBranches ? Object.keys(branches) : ['main'];
      return Promise.resolve(names.map((b) => ({ ...repo, branch: b, sha: `${b}-sha-0123456789` })));
    },
    repoHasPath(repo, path) {
      calls.push(`repoHasPath(${repo.repository}@${repo.branch}, ${path})`);
      const files = repos.find((r) => r.repository === repo.repository)!.branches[repo.branch] ?? [];
      return Promise.resolve(files.some((f) => f === path || f.startsWith(`${path}/`)));
    },
  };
  return {
    calls,
    pullRequests: () => Promise.reject(new Error('unused')),
    scmProvider: () => Promise.resolve(service),
  };
}

const REPOS: Fake[] = [
  {
    repository: 'app-web',
    labels: ['deploy'],
    branches: { main: ['k8s/kustomization.yaml'], dev: ['k8s/a'] },
  },
  {
    repository: 'app-api',
    labels: ['other', 'deploy-ok'],
    branches: { main: ['helm/Chart.yaml', 'disabled'], dev: ['helm/x'] },
  },
  { repository: 'docs', branches: { main: ['k8s/x'] } },
];

async function run(filters: string, allBranches = false): Promise<{ names: string[]; calls: string[] }> {
  const scm = fakeScm(REPOS, allBranches);
  const yaml = appSetYaml(
    `  - scmProvider: {github: {organization: org, allBranches: ${allBranches}}, filters: ${filters}}`,
  ).replace("name: '{{name}}'", "name: '{{repository}}-{{branch}}'");
  const names = (await expandWith(yaml, { scm })).map((a) => a.metadata.name);
  return { names, calls: scm.calls };
}

describe('scmProvider generator', () => {
  const rows = [
    {
      name: 'no filters: every repository at its default branch',
      filters: '[]',
      expected: ['app-web-main', 'app-api-main', 'docs-main'],
    },
    {
      name: 'repositoryMatch',
      filters: "[{repositoryMatch: '^app'}]",
      expected: ['app-web-main', 'app-api-main'],
    },
    { name: 'labelMatch: any label', filters: "[{labelMatch: '^deploy-ok$'}]", expected: ['app-api-main'] },
    {
      name: 'pathsExist (directory, trailing slash trimmed)',
      filters: "[{pathsExist: ['k8s/']}]",
      expected: ['app-web-main', 'docs-main'],
    },
    { name: 'pathsDoNotExist', filters: '[{pathsExist: [helm], pathsDoNotExist: [disabled]}]', expected: [] },
    {
      name: 'a filter with no field is ignored',
      filters: '[{}]',
      expected: ['app-web-main', 'app-api-main', 'docs-main'],
    },
    {
      name: 'repository and branch filters must both pass',
      filters: "[{repositoryMatch: '^app-w'}, {pathsExist: [helm]}]",
      expected: [],
    },
    {
      name: 'any filter of a kind may match',
      filters: "[{repositoryMatch: 'web'}, {repositoryMatch: 'api'}]",
      expected: ['app-web-main', 'app-api-main'],
    },
  ];
  for (const row of rows) {
    test(row.name, async () => assert.deepEqual((await run(row.filters)).names, row.expected));
  }

  test('allBranches with branchMatch and pathsExist: every branch considered', async () => {
    const { names } = await run("[{branchMatch: '^dev$', pathsExist: [helm]}]", true);
    assert.deepEqual(names, ['app-api-dev']);
  });

  test('repository filters run before branches are listed (fewer calls)', async () => {
    const { calls } = await run("[{repositoryMatch: '^docs$'}]");
    assert.deepEqual(calls, ['listRepos()', 'getBranches(docs)']);
  });

  test('params as Argo CD makes them', async () => {
    const scm = fakeScm(REPOS.slice(0, 1), false);
    const yaml = appSetYaml(
      '  - scmProvider: {github: {organization: org}, cloneProtocol: https}',
      '  goTemplate: true',
    )
      .replace("name: '{{name}}'", "name: '{{ .repository }}', annotations: {all: '{{ . | toJson }}'}")
      .replace("path: '{{name}}'", "path: '{{ .repository }}'");
    const [app] = await expandWith(yaml, { scm });
    assert.deepEqual(JSON.parse(app!.metadata.annotations!.all!), {
      organization: 'org',
      repository: 'app-web',
      repository_id: 7,
      url: 'https://app-web',
      branch: 'main',
      sha: 'main-sha-0123456789',
      short_sha: 'main-sha',
      short_sha_7: 'main-sh',
      labels: 'deploy',
      branchNormalized: 'main',
    });
  });

  test('fails: a bad labelMatch regexp', async () => {
    const err = await spokesError(run("[{labelMatch: '[a-'}]"));
    assert.match(err.message, /filters\[0\]\.labelMatch: error compiling regexp/);
  });

  test('fails: an unsupported provider (AWS CodeCommit)', async () => {
    const yaml = appSetYaml('  - scmProvider: {awsCodeCommit: {region: eu-west-1}}');
    const err = await spokesError(expandWith(yaml, { scm: fakeScm([], false) }));
    assert.equal(err.code, 'NotSupported');
  });
});
