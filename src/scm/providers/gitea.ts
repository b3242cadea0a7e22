/**
 * Gitea REST v1, as Argo CD's Gitea SDK client calls it: open pull requests of a repository,
 * repositories of an organisation with their issue labels, branches, contents. Argo CD reads only
 * the first page of each list; Spokes reads them all (50 per page).
 */
import type { GiteaPullRequestSpec, GiteaScmSpec } from '../config.ts';
import type { PullRequest, PullRequestService, Repository, ScmProviderService } from '../types.ts';
import { SpokesError } from '../../errors.ts';
import { field, get, list, ok, seg, str, withQuery, type ProviderClient } from './common.ts';
import type { ScmHttp } from '../http.ts';

const PAGE_SIZE = 50;

export function giteaClient(
  http: ScmHttp,
  spec: { api: string; insecure?: boolean | null },
  token: string,
): ProviderClient {
  const root = spec.api.endsWith('/') ? spec.api : `${spec.api}/`;
  return {
    http,
    base: `${root}api/v1/`,
    headers: token ? { authorization: `token ${token}` } : {},
    ...(spec.insecure ? { insecure: true } : {}),
  };
}

async function allPages(
  client: ProviderClient,
  path: string,
  query: Readonly<Record<string, string>> = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let page = 1; ; page++) {
    const pagePath = withQuery(path, { ...query, page, limit: PAGE_SIZE });
    const batch = list(ok(await get(client, pagePath), client, pagePath), client, pagePath);
    items.push(...batch);
    if (batch.length < PAGE_SIZE) return items;
  }
}

export function giteaPullRequests(client: ProviderClient, spec: GiteaPullRequestSpec): PullRequestService {
  return {
    async list() {
      const pulls = await allPages(client, `repos/${seg(spec.owner)}/${seg(spec.repo)}/pulls`, {
        state: 'open',
      });
      const wanted = spec.labels ?? [];
      return pulls
        .map((pull): PullRequest => ({
          number: Number(pull.number),
          title: str(pull.title),
          branch: str(field(pull, 'head', 'ref')),
          targetBranch: str(field(pull, 'base', 'ref')),
          headSHA: str(field(pull, 'head', 'sha')),
          labels: Array.isArray(pull.labels) ? pull.labels.map((l) => str(field(l, 'name'))) : [],
          author: str(field(pull, 'user', 'login')),
        }))
        .filter((pull) => wanted.every((label) => pull.labels.includes(label)));
    },
  };
}

export function giteaScm(client: ProviderClient, spec: GiteaScmSpec): ScmProviderService {
  return {
    async listRepos(cloneProtocol) {
      if (!['', 'ssh', 'https'].includes(cloneProtocol))
        throw new SpokesError('InvalidSpec', `unknown clone protocol for Gitea ${cloneProtocol}`);
      const repos = await allPages(client, `orgs/${seg(spec.owner)}/repos`);
      const out: Repository[] = [];
      for (const r of repos) {
        const labels = await allPages(client, `repos/${seg(spec.owner)}/${seg(str(r.name))}/labels`);
        if (spec.excludeArchivedRepos === true && r.archived === true) continue;
        out.push({
          organization: spec.owner,
          repository: str(r.name),
          // As Argo CD: the web URL stands for https.
          url: str(cloneProtocol === 'https' ? r.html_url : r.ssh_url),
          branch: str(r.default_branch),
          sha: '',
          labels: labels.map((l) => str(l.name)),
          repositoryId: r.id,
        });
      }
      return out;
    },
    async getBranches(repo) {
      const base = `repos/${seg(spec.owner)}/${seg(repo.repository)}/branches`;
      if (spec.allBranches !== true) {
        const path = `${base}/${seg(repo.branch)}`;
        const response = await get(client, path);
        if (response.status === 404) {
          throw new SpokesError(
            'ScmNotFound',
            `got 404 while getting default branch "${repo.branch}" for repo "${repo.repository}" - check your repo config`,
          );
        }
        const branch = ok(response, client, path);
        return [{ ...repo, sha: str(field(branch, 'commit', 'id')) }];
      }
      const branches = await allPages(client, base);
      return branches.map((b) => ({ ...repo, branch: str(b.name), sha: str(field(b, 'commit', 'id')) }));
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
