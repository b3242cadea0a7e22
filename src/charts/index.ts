/**
 * Helm chart repositories and OCI registries: `createChartSource` gives the ChartSource that
 * rendering resolves and fetches charts through. Only this folder talks to them.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export { createChartSource, type ChartSourceOptions, type ChartSourceWithStats } from './source.ts';
export { NO_CREDENTIALS, type CredentialSources } from './credentials.ts';
export { parseChartRepoMappings } from './local.ts';
export type { ChartArchive, ChartRef, ChartSource, ResolvedArtifact, ResolvedChart } from './types.ts';

/** `$XDG_CACHE_HOME/spokes/charts`, else `~/.cache/spokes/charts`. */
export function defaultChartCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'spokes', 'charts');
}
