/**
 * GitLab REST v4, as Argo CD's client-go calls it: merge requests of a project (labels and state
 * asked of the server), projects of a group, branches, files and trees; 100 per page, following
 * X-Next-Page / X-Total-Pages. `api` is the server root; `api/v4/` is appended unless there.
 */
import type { GitlabPullRequestSpec, GitlabScmSpec } from '../config.ts';
import type { PullRequest, PullRequestService, Repository, ScmProviderService } from '../types.ts';
import { SpokesError } from '../../errors.ts';
import { field, get, list, ok, seg, str, withQuery, type ProviderClient } from './common.ts';
import type { ScmHttp } from '../http.ts';

export function gitlabBase(api: string | null | undefined): string {
  const root = api ? (api.endsWith('/') ? api : `${api}/`) : 'https://gitlab.com/';
  return root.endsWith('api/v4/') ? root : `${root}api/v4/`;
}

export function gitlabClient(
  http: ScmHttp,
  spec: { api?: string | null; insecure?: boolean | null },
  token: string,
  ca: string | undefined,
): ProviderClient {
  return {
    http,
    base: gitlabBase(spec.api),
    headers: token ? { 'private-token': token } : {},
    ...(spec.insecure ? { insecure: true } : {}),
    ...(ca ? { ca } : {}),
  };
}

type Query = Readonly<Record<string, string | number | boolean | undefined>>;

async function allPages(
  client: ProviderClient,
  path: string,
  query: Query,
  done: (headers: Readonly<Record<string, string>>) => number | undefined,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let page: number | undefined = 1;
  while (page !== undefined) {
    const pagePath = withQuery(path, { ...query, per_page: 100, ...(page > 1 ? { page } : {}) });
    const response = await get(client, pagePath);
    items.push(...list(ok(response, client, pagePath), client, pagePath));
    page = done(response.headers);
  }
  return items;
}

const byNextPage = (headers: Readonly<Record<string, string>>): number | undefined => {
  const next = Number(headers['x-next-page']);
  return Number.isFinite(next) && next > 0 ? next : undefined;
};

/** Argo CD stops when the current page reaches the total (group projects). */
const byTotalPages = (headers: Readonly<Record<string, string>>): number | undefined => {
  const current = Number(headers['x-page'] ?? 1);
  const total = Number(headers['x-total-pages'] ?? 0);
  return current >= total ? undefined : byNextPage(headers);
};

export function gitlabPullRequests(client: ProviderClient, spec: GitlabPullRequestSpec): PullRequestService {
  return {
    async list() {
      const labels = spec.labels ?? [];
      const query = {
        ...(labels.length > 0 ? { labels: labels.join(',') } : {}),
        ...(spec.pullRequestState ? { state: spec.pullRequestState } : {}),
      };
      const mrs = await allPages(client, `projects/${seg(spec.project)}/merge_requests`, query, byNextPage);
      return mrs.map((mr): PullRequest => ({
        number: Number(mr.iid),
        title: str(mr.title),
        branch: str(mr.source_branch),
        targetBranch: str(mr.target_branch),
        headSHA: str(mr.sha),
        labels: Array.isArray(mr.labels) ? mr.labels.map(str) : [],
        author: str(field(mr, 'author', 'username')),
      }));
    },
  };
}

export function gitlabScm(client: ProviderClient, spec: GitlabScmSpec): ScmProviderService {
  return {
    async listRepos(cloneProtocol) {
      if (!['', 'ssh', 'https'].includes(cloneProtocol))
        throw new SpokesError('InvalidSpec', `unknown clone protocol for Gitlab ${cloneProtocol}`);
      const query = {
        include_subgroups: spec.includeSubgroups === true,
        with_shared: spec.includeSharedProjects !== false,
        topic: spec.topic ?? '',
        ...(spec.includeArchivedRepos === true ? { archived: true } : {}),
      };
      const projects = await allPages(client, `groups/${seg(spec.group)}/projects`, query, byTotalPages);
      return projects.map((p): Repository => {
        const topics = Array.isArray(p.topics) && p.topics.length > 0 ? p.topics : p.tag_list;
        return {
          organization: str(field(p, 'namespace', 'full_path')),
          repository: str(p.path),
          url: str(cloneProtocol === 'https' ? p.http_url_to_repo : p.ssh_url_to_repo),
          branch: str(p.default_branch),
          sha: '',
          labels: Array.isArray(topics) ? topics.map(str) : [],
          repositoryId: p.id,
        };
      });
    },
    async getBranches(repo) {
      const base = `projects/${seg(str(repo.repositoryId))}/repository/branches`;
      if (spec.allBranches !== true) {
        const path = `${base}/${seg(repo.branch)}`;
        const response = await get(client, path);
        if (response.status === 404) return [];
        const branch = ok(response, client, path);
        return [{ ...repo, branch: str(field(branch, 'name')), sha: str(field(branch, 'commit', 'id')) }];
      }
      try {
        const branches = await allPages(client, base, {}, byNextPage);
        return branches.map((b) => ({ ...repo, branch: str(b.name), sha: str(field(b, 'commit', 'id')) }));
      } catch (err) {
        if (err instanceof SpokesError && err.code === 'ScmNotFound') return []; // as Argo CD: 404 is no branches
        throw err;
      }
    },
    async repoHasPath(repo, path) {
      const projectPath = `projects/${seg(`${repo.organization}/${repo.repository}`)}`;
      const project = ok(await get(client, projectPath), client, projectPath);
      const id = seg(str(field(project, 'id')));
      const file = withQuery(`projects/${id}/repository/files/${seg(path)}`, { ref: repo.branch });
      const fileResponse = await get(client, file);
      if (fileResponse.status !== 404) {
        ok(fileResponse, client, file);
        return true;
      }
      const tree = withQuery(`projects/${id}/repository/tree`, { path, ref: repo.branch });
      const treeResponse = await get(client, tree);
      if (treeResponse.status === 404) return false;
      ok(treeResponse, client, tree);
      return true;
    },
  };
}
