/**
 * The repository `spokes diff` runs in, through git plumbing only: its root, its `origin` URL,
 * revisions resolved to commits, and the working tree as a commit object. The snapshot is built
 * in a temporary index (`GIT_INDEX_FILE`: `add -A`, `write-tree`, `commit-tree`), so the user's
 * index, work tree, refs and stash are never touched; only unreferenced objects are written,
 * which git's own gc removes in time.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { SpokesError } from '../errors.ts';
import { createGitRunner, type GitRunner } from '../git/runner.ts';

export interface WorkTree {
  /** The work tree's top folder (absolute). */
  readonly root: string;
  /** The `origin` remote's URL, or undefined when there is none. */
  originURL(): Promise<string | undefined>;
  /** The commit a revision names (`main`, `origin/main`, `HEAD~1`, a SHA, a tag), or an UnknownRevision error. */
  resolveCommit(revision: string, flag: string): Promise<string>;
  /** A commit object holding the working tree as it is now (tracked and untracked, not ignored). */
  snapshot(): Promise<string>;
}

export interface WorkTreeOptions {
  /** The environment git runs with (minus GIT_* variables, see src/git/runner.ts). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly gitBinary?: string;
}

/** Fixed identity and dates: the same working tree on the same HEAD gives the same snapshot commit. */
const SNAPSHOT_ENV: Readonly<Record<string, string>> = {
  GIT_AUTHOR_NAME: 'spokes diff',
  GIT_AUTHOR_EMAIL: 'spokes-diff@localhost',
  GIT_AUTHOR_DATE: '@0 +0000',
  GIT_COMMITTER_NAME: 'spokes diff',
  GIT_COMMITTER_EMAIL: 'spokes-diff@localhost',
  GIT_COMMITTER_DATE: '@0 +0000',
};

export async function openWorkTree(dir: string, options: WorkTreeOptions): Promise<WorkTree> {
  const runner = createGitRunner({
    binary: options.gitBinary ?? 'git',
    env: options.env,
    timeoutMs: 300_000,
  });
  const root = await findRoot(runner, dir);
  return {
    root,
    async originURL() {
      const out = await runner.run(root, ['config', '--get', 'remote.origin.url']).catch(() => '');
      const url = out.trim();
      return url === '' ? undefined : url;
    },
    async resolveCommit(revision, flag) {
      const unknown = new SpokesError(
        'UnknownRevision',
        `${flag} "${revision}" names no commit in this repository`,
      );
      if (revision === '' || revision.startsWith('-')) throw unknown;
      const out = await runner
        .run(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`])
        .catch(() => '');
      const commit = out.trim();
      if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) throw unknown;
      return commit;
    },
    snapshot: () => snapshotWorkTree(runner, root),
  };
}

async function findRoot(runner: GitRunner, dir: string): Promise<string> {
  const notATree = (cause?: unknown): SpokesError =>
    new SpokesError('RepoNotFound', `${dir} is not inside a git work tree (run it in one, or give -C DIR)`, {
      cause,
    });
  const out = await runner.run(dir, ['rev-parse', '--show-toplevel']).catch((err: unknown) => {
    throw notATree(err);
  });
  const root = out.trim();
  if (root === '') throw notATree();
  return root;
}

async function snapshotWorkTree(runner: GitRunner, root: string): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'spokes-diff-index-'));
  const index = join(scratch, 'index');
  try {
    // Starting from a copy of the real index only saves re-hashing unchanged files.
    const real = (await runner.run(root, ['rev-parse', '--git-path', 'index'])).trim();
    await copyFile(isAbsolute(real) ? real : resolve(root, real), index).catch(() => undefined);
    const env = { ...SNAPSHOT_ENV, GIT_INDEX_FILE: index };
    await runner.run(root, ['add', '--all', '--', ':/'], env);
    const tree = (await runner.run(root, ['write-tree'], env)).trim();
    const head = (
      await runner.run(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '')
    ).trim();
    const parent = head === '' ? [] : ['-p', head];
    const message = ['-m', 'spokes diff: working tree'];
    return (await runner.run(root, ['commit-tree', tree, ...parent, ...message], env)).trim();
  } catch (err) {
    if (err instanceof SpokesError) throw err;
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new SpokesError('Io', `cannot read the working tree: ${detail}`, { cause: err });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
