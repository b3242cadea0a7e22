/**
 * The pullRequest generator: one param set per open pull request of a repository on GitHub,
 * GitLab, Gitea or Bitbucket Server, exactly as Argo CD makes them: `number`, `title`, `branch`,
 * `branch_slug`, `target_branch`, `target_branch_slug`, `head_sha`, `head_short_sha`,
 * `head_short_sha_7`, `author`, and `labels` in goTemplate mode only. `filters` keep a pull
 * request when any filter matches (all of a filter's regexps, RE2 syntax, must match).
 */
import { z } from 'zod';
import { SpokesError } from '../src/errors.ts';
import type { Params } from '../src/params.ts';
import { pullRequestProviderSchemas, type PullRequestProvider } from '../src/scm/config.ts';
import type { PullRequest } from '../src/scm/types.ts';
import { GoRegexp } from '../src/template/go/regexp.ts';
import { pickProvider } from './scm-provider-pick.ts';
import { branchSlug } from './slug.ts';
import type { Generator } from './types.ts';
import { withValues } from './values.ts';

const filterSchema = z.strictObject({
  branchMatch: z.string().nullish(),
  targetBranchMatch: z.string().nullish(),
  titleMatch: z.string().nullish(),
});

const pullRequestSpecSchema = z.strictObject({
  github: pullRequestProviderSchemas.github.nullish(),
  gitlab: pullRequestProviderSchemas.gitlab.nullish(),
  gitea: pullRequestProviderSchemas.gitea.nullish(),
  bitbucketServer: pullRequestProviderSchemas.bitbucketServer.nullish(),
  bitbucket: pullRequestProviderSchemas.bitbucket.nullish(),
  azuredevops: pullRequestProviderSchemas.azuredevops.nullish(),
  filters: z.array(filterSchema).nullish(),
  requeueAfterSeconds: z.number().int().min(0).nullish(),
  values: z.record(z.string(), z.string()).nullish(),
  continueOnRepoNotFoundError: z.boolean().nullish(),
});

export type PullRequestSpec = z.infer<typeof pullRequestSpecSchema>;
type Filter = z.infer<typeof filterSchema>;

/** Argo CD polls pull requests every 30 minutes unless the spec says otherwise. */
export const DEFAULT_PULL_REQUEST_REQUEUE_SECONDS = 1800;

export const pullRequestGenerator: Generator<PullRequestSpec> = {
  name: 'pullRequest',
  schema: pullRequestSpecSchema,
  async generate(spec, ctx) {
    const provider = pickProvider<PullRequestProvider>(
      spec,
      Object.keys(pullRequestProviderSchemas),
      'Pull Request',
    );
    const filters = compileFilters(spec.filters ?? []);
    let pulls: readonly PullRequest[];
    try {
      const service = await ctx.scm.pullRequests(provider, ctx.appSet.namespace);
      pulls = await service.list();
    } catch (err) {
      if (err instanceof SpokesError && err.code === 'ScmNotFound' && spec.continueOnRepoNotFoundError)
        return [];
      throw err;
    }
    const goTemplate = ctx.renderer.mode.goTemplate;
    return pulls
      .filter((pull) => filters.length === 0 || filters.some((f) => f(pull)))
      .map((pull) => withValues(pullRequestParams(pull, goTemplate), spec.values, ctx.renderer));
  },
  requeueAfterSeconds(spec) {
    const seconds = spec.requeueAfterSeconds ?? DEFAULT_PULL_REQUEST_REQUEUE_SECONDS;
    return seconds > 0 ? seconds : undefined;
  },
};

export function pullRequestParams(pull: PullRequest, goTemplate: boolean): Params {
  const params: Params = {
    number: String(pull.number),
    title: pull.title,
    branch: pull.branch,
    branch_slug: branchSlug(pull.branch),
    target_branch: pull.targetBranch,
    target_branch_slug: branchSlug(pull.targetBranch),
    head_sha: pull.headSHA,
    head_short_sha: pull.headSHA.slice(0, 8),
    head_short_sha_7: pull.headSHA.slice(0, 7),
    author: pull.author,
  };
  // Argo CD gives labels to goTemplate ApplicationSets only.
  if (goTemplate) params.labels = [...pull.labels];
  return params;
}

type PullRequestFilter = (pull: PullRequest) => boolean;

function compileFilters(filters: readonly Filter[]): PullRequestFilter[] {
  return filters.map((filter, i) => {
    const branch = compile(filter.branchMatch, `filters[${i}].branchMatch`);
    const target = compile(filter.targetBranchMatch, `filters[${i}].targetBranchMatch`);
    const title = compile(filter.titleMatch, `filters[${i}].titleMatch`);
    return (pull) =>
      (branch === undefined || branch.test(pull.branch)) &&
      (target === undefined || target.test(pull.targetBranch)) &&
      (title === undefined || title.test(pull.title));
  });
}

export function compile(expr: string | null | undefined, field: string): GoRegexp | undefined {
  if (expr === undefined || expr === null) return undefined;
  try {
    return new GoRegexp(expr);
  } catch (err) {
    throw new SpokesError(
      'InvalidSpec',
      `${field}: error compiling regexp ${JSON.stringify(expr)}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
