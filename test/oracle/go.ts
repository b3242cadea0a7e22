/**
 * What every oracle runner needs from Go: one environment (module and build caches under
 * ${SPOKES_CACHE_DIR:-~/.cache/spokes}/go unless GOMODCACHE/GOCACHE are set), a program built into
 * that cache, and a run that sends JSON on stdin and reads JSON from stdout.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const GO_CACHE_DIR = join(process.env.SPOKES_CACHE_DIR ?? join(homedir(), '.cache', 'spokes'), 'go');

export const GO_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GOMODCACHE: process.env.GOMODCACHE ?? join(GO_CACHE_DIR, 'mod'),
  GOCACHE: process.env.GOCACHE ?? join(GO_CACHE_DIR, 'build'),
  GOFLAGS: '-mod=readonly -buildvcs=false',
};

/** The path a program named `name` is built to in the cache. */
export const goBinaryPath = (name: string): string => join(GO_CACHE_DIR, 'bin', name);

/** Builds the Go main package in `dir` into the cache as `name` (Go's build cache makes a rebuild cheap). */
export function buildGoProgram(dir: string, name: string): string {
  const bin = goBinaryPath(name);
  mkdirSync(join(GO_CACHE_DIR, 'bin'), { recursive: true });
  execFileSync('go', ['build', '-o', bin, '.'], {
    cwd: dir,
    env: GO_ENV,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return bin;
}

/** Runs a built oracle with `input` as JSON on stdin (in UTC) and returns its JSON answer. */
export function runJsonProgram<T>(bin: string, input: unknown): T {
  const out = execFileSync(bin, [], {
    input: JSON.stringify(input),
    env: { ...GO_ENV, TZ: 'UTC' },
    maxBuffer: 1 << 28,
  });
  return JSON.parse(out.toString('utf8')) as T;
}
