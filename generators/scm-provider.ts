/**
 * The scmProvider generator: one param set per repository (and branch) of an organisation on
 * GitHub, GitLab, Gitea or Bitbucket Server, as Argo CD makes them: `organization`,
 * `repository`, `repository_id`, `url`, `branch`, `sha`, `short_sha`, `short_sha_7`, `labels`
 * (comma-separated) and `branchNormalized`.
 *
 * Filters follow Argo CD exactly: a filter with `repositoryMatch` or `labelMatch` only is a
 * repository filter, applied before branches are listed; one that also (or only) has
 * `pathsExist`, `pathsDoNotExist` or `branchMatch` is a branch filter, applied to each branch.
 * Within each kind any filter may match; a repository must pass both kinds; a filter with none of
 * these fields is ignored.
 */
import { z } from 'zod';
import type { Params } from '../src/params.ts';
import { scmProviderSchemas, type ScmProviderConfig } from '../src/scm/config.ts';
import type { Repository, ScmProviderService } from '../src/scm/types.ts';
import { sanitizeName } from '../src/template/sanitize.ts';
import type { GoRegexp } from '../src/template/go/regexp.ts';
import { compile } from './pull-request.ts';
import { pickProvider } from './scm-provider-pick.ts';
import type { Generator } from './types.ts';
import { withValues } from './values.ts';

const filterSchema = z.strictObject({
  repositoryMatch: z.string().nullish(),
  pathsExist: z.array(z.string()).nullish(),
  pathsDoNotExist: z.array(z.string()).nullish(),
  labelMatch: z.string().nullish(),
  branchMatch: z.string().nullish(),
});

const scmProviderSpecSchema = z.strictObject({
  github: scmProviderSchemas.github.nullish(),
  gitlab: scmProviderSchemas.gitlab.nullish(),
  bitbucket: scmProviderSchemas.bitbucket.nullish(),
  bitbucketServer: scmProviderSchemas.bitbucketServer.nullish(),
  gitea: scmProviderSchemas.gitea.nullish(),
  azureDevOps: scmProviderSchemas.azureDevOps.nullish(),
  awsCodeCommit: scmProviderSchemas.awsCodeCommit.nullish(),
  filters: z.array(filterSchema).nullish(),
  cloneProtocol: z.string().nullish(),
  requeueAfterSeconds: z.number().int().min(0).nullish(),
  values: z.record(z.string(), z.string()).nullish(),
});

export type ScmProviderSpec = z.infer<typeof scmProviderSpecSchema>;
type FilterSpec = z.infer<typeof filterSchema>;

export const DEFAULT_SCM_PROVIDER_REQUEUE_SECONDS = 1800;

export const scmProviderGenerator: Generator<ScmProviderSpec> = {
  name: 'scmProvider',
  schema: scmProviderSpecSchema,
  async generate(spec, ctx) {
    const provider = pickProvider<ScmProviderConfig>(spec, Object.keys(scmProviderSchemas), 'SCM');
    const filters = (spec.filters ?? []).map(compileFilter);
    const service = await ctx.scm.scmProvider(provider, ctx.appSet.namespace);
    const repos = await listRepos(service, filters, spec.cloneProtocol ?? '');
    return repos.map((repo) => withValues(repositoryParams(repo), spec.values, ctx.renderer));
  },
  requeueAfterSeconds(spec) {
    const seconds = spec.requeueAfterSeconds ?? DEFAULT_SCM_PROVIDER_REQUEUE_SECONDS;
    return seconds > 0 ? seconds : undefined;
  },
};

export function repositoryParams(repo: Repository): Params {
  return {
    organization: repo.organization,
    repository: repo.repository,
    repository_id: repo.repositoryId,
    url: repo.url,
    branch: repo.branch,
    sha: repo.sha,
    short_sha: repo.sha.slice(0, 8),
    short_sha_7: repo.sha.slice(0, 7),
    labels: repo.labels.join(','),
    branchNormalized: sanitizeName(repo.branch),
  };
}

interface Filter {
  readonly kind: 'repository' | 'branch' | 'none';
  readonly repositoryMatch?: GoRegexp;
  readonly labelMatch?: GoRegexp;
  readonly branchMatch?: GoRegexp;
  readonly pathsExist: readonly string[];
  readonly pathsDoNotExist: readonly string[];
}

function compileFilter(spec: FilterSpec, i: number): Filter {
  const field = (name: string): string => `filters[${i}].${name}`;
  const repositoryMatch = compile(spec.repositoryMatch, field('repositoryMatch'));
  const labelMatch = compile(spec.labelMatch, field('labelMatch'));
  const branchMatch = compile(spec.branchMatch, field('branchMatch'));
  const pathsExist = spec.pathsExist ?? [];
  const pathsDoNotExist = spec.pathsDoNotExist ?? [];
  // Argo CD sets the kind field by field; the last one set decides.
  let kind: Filter['kind'] = 'none';
  if (repositoryMatch || labelMatch) kind = 'repository';
  if (spec.pathsExist || spec.pathsDoNotExist || branchMatch) kind = 'branch';
  return {
    kind,
    ...(repositoryMatch ? { repositoryMatch } : {}),
    ...(labelMatch ? { labelMatch } : {}),
    ...(branchMatch ? { branchMatch } : {}),
    pathsExist,
    pathsDoNotExist,
  };
}

async function listRepos(
  service: ScmProviderService,
  filters: readonly Filter[],
  cloneProtocol: string,
): Promise<Repository[]> {
  const repoFilters = filters.filter((f) => f.kind === 'repository');
  const branchFilters = filters.filter((f) => f.kind === 'branch');
  const repos = await anyMatching(await service.listRepos(cloneProtocol), repoFilters, service);
  const branches: Repository[] = [];
  for (const repo of repos) branches.push(...(await service.getBranches(repo)));
  return anyMatching(branches, branchFilters, service);
}

/** The repositories any filter matches (all of them when there is no filter), in order. */
async function anyMatching(
  repos: readonly Repository[],
  filters: readonly Filter[],
  service: ScmProviderService,
): Promise<Repository[]> {
  if (filters.length === 0) return [...repos];
  const out: Repository[] = [];
  for (const repo of repos) {
    for (const filter of filters) {
      if (await matches(repo, filter, service)) {
        out.push(repo);
        break;
      }
    }
  }
  return out;
}

async function matches(repo: Repository, filter: Filter, service: ScmProviderService): Promise<boolean> {
  if (filter.repositoryMatch && !filter.repositoryMatch.test(repo.repository)) return false;
  if (filter.branchMatch && !filter.branchMatch.test(repo.branch)) return false;
  const labelMatch = filter.labelMatch;
  if (labelMatch && !repo.labels.some((label) => labelMatch.test(label))) return false;
  for (const path of filter.pathsExist) {
    if (!(await service.repoHasPath(repo, trimTrailingSlashes(path)))) return false;
  }
  for (const path of filter.pathsDoNotExist) {
    if (await service.repoHasPath(repo, trimTrailingSlashes(path))) return false;
  }
  return true;
}

function trimTrailingSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}
