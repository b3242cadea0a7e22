/**
 * Recorded SCM provider answers, for `spokes generate --scm-fixture FILE`: pull requests and
 * repositories as a provider holds them, keyed by the provider block that asks for them. Each
 * generator query is answered from them the way the provider answers it: open pull requests
 * only (GitLab: all states, or `pullRequestState`), the provider-side `labels` filter, the clone
 * URL for `cloneProtocol`, archived repositories, GitLab's `topic`, and the default branch or
 * all branches. See docs/generators-external.md for the format.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseWith } from '../api/validate.ts';
import { SpokesError } from '../errors.ts';
import { parseYamlValue } from '../yaml.ts';
import type { PullRequestProvider, ScmProviderConfig } from './config.ts';
import type { PullRequest, ScmProviderService, ScmSource } from './types.ts';

const pullSchema = z.strictObject({
  number: z.number().int(),
  title: z.string().default(''),
  branch: z.string(),
  targetBranch: z.string().default(''),
  headSHA: z.string().default(''),
  labels: z.array(z.string()).default([]),
  author: z.string().default(''),
  /** open (default) or, for GitLab, opened | closed | merged | locked. */
  state: z.string().default('open'),
});

const branchSchema = z.strictObject({
  name: z.string(),
  sha: z.string().default(''),
  /** Files and directories on the branch (a directory may end with `/`), for pathsExist. */
  paths: z.array(z.string()).default([]),
});

const repoSchema = z.strictObject({
  repository: z.string(),
  /** Default: the organization, group, owner or project the generator asks for. */
  organization: z.string().optional(),
  id: z.union([z.number(), z.string()]).optional(),
  sshURL: z.string().default(''),
  httpsURL: z.string().default(''),
  defaultBranch: z.string().default('main'),
  labels: z.array(z.string()).default([]),
  archived: z.boolean().default(false),
  branches: z.array(branchSchema).default([]),
});

const coordinates = z.record(z.string(), z.string());

const fixtureSchema = z.strictObject({
  pullRequests: z.array(z.looseObject({ pulls: z.array(pullSchema).default([]) })).default([]),
  repositories: z.array(z.looseObject({ repos: z.array(repoSchema).default([]) })).default([]),
});

type Pull = z.infer<typeof pullSchema>;
type RecordedRepo = z.infer<typeof repoSchema>;
type Fixture = z.infer<typeof fixtureSchema>;

/** The fields naming what a provider block asks for (case-insensitive), per kind. */
const PR_KEYS: Readonly<Record<PullRequestProvider['kind'], readonly string[]>> = {
  github: ['owner', 'repo'],
  gitlab: ['project'],
  gitea: ['owner', 'repo'],
  bitbucketServer: ['project', 'repo'],
};
const SCM_KEYS: Readonly<Record<ScmProviderConfig['kind'], readonly string[]>> = {
  github: ['organization'],
  gitlab: ['group'],
  gitea: ['owner'],
  bitbucketServer: ['project'],
};

export function fixtureScmSource(file: string): ScmSource {
  let fixture: Promise<Fixture> | undefined;
  const load = (): Promise<Fixture> => (fixture ??= readFixture(file));
  return {
    async pullRequests(provider) {
      const entry = findEntry((await load()).pullRequests, provider, PR_KEYS[provider.kind], file);
      const pulls = entry.pulls;
      return { list: () => Promise.resolve(answerPulls(pulls, provider)) };
    },
    async scmProvider(provider) {
      const entry = findEntry((await load()).repositories, provider, SCM_KEYS[provider.kind], file);
      return recordedScm(entry.repos, provider);
    },
  };
}

async function readFixture(file: string): Promise<Fixture> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new SpokesError('Io', `cannot read: ${(err as Error).message}`, { path: [file] });
  });
  return parseWith(fixtureSchema, parseYamlValue(text, file) ?? {}, { path: [file] });
}

function findEntry<T extends Record<string, unknown>>(
  entries: readonly T[],
  provider: PullRequestProvider | ScmProviderConfig,
  keys: readonly string[],
  file: string,
): T {
  const spec = provider.spec as Readonly<Record<string, unknown>>;
  const wanted = keys.map((k) => `${k}=${String(spec[k])}`).join(', ');
  const found = entries.find((entry) => {
    const recorded = coordinates.safeParse(entry[provider.kind]);
    if (!recorded.success) return false;
    const api = recorded.data.api;
    if (api !== undefined && api !== (spec.api ?? '')) return false;
    return keys.every((k) => recorded.data[k]?.toLowerCase() === String(spec[k]).toLowerCase());
  });
  if (found === undefined) {
    throw new SpokesError(
      'SourceUnavailable',
      `${file} has no recorded answer for ${provider.kind} ${wanted}`,
    );
  }
  return found;
}

function answerPulls(pulls: readonly Pull[], provider: PullRequestProvider): PullRequest[] {
  const spec = provider.spec;
  const labels = 'labels' in spec ? (spec.labels ?? []) : [];
  const state = provider.kind === 'gitlab' ? (provider.spec.pullRequestState ?? '') : 'open';
  return pulls
    .filter((p) => state === '' || p.state === state || (state === 'open' && p.state === 'opened'))
    .filter((p) => labels.every((label) => p.labels.includes(label)))
    .map(({ state: _state, ...pull }) => pull);
}

function recordedScm(repos: readonly RecordedRepo[], provider: ScmProviderConfig): ScmProviderService {
  const spec = provider.spec;
  const owner = String((spec as Readonly<Record<string, unknown>>)[SCM_KEYS[provider.kind][0]!]);
  const byName = new Map(repos.map((r) => [r.repository, r]));
  return {
    listRepos(cloneProtocol) {
      if (!['', 'ssh', 'https'].includes(cloneProtocol))
        return Promise.reject(
          new SpokesError('InvalidSpec', `unknown clone protocol for ${provider.kind}: ${cloneProtocol}`),
        );
      const listed = repos.filter((r) => keepArchived(r, provider)).filter((r) => hasTopic(r, provider));
      return Promise.resolve(
        listed.flatMap((r) => {
          const defaultBranch = r.branches.find((b) => b.name === r.defaultBranch);
          // Bitbucket Server skips repositories without a default branch.
          if (provider.kind === 'bitbucketServer' && defaultBranch === undefined) return [];
          return [
            {
              organization: r.organization ?? owner,
              repository: r.repository,
              url: cloneProtocol === 'https' ? r.httpsURL : r.sshURL,
              branch: r.defaultBranch,
              sha: provider.kind === 'bitbucketServer' ? (defaultBranch?.sha ?? '') : '',
              labels: provider.kind === 'bitbucketServer' ? [] : r.labels,
              repositoryId: r.id ?? 0,
            },
          ];
        }),
      );
    },
    getBranches(repo) {
      const recorded = byName.get(repo.repository)!;
      const all = spec.allBranches === true;
      const branches = recorded.branches.filter((b) => all || b.name === repo.branch);
      if (!all && branches.length === 0 && provider.kind === 'gitea') {
        return Promise.reject(
          new SpokesError(
            'ScmNotFound',
            `got 404 while getting default branch "${repo.branch}" for repo "${repo.repository}"`,
          ),
        );
      }
      return Promise.resolve(branches.map((b) => ({ ...repo, branch: b.name, sha: b.sha })));
    },
    repoHasPath(repo, path) {
      const branch = byName.get(repo.repository)?.branches.find((b) => b.name === repo.branch);
      return Promise.resolve(
        (branch?.paths ?? []).some((p) => {
          const entry = p.replace(/\/+$/, '');
          return entry === path || entry.startsWith(`${path}/`);
        }),
      );
    },
  };
}

function keepArchived(repo: RecordedRepo, provider: ScmProviderConfig): boolean {
  if (provider.kind === 'gitlab') return provider.spec.includeArchivedRepos === true || !repo.archived;
  if (provider.kind === 'github' || provider.kind === 'gitea')
    return !(provider.spec.excludeArchivedRepos === true && repo.archived);
  return true;
}

function hasTopic(repo: RecordedRepo, provider: ScmProviderConfig): boolean {
  if (provider.kind !== 'gitlab') return true;
  const topic = provider.spec.topic ?? '';
  return topic === '' || repo.labels.includes(topic);
}
