/**
 * Bitbucket Server (Data Center) REST 1.0, as Argo CD's go-bitbucket-v1 client calls it: pull
 * requests of a repository, repositories of a project with their default branch, branches,
 * browse; 100 per page, following isLastPage / nextPageStart. `api` is the server root; `/rest`
 * is appended unless there. Basic auth or a bearer token.
 */
import type { BitbucketServerPullRequestSpec, BitbucketServerScmSpec } from '../config.ts';
import type { PullRequest, PullRequestService, Repository, ScmProviderService } from '../types.ts';
import { SpokesError } from '../../errors.ts';
import { isPlainObject } from '../../params.ts';
import { field, get, ok, seg, str, withQuery, type ProviderClient } from './common.ts';
import type { ScmHttp } from '../http.ts';

export function bitbucketServerBase(api: string): string {
  const trimmed = api.replace(/\/+$/, '');
  return `${trimmed.endsWith('/rest') ? trimmed : `${trimmed}/rest`}/api/1.0/`;
}

export type BitbucketAuth =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'none' };

export function bitbucketServerClient(
  http: ScmHttp,
  spec: { api: string; insecure?: boolean | null },
  auth: BitbucketAuth,
  ca: string | undefined,
): ProviderClient {
  const authorization =
    auth.kind === 'basic'
      ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
      : auth.kind === 'bearer'
        ? `Bearer ${auth.token}`
        : undefined;
  return {
    http,
    base: bitbucketServerBase(spec.api),
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(auth.kind === 'none'
        ? {}
        : { 'x-atlassian-token': 'no-check', 'x-requested-with': 'XMLHttpRequest' }),
    },
    ...(spec.insecure ? { insecure: true } : {}),
    ...(ca ? { ca } : {}),
  };
}

async function allPages(client: ProviderClient, path: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: number | undefined;
  for (;;) {
    const pagePath = withQuery(path, { limit: 100, ...(start === undefined ? {} : { start }) });
    const page = ok(await get(client, pagePath), client, pagePath);
    const values = field(page, 'values');
    if (!Array.isArray(values) || !values.every(isPlainObject)) {
      throw new SpokesError(
        'ScmRequestFailed',
        `GET ${client.base}${pagePath}: expected a page with "values"`,
      );
    }
    items.push(...values);
    const isLastPage = field(page, 'isLastPage');
    if (isLastPage !== false) return items;
    start = Number(field(page, 'nextPageStart') ?? 0);
  }
}

export function bitbucketServerPullRequests(
  client: ProviderClient,
  spec: BitbucketServerPullRequestSpec,
): PullRequestService {
  return {
    async list() {
      const pulls = await allPages(
        client,
        `projects/${seg(spec.project)}/repos/${seg(spec.repo)}/pull-requests`,
      );
      return pulls.map((pull): PullRequest => ({
        number: Number(pull.id),
        title: str(pull.title),
        branch: str(field(pull, 'fromRef', 'displayId')),
        targetBranch: str(field(pull, 'toRef', 'displayId')),
        headSHA: str(field(pull, 'fromRef', 'latestCommit')),
        labels: [],
        author: str(field(pull, 'author', 'user', 'name')),
      }));
    },
  };
}

export function bitbucketServerScm(client: ProviderClient, spec: BitbucketServerScmSpec): ScmProviderService {
  const defaultBranch = async (org: string, repo: string): Promise<Record<string, unknown> | undefined> => {
    const path = `projects/${seg(org)}/repos/${seg(repo)}/branches/default`;
    const response = await get(client, path);
    if (response.status === 404 || response.status === 204 || response.body === undefined) return undefined;
    const branch = ok(response, client, path);
    return isPlainObject(branch) ? branch : undefined;
  };
  return {
    async listRepos(cloneProtocol) {
      if (!['', 'ssh', 'https'].includes(cloneProtocol))
        throw new SpokesError('InvalidSpec', `unknown clone protocol for Bitbucket Server ${cloneProtocol}`);
      const repos = await allPages(client, `projects/${seg(spec.project)}/repos`);
      const out: Repository[] = [];
      for (const r of repos) {
        const org = str(field(r, 'project', 'key'));
        const name = str(r.name);
        const branch = await defaultBranch(org, name);
        if (branch === undefined) continue; // an empty repository
        const clone = field(r, 'links', 'clone');
        const links: unknown[] = Array.isArray(clone) ? clone : [];
        const link = links.find((l) => field(l, 'name') === (cloneProtocol === 'https' ? 'http' : 'ssh'));
        out.push({
          organization: org,
          repository: name,
          url: str(field(link, 'href')),
          branch: str(branch.displayId),
          sha: str(branch.latestCommit),
          labels: [],
          repositoryId: r.id,
        });
      }
      return out;
    },
    async getBranches(repo) {
      if (spec.allBranches !== true) {
        const branch = await defaultBranch(repo.organization, repo.repository);
        return branch === undefined
          ? []
          : [{ ...repo, branch: str(branch.displayId), sha: str(branch.latestCommit) }];
      }
      const branches = await allPages(
        client,
        `projects/${seg(repo.organization)}/repos/${seg(repo.repository)}/branches`,
      );
      return branches.map((b) => ({ ...repo, branch: str(b.displayId), sha: str(b.latestCommit) }));
    },
    async repoHasPath(repo, path) {
      const browse = withQuery(
        `projects/${seg(repo.organization)}/repos/${seg(repo.repository)}/browse/${path.split('/').map(seg).join('/')}`,
        { at: repo.branch, limit: 100, type: true },
      );
      const response = await get(client, browse);
      if (response.status === 404) return false;
      ok(response, client, browse);
      return true;
    },
  };
}
