/** Settings of the repository cache, with their defaults, in one schema. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Secret } from '../api/secret.ts';
import type { Logger } from '../log.ts';

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

const settingsSchema = z.strictObject({
  /** Where mirrors live; default `${XDG_CACHE_HOME:-~/.cache}/spokes/repos`. */
  cacheDir: z.string().min(1).optional(),
  /** Files larger than this are refused. */
  maxFileBytes: z.number().int().positive().default(DEFAULT_MAX_FILE_BYTES),
  /** A repository is fetched (and a local one's refs re-read) at most this often. */
  minRefreshSeconds: z.number().min(0).default(60),
  /** Git commands running at once, across repositories. */
  concurrency: z.number().int().positive().default(4),
  /** A git command that prints nothing for this long is killed. */
  timeoutSeconds: z.number().positive().default(300),
  gitBinary: z.string().min(1).default('git'),
  /** The ssh program; key and host-key options are added to it. */
  sshCommand: z.string().min(1).default('ssh'),
});

export type RepoCacheSettings = z.infer<typeof settingsSchema>;

/** Repository Secrets (`repository` / `repo-creds`), read again before each fetch. */
export type CredentialSecrets = () => readonly Secret[] | Promise<readonly Secret[]>;

export interface RepoSourceOptions extends z.input<typeof settingsSchema> {
  /** repoURL → a local git repository read in place (no mirror, no fetch): `--repo URL=PATH`. */
  readonly localRepos?: ReadonlyMap<string, string>;
  readonly credentials?: readonly Secret[] | CredentialSecrets;
  /** The environment git runs with (minus GIT_* variables); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: Logger;
  /** The clock (tests). */
  readonly now?: () => number;
  /** Told of every request to a remote (metrics, as Argo CD's git client event handlers). */
  readonly events?: GitEvents;
}

/** Argo CD's git request types: `ls-remote` learns where refs point, `fetch` brings objects. */
export type GitRequestType = 'ls-remote' | 'fetch';

export interface GitEvents {
  /** A request starts; the returned function is told when it ends, and for which revision it was made. */
  onRequest(repo: string, type: GitRequestType): (end: { ok: boolean; revision: string }) => void;
}

export interface ResolvedSettings extends RepoCacheSettings {
  readonly cacheDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function parseSettings(options: RepoSourceOptions): ResolvedSettings {
  const { localRepos: _l, credentials: _c, env: given, log: _g, now: _n, events: _e, ...settings } = options;
  const parsed = settingsSchema.parse(settings);
  // git needs PATH and HOME; the caller's environment is passed on (minus GIT_*, see runner.ts).
  const env = given ?? process.env;
  return { ...parsed, env, cacheDir: parsed.cacheDir ?? defaultCacheDir(env) };
}

export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'spokes', 'repos');
}
