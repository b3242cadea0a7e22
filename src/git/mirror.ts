/**
 * Bare mirrors of remote repositories under the cache folder: branches, tags and the remote's
 * HEAD, fetched on demand. A new mirror is built in a temporary folder and renamed into place, so
 * a half-done clone is never used. A stamp file records the last fetch, so separate runs (the CLI)
 * share the minimum refresh interval too.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitCommandError, type GitRunner } from './runner.ts';
import { normalizeRepoURL } from './url.ts';

/** Where the remote's HEAD is kept in a mirror. */
export const MIRROR_HEAD = 'refs/spokes/HEAD';

const BRANCHES_AND_TAGS = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];
const REMOTE_HEAD = `+HEAD:${MIRROR_HEAD}`;
const STAMP = 'spokes-fetched';

/** A readable, collision-free folder name for a repository URL. */
export function mirrorDir(cacheDir: string, repoURL: string): string {
  const normalized = normalizeRepoURL(repoURL);
  const hash = createHash('sha256').update(normalized).digest('hex').slice(0, 12);
  const readable = normalized
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(-60)
    .replace(/^[-.]+/, '');
  return join(cacheDir, `${readable}-${hash}.git`);
}

export interface MirrorFetch {
  readonly runner: GitRunner;
  readonly dir: string;
  /** The URL git fetches (credentials already moved out of it). */
  readonly url: string;
  /** Environment with credentials for this fetch. */
  readonly env: Readonly<Record<string, string>>;
  /** The clock the stamp is set from (ms since the epoch). */
  readonly now: () => number;
}

/** When the mirror was last fetched (ms since the epoch), or undefined when there is no mirror. */
export async function lastFetched(dir: string): Promise<number | undefined> {
  try {
    return (await stat(join(dir, STAMP))).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Creates the mirror, or fetches into it. */
export async function fetchMirror(fetch: MirrorFetch): Promise<void> {
  if ((await lastFetched(fetch.dir)) === undefined) await createMirror(fetch);
  else await fetchInto(fetch, fetch.dir);
}

async function createMirror(fetch: MirrorFetch): Promise<void> {
  const tmp = `${fetch.dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await mkdir(tmp, { recursive: true });
  try {
    await fetch.runner.run(tmp, ['init', '--quiet', '--bare', '.']);
    await fetchInto(fetch, tmp);
    await moveIntoPlace(tmp, fetch.dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Another process may have won the race: its complete mirror is kept; leftovers are replaced. */
async function moveIntoPlace(tmp: string, dir: string): Promise<void> {
  try {
    await rename(tmp, dir);
  } catch (err) {
    if ((await lastFetched(dir)) !== undefined) return;
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir).catch(() => {
      throw err;
    });
  }
}

async function fetchInto(fetch: MirrorFetch, dir: string): Promise<void> {
  // --end-of-options: a repoURL starting with "-" is a URL, never an option.
  const args = [
    'fetch',
    '--quiet',
    '--prune',
    '--force',
    '--no-write-fetch-head',
    '--end-of-options',
    fetch.url,
  ];
  try {
    await fetch.runner.run(dir, [...args, ...BRANCHES_AND_TAGS, REMOTE_HEAD], fetch.env);
  } catch (err) {
    // A remote whose HEAD names a missing branch (an old bare repository): no HEAD, the rest still counts.
    if (!(err instanceof GitCommandError) || !/couldn't find remote ref HEAD/i.test(err.stderr)) throw err;
    await fetch.runner.run(dir, [...args, ...BRANCHES_AND_TAGS], fetch.env);
  }
  const stamp = join(dir, STAMP);
  await writeFile(stamp, '');
  const now = new Date(fetch.now());
  await utimes(stamp, now, now);
}
