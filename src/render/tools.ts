/**
 * Running kustomize and helm: found at a configured path or on the given PATH; run with a throwaway
 * HOME (and helm's cache/config/data folders under it), so no user settings leak in and nothing is
 * left behind. A missing tool or a failing run is a typed error carrying the tool's own message.
 */
import { execFile } from 'node:child_process';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { SpokesError } from '../errors.ts';

const exec = promisify(execFile);

export type ToolName = 'kustomize' | 'helm';

export interface ToolOptions {
  /** Explicit binaries (`--kustomize-path`, `--helm-path`); otherwise looked up on `searchPath`. */
  readonly kustomize?: string;
  readonly helm?: string;
  /** A PATH-style list of folders to look in. */
  readonly searchPath?: string;
  /** Kill a tool run after this long (default 90 s). */
  readonly timeoutMs?: number;
}

const FLAG: Record<ToolName, string> = { kustomize: '--kustomize-path', helm: '--helm-path' };
const found = new Map<string, Promise<string>>();

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function locate(tool: ToolName, options: ToolOptions): Promise<string> {
  const explicit = options[tool];
  if (explicit !== undefined && explicit !== '') {
    if (await executable(explicit)) return explicit;
    throw new SpokesError('ToolNotFound', `${tool} not found at ${explicit} (given with ${FLAG[tool]})`);
  }
  for (const dir of (options.searchPath ?? '').split(delimiter)) {
    if (dir !== '' && (await executable(join(dir, tool)))) return join(dir, tool);
  }
  throw new SpokesError('ToolNotFound', `${tool} not found on PATH: install it or give ${FLAG[tool]}`);
}

/** The tool's binary (memoised per tool and options). */
export function toolPath(tool: ToolName, options: ToolOptions): Promise<string> {
  const key = `${tool}\0${options[tool] ?? ''}\0${options.searchPath ?? ''}`;
  let path = found.get(key);
  if (path === undefined) {
    path = locate(tool, options);
    found.set(key, path);
    path.catch(() => found.delete(key));
  }
  return path;
}

/** The last lines of a tool's error output, which carry the reason. */
function reason(err: unknown): string {
  const stderr = (err as { stderr?: unknown }).stderr;
  const text =
    typeof stderr === 'string' && stderr.trim() !== ''
      ? stderr
      : err instanceof Error
        ? err.message
        : String(err);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.slice(-3).join('; ');
}

/** Runs `tool args...` in `cwd`; resolves with stdout. */
export async function runTool(
  tool: ToolName,
  args: readonly string[],
  cwd: string,
  options: ToolOptions,
): Promise<string> {
  const binary = await toolPath(tool, options);
  const home = await mkdtemp(join(tmpdir(), `spokes-${tool}-home-`));
  const env = {
    HOME: home,
    PATH: options.searchPath ?? '',
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  try {
    const { stdout } = await exec(binary, [...args], {
      cwd,
      env,
      timeout: options.timeoutMs ?? 90_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    throw new SpokesError('RenderFailed', `${tool} ${args[0] ?? ''} failed: ${reason(err)}`, { cause: err });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
