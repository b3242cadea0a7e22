import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpokesError } from '../src/errors.ts';
import type { PullRequest, ScmSource } from '../src/scm/types.ts';
import { appSetYaml, spokesError } from '../test/support/expand.ts';
import { expandWith } from '../test/support/external.ts';
import { pullRequestParams } from './pull-request.ts';
import { branchSlug } from './slug.ts';

const pull = (number: number, branch: string, title = `PR ${number}`, target = 'main'): PullRequest => ({
  number,
  title,
  branch,
  targetBranch: target,
  headSHA: 'abcdef0123456789',
  labels: ['x'],
  author: 'alice',
});

const scmWith = (pulls: readonly PullRequest[] | SpokesError): ScmSource => ({
  pullRequests: () =>
    pulls instanceof SpokesError
      ? Promise.reject(pulls)
      : Promise.resolve({ list: () => Promise.resolve(pulls) }),
  scmProvider: () => Promise.reject(new Error('unused')),
});

const PULLS = [
  pull(1, 'feat/a', 'Add a'),
  pull(2, 'fix/b', 'fix: b', 'release'),
  pull(3, 'docs', 'feat: docs'),
];

async function names(
  filters: string,
  pulls: readonly PullRequest[] | SpokesError = PULLS,
  extra = '',
): Promise<string[]> {
  const yaml = appSetYaml(
    `  - pullRequest: {github: {owner: o, repo: r}, filters: ${filters}${extra}}`,
  ).replace("name: '{{name}}'", "name: 'pr-{{number}}'");
  return (await expandWith(yaml, { scm: scmWith(pulls) })).map((a) => a.metadata.name);
}

describe('pullRequest generator', () => {
  const rows = [
    { name: 'no filters: every pull request', filters: '[]', expected: ['pr-1', 'pr-2', 'pr-3'] },
    { name: 'branchMatch', filters: "[{branchMatch: '^feat'}]", expected: ['pr-1'] },
    {
      name: 'any filter may match',
      filters: "[{branchMatch: '^feat'}, {titleMatch: '^feat:'}]",
      expected: ['pr-1', 'pr-3'],
    },
    {
      name: "all of one filter's regexps must match",
      filters: "[{branchMatch: '^fix', targetBranchMatch: '^main$'}]",
      expected: [],
    },
    { name: 'targetBranchMatch', filters: "[{targetBranchMatch: '^rel'}]", expected: ['pr-2'] },
    { name: 'RE2 syntax (\\pL classes)', filters: "[{branchMatch: '^\\pL+$'}]", expected: ['pr-3'] },
  ];
  for (const row of rows) {
    test(row.name, async () => assert.deepEqual(await names(row.filters), row.expected));
  }

  test('continueOnRepoNotFoundError turns a missing repository into no Applications', async () => {
    const missing = new SpokesError('ScmNotFound', 'GET x: HTTP 404');
    assert.deepEqual(await names('[]', missing, ', continueOnRepoNotFoundError: true'), []);
    assert.equal((await spokesError(names('[]', missing))).code, 'ScmNotFound');
  });

  const failures = [
    {
      name: 'a bad regexp',
      filters: "[{branchMatch: '('}]",
      text: /filters\[0\]\.branchMatch: error compiling regexp/,
    },
  ];
  for (const row of failures) {
    test(`fails: ${row.name}`, async () =>
      assert.match((await spokesError(names(row.filters))).message, row.text));
  }

  test('no provider, or an unsupported one: a clear error', async () => {
    const none = appSetYaml('  - pullRequest: {filters: []}');
    assert.match(
      (await spokesError(expandWith(none, { scm: scmWith([]) }))).message,
      /no Pull Request provider implementation configured/,
    );
    const ado = appSetYaml('  - pullRequest: {azuredevops: {organization: o, project: p, repo: r}}');
    const err = await spokesError(expandWith(ado, { scm: scmWith([]) }));
    assert.equal(err.code, 'NotSupported');
    assert.match(err.message, /not supported by Spokes yet/);
  });

  test('params: labels in goTemplate mode only, short SHAs, slugs', () => {
    const p = pull(9, 'Feature/Über_Cool', 'T', 'release/2.0');
    assert.deepEqual(pullRequestParams(p, false), {
      number: '9',
      title: 'T',
      branch: 'Feature/Über_Cool',
      branch_slug: 'feature-uber-cool',
      target_branch: 'release/2.0',
      target_branch_slug: 'release-2-0',
      head_sha: 'abcdef0123456789',
      head_short_sha: 'abcdef01',
      head_short_sha_7: 'abcdef0',
      author: 'alice',
    });
    assert.deepEqual(pullRequestParams(p, true).labels, ['x']);
  });

  const slugs = [
    ['feat/x', 'feat-x'],
    ['__a__b__', 'a-b'],
    ['Ops & Dev @ Home', 'ops-and-dev-at-home'],
    ['x'.repeat(60), 'x'.repeat(50)],
    [`${'a'.repeat(45)}-${'b'.repeat(10)}`, 'a'.repeat(45)],
    ['  spaced  ', 'spaced'],
  ] as const;
  for (const [branch, slug] of slugs) {
    test(`branch_slug(${JSON.stringify(branch)}) = ${slug}`, () => assert.equal(branchSlug(branch), slug));
  }
});
