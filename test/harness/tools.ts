// kustomize and helm from the binary cache, run the way the sync engine will run them.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireBinaries } from './bins.ts';

const run = promisify(execFile);

export interface ToolResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs `kustomize` or `helm` with `args`. HOME and helm's cache/config/data folders point at a
 * throwaway folder, so no user settings leak in and nothing is left behind.
 */
export async function runTool(tool: 'kustomize' | 'helm', args: string[], cwd?: string): Promise<ToolResult> {
  const binary = requireBinaries([tool])[tool];
  const home = await mkdtemp(path.join(tmpdir(), `spokes-${tool}-`));
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data'),
  };
  try {
    const { stdout, stderr } = await run(binary, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr };
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || String(error);
    throw new Error(`${tool} ${args.join(' ')} failed: ${detail}`, { cause: error });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
