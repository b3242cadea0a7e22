/**
 * The RepoSource over real git: remote repositories through bare mirrors in the cache folder,
 * `--repo URL=PATH` repositories read in place. Every error names the repository (credentials
 * removed), the revision and, for reads, the path.
 */
import { access } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import pLimit from 'p-limit';
import type { Secret } from '../api/secret.ts';
import { SpokesError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { noteOnActiveSpan } from '../observability/tracing.ts';
import { Redacted } from '../redact.ts';
import { prepareAuth } from './auth-env.ts';
import { credentialsFor, type RepoCredentials } from './credentials.ts';
import { fetchMirror, lastFetched, MIRROR_HEAD, mirrorDir } from './mirror.ts';
import { parseSettings, type RepoSourceOptions, type ResolvedSettings } from './options.ts';
import { Repo, type RepoSettings } from './repo.ts';
import { createGitRunner, GitCommandError, type GitRunner } from './runner.ts';
import type { ListTreeOptions, RepoRevision, RepoSource, TreeEntry } from './types.ts';
import { displayURL, normalizeRepoURL, scrubCredentials, splitURLCredentials } from './url.ts';

export interface GitRepoSource extends RepoSource {
  /** Forgets how fresh a repository is, so its next read fetches (after a push). */
  refresh(repoURL: string): void;
  /**
   * Writes the commit's whole tree into `dest`, for tools that need files on disk (kustomize,
   * helm); symlinks leaving the tree are refused.
   */
  exportTree(at: RepoRevision, dest: string): Promise<void>;
  /** Ends the git processes kept open for reading. */
  close(): void;
}

export function createRepoSource(options: RepoSourceOptions = {}): GitRepoSource {
  const settings = parseSettings(options);
  const runner = createGitRunner({
    binary: settings.gitBinary,
    env: settings.env,
    timeoutMs: settings.timeoutSeconds * 1000,
  });
  const repoSettings: RepoSettings = {
    runner,
    limit: pLimit(settings.concurrency),
    minRefreshMs: settings.minRefreshSeconds * 1000,
    maxFileBytes: settings.maxFileBytes,
    now: options.now ?? Date.now,
    ...(options.events ? { events: options.events } : {}),
  };
  const context: SourceContext = {
    options,
    settings,
    runner,
    repoSettings,
    log: options.log ?? silentLogger,
  };
  const local = new Map<string, string>();
  for (const [url, path] of options.localRepos ?? []) local.set(normalizeRepoURL(url), path);
  const repos = new Map<string, Promise<Repo>>();

  const repoFor = (repoURL: string): Promise<Repo> => {
    const key = normalizeRepoURL(repoURL);
    let repo = repos.get(key);
    if (repo === undefined) {
      const path = local.get(key);
      repo =
        path === undefined
          ? Promise.resolve(mirrorRepo(repoURL, context))
          : localRepo(repoURL, path, context);
      repos.set(key, repo);
      repo.catch(() => repos.get(key) === repo && repos.delete(key));
    }
    return repo;
  };

  return {
    async resolve(repoURL, revision) {
      const at = { repoURL, revision, commit: '' };
      const commit = await located(at, async () => {
        const found = await (await repoFor(repoURL)).resolve(revision);
        if (found.commit === undefined) {
          throw new SpokesError('UnknownRevision', 'unknown revision: no branch, tag or commit of that name');
        }
        noteOnActiveSpan('spokes.git.resolve', {
          'spokes.git.repo': displayURL(repoURL),
          'spokes.git.revision': revision,
          'spokes.git.commit': found.commit,
          'spokes.git.cache': found.cached ? 'hit' : 'miss',
        });
        return found.commit;
      });
      return { repoURL, revision, commit };
    },
    listTree(at, listOptions?: ListTreeOptions): Promise<readonly TreeEntry[]> {
      return located(at, async () => {
        const repo = await repoFor(at.repoURL);
        return (await repo.tree(checkedCommit(at), listOptions?.directoriesOnly ?? false)).entries;
      });
    },
    readFile(at, path) {
      return located(at, async () => (await repoFor(at.repoURL)).readFile(checkedCommit(at), path));
    },
    exportTree(at, dest) {
      return located(at, async () => (await repoFor(at.repoURL)).exportTo(checkedCommit(at), dest));
    },
    refresh(repoURL) {
      void repos.get(normalizeRepoURL(repoURL))?.then(
        (repo) => repo.markStale(),
        () => undefined,
      );
    },
    close() {
      for (const repo of repos.values())
        void repo.then(
          (r) => r.close(),
          () => undefined,
        );
    },
  };
}

interface SourceContext {
  readonly options: RepoSourceOptions;
  readonly settings: ResolvedSettings;
  readonly runner: GitRunner;
  readonly repoSettings: RepoSettings;
  readonly log: Logger;
}

/**
 * A `--repo URL=PATH` repository: its own branches and tags, read in place. PATH may also be a
 * folder inside a repository (`--repo URL=examples/fleet`): that folder is then the repository's
 * root, as if it had been pushed on its own, and nothing above it can be read.
 */
async function localRepo(repoURL: string, path: string, context: SourceContext): Promise<Repo> {
  const dir = resolvePath(path);
  const notARepo = (err: unknown): SpokesError =>
    new SpokesError('RepoNotFound', `${dir} is not a git repository or a folder in one (given with --repo)`, {
      cause: err,
    });
  await access(dir).catch((err: unknown) => {
    throw notARepo(err);
  });
  const [gitDir = '', prefix = ''] = (
    await context.runner
      .run(dir, ['rev-parse', '--absolute-git-dir', '--show-prefix'])
      .catch((err: unknown) => {
        throw notARepo(err);
      })
  ).split('\n');
  const root = prefix.trim().replace(/\/$/, '');
  return new Repo(
    { gitDir: gitDir.trim(), head: 'HEAD', label: repoLabelOf(repoURL), ...(root ? { root } : {}) },
    context.repoSettings,
  );
}

/** A remote repository, through a bare mirror in the cache folder. */
function mirrorRepo(repoURL: string, context: SourceContext): Repo {
  const split = splitURLCredentials(repoURL);
  const dir = mirrorDir(context.settings.cacheDir, split.url);
  const update = async (force: boolean): Promise<void> => {
    const fetched = await lastFetched(dir);
    const now = context.repoSettings.now();
    if (!force && fetched !== undefined && now - fetched < context.repoSettings.minRefreshMs) return;
    const creds = fromURL(split) ?? credentialsFor(split.url, await secrets(context.options));
    const auth = await prepareAuth(creds, context.settings.sshCommand);
    const started = Date.now();
    try {
      await fetchMirror({
        runner: context.runner,
        dir,
        url: split.url,
        env: auth.env,
        now: context.repoSettings.now,
      });
      context.log.info('git fetch', { repo: displayURL(repoURL), ms: Date.now() - started });
    } catch (err) {
      throw fetchError(err, auth.secrets);
    } finally {
      await auth.cleanup();
    }
  };
  return new Repo(
    { gitDir: dir, head: MIRROR_HEAD, update, label: repoLabelOf(repoURL) },
    context.repoSettings,
  );
}

/** The repository as Argo CD's metrics name it (NormalizeGitURL), credentials removed. */
function repoLabelOf(repoURL: string): string {
  return normalizeRepoURL(splitURLCredentials(repoURL).url);
}

function fromURL(split: ReturnType<typeof splitURLCredentials>): RepoCredentials | undefined {
  if (split.password === undefined) return undefined;
  return {
    ...(split.username === undefined ? {} : { username: split.username }),
    password: new Redacted(split.password),
    insecure: false,
  };
}

async function secrets(options: RepoSourceOptions): Promise<readonly Secret[]> {
  const credentials = options.credentials ?? [];
  return typeof credentials === 'function' ? await credentials() : credentials;
}

const NOT_FOUND = /not found|does not appear to be a git repository|does not exist|no such file/i;

function fetchError(err: unknown, secretValues: readonly string[]): SpokesError {
  const text = err instanceof GitCommandError ? err.stderr : err instanceof Error ? err.message : String(err);
  const lines = scrubCredentials(text, secretValues)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const detail = `cannot fetch: ${lines.slice(-2).join('; ') || 'git fetch failed'}`;
  return new SpokesError(NOT_FOUND.test(text) ? 'RepoNotFound' : 'RepoUnreachable', detail);
}

function checkedCommit(at: RepoRevision): string {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(at.commit)) {
    throw new SpokesError('UnknownRevision', `"${at.commit}" is not a resolved commit`);
  }
  return at.commit;
}

/** Runs `work`, naming the repository and revision in any error it throws. */
async function located<T>(at: RepoRevision, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const where = describeRevision(at);
    if (err instanceof SpokesError)
      throw new SpokesError(err.code, `${where}: ${err.detail}`, { cause: err });
    const detail = err instanceof Error ? err.message : String(err);
    throw new SpokesError('RepoUnreachable', `${where}: ${detail}`, { cause: err });
  }
}

/** `https://github.com/org/repo.git revision "main" (3f2a1b9)`. */
export function describeRevision(at: RepoRevision): string {
  const commit = at.commit !== '' && at.commit !== at.revision ? ` (${at.commit.slice(0, 7)})` : '';
  return `${displayURL(at.repoURL)} revision "${at.revision}"${commit}`;
}
