/**
 * Runs one git command through simple-git. The child sees a clean environment: the caller's
 * variables minus every GIT_* one (except the CA settings a proxy may need) and those naming
 * programs git would run (EDITOR, PAGER, ...), plus what the command needs (credentials, see
 * auth-env.ts).
 */
import { simpleGit } from 'simple-git';

export interface GitRunner {
  /** Runs `git args...` in `dir`; resolves with stdout, rejects with a GitCommandError. */
  run(dir: string, args: readonly string[], extraEnv?: Readonly<Record<string, string>>): Promise<string>;
  /** The environment persistent git processes (cat-file) start with. */
  readonly env: Readonly<Record<string, string>>;
  readonly binary: string;
}

export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  /** git's error output (may hold URLs: scrub before showing). */
  readonly stderr: string;

  constructor(stderr: string, cause: unknown) {
    super(stderr.trim() || (cause instanceof Error ? cause.message : String(cause)), { cause });
    this.stderr = stderr;
  }
}

/** Ambient GIT_* variables kept: where to find CA certificates (corporate proxies). */
const KEPT_GIT_VARS = new Set(['GIT_SSL_CAINFO', 'GIT_SSL_CAPATH']);
/** Variables that make git run other programs (editors, pagers, askpass); git never needs them here. */
const DROPPED_VARS = new Set(['EDITOR', 'VISUAL', 'PAGER', 'PREFIX', 'SSH_ASKPASS']);

export interface GitRunnerOptions {
  readonly binary: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Kill a command that prints nothing for this long. */
  readonly timeoutMs: number;
}

export function createGitRunner(options: GitRunnerOptions): GitRunner {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) {
    if (value === undefined) continue;
    const upper = key.toUpperCase();
    if ((upper.startsWith('GIT_') && !KEPT_GIT_VARS.has(key)) || DROPPED_VARS.has(upper)) continue;
    base[key] = value;
  }
  return {
    env: base,
    binary: options.binary,
    async run(dir, args, extraEnv = {}) {
      const env = { ...base, ...extraEnv };
      const git = simpleGit({
        baseDir: dir,
        binary: options.binary,
        timeout: { block: options.timeoutMs },
        allowEnvironment: Object.keys(env),
        unsafe: {
          allowUnsafeConfigEnvCount: true,
          allowUnsafeCredentialHelper: true,
          allowUnsafeSshCommand: true,
        },
      });
      try {
        return await git.env(env).raw([...args]);
      } catch (err) {
        throw new GitCommandError(err instanceof Error ? err.message : String(err), err);
      }
    },
  };
}
