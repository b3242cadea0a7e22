/**
 * GitHub (and GitHub Enterprise) REST v3, as Argo CD's go-github client calls it: pull requests of
 * a repository, repositories of an organisation, branches, contents; 100 per page, following the
 * Link header. An `api` URL is an Enterprise server: `api/v3/` is appended unless already there.
 */
import type { GithubPullRequestSpec, GithubScmSpec } from '../config.ts';
import type { PullRequest, PullRequestService, Repository, ScmProviderService } from '../types.ts';
import { SpokesError } from '../../errors.ts';
import {
  field,
  get,
  list,
  nextPageFromLink,
  ok,
  seg,
  str,
  withQuery,
  type ProviderClient,
} from './common.ts';
import type { ScmHttp } from '../http.ts';

export function githubBase(api: string | null | undefined): string {
  if (!api) return 'https://api.github.com/';
  const url = new URL(api.endsWith('/') ? api : `${api}/`);
  if (!url.pathname.endsWith('/api/v3/') && !url.host.startsWith('api.') && !url.host.includes('.api.'))
    url.pathname += 'api/v3/';
  return url.toString();
}

export function githubClient(http: ScmHttp, api: string | null | undefined, token: string): ProviderClient {
  return {
    http,
    base: githubBase(api),
    headers: {
      accept: 'application/vnd.github.v3+json',
      'x-github-api-version': '2022-11-28',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  };
}

async function allPages(client: ProviderClient, path: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let page: number | undefined = 1;
  while (page !== undefined) {
    const pagePath = withQuery(path, { per_page: 100, ...(page > 1 ? { page } : {}) });
    const response = await get(client, pagePath);
    items.push(...list(ok(response, client, pagePath), client, pagePath));
    page = nextPageFromLink(response.headers.link);
  }
  return items;
}

export function githubPullRequests(client: ProviderClient, spec: GithubPullRequestSpec): PullRequestService {
  return {
    async list() {
      const path = `repos/${seg(spec.owner)}/${seg(spec.repo)}/pulls`;
      const pulls = await allPages(client, path);
      const wanted = spec.labels ?? [];
      return pulls
        .map((pull): PullRequest => ({
          number: Number(pull.number),
          title: str(pull.title),
          branch: str(field(pull, 'head', 'ref')),
          targetBranch: str(field(pull, 'base', 'ref')),
          headSHA: str(field(pull, 'head', 'sha')),
          labels: labelNames(pull.labels),
          author: str(field(pull, 'user', 'login')),
        }))
        .filter((pull) => wanted.every((label) => pull.labels.includes(label)));
    },
  };
}

function labelNames(labels: unknown): string[] {
  return Array.isArray(labels) ? labels.map((l) => str(field(l, 'name'))) : [];
}

export function githubScm(client: ProviderClient, spec: GithubScmSpec): ScmProviderService {
  return {
    async listRepos(cloneProtocol) {
      if (!['', 'ssh', 'https'].includes(cloneProtocol))
        throw new SpokesError('InvalidSpec', `unknown clone protocol for GitHub ${cloneProtocol}`);
      const repos = await allPages(client, `orgs/${seg(spec.organization)}/repos`);
      return repos
        .filter((r) => !(spec.excludeArchivedRepos === true && r.archived === true))
        .map((r): Repository => ({
          organization: str(field(r, 'owner', 'login')),
          repository: str(r.name),
          url: str(cloneProtocol === 'https' ? r.clone_url : r.ssh_url),
          branch: str(r.default_branch),
          sha: '',
          labels: Array.isArray(r.topics) ? r.topics.map(str) : [],
          repositoryId: r.id,
        }));
    },
    async getBranches(repo) {
      const base = `repos/${seg(repo.organization)}/${seg(repo.repository)}/branches`;
      if (spec.allBranches !== true) {
        const path = `${base}/${seg(repo.branch)}`;
        const response = await get(client, path);
        if (response.status === 404) return []; // no default branch: an empty repository
        const branch = ok(response, client, path);
        return [{ ...repo, branch: str(field(branch, 'name')), sha: str(field(branch, 'commit', 'sha')) }];
      }
      const branches = await allPages(client, base);
      return branches.map((b) => ({ ...repo, branch: str(b.name), sha: str(field(b, 'commit', 'sha')) }));
    },
    async repoHasPath(repo, path) {
      const contents = withQuery(
        `repos/${seg(repo.organization)}/${seg(repo.repository)}/contents/${path.split('/').map(seg).join('/')}`,
        { ref: repo.branch },
      );
      const response = await get(client, contents);
      if (response.status === 404) return false;
      ok(response, client, contents);
      return true;
    },
  };
}
