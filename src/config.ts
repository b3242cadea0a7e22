/**
 * Command configuration: one zod schema per command with defaults, every flag with a `SPOKES_*`
 * environment fallback (`--lease-name` ← SPOKES_LEASE_NAME). The only place that reads process.env.
 */
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { parseWith } from './api/validate.ts';
import { SpokesError } from './errors.ts';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  readonly help: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export function envName(flag: string): string {
  return `SPOKES_${flag.replaceAll('-', '_').toUpperCase()}`;
}

/** Parses flags (env as fallback), validates with `schema`; 'help' when -h/--help was given. */
export function readConfig<T>(
  args: readonly string[],
  flags: FlagSpecs,
  schema: z.ZodType<T>,
  env: NodeJS.ProcessEnv = process.env,
): T | 'help' {
  const { values } = parseArgs({
    args: [...args],
    options: { ...flags, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  });
  if (values.help === true) return 'help';
  const merged: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(flags)) {
    const given = (values as Record<string, unknown>)[flag];
    const fromEnv = env[envName(flag)];
    if (given !== undefined) merged[flag] = given;
    else if (fromEnv !== undefined) merged[flag] = envValue(fromEnv, spec);
  }
  try {
    return parseWith(schema, merged, { path: [], code: 'Usage' });
  } catch (err) {
    throw err instanceof SpokesError ? new SpokesError('Usage', `--${err.detail}`) : err;
  }
}

function envValue(text: string, spec: FlagSpec): unknown {
  if (spec.type === 'boolean') return text === 'true' || text === '1';
  if (spec.multiple)
    return text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return text;
}

/** The help text's option lines, with their environment variables. */
export function flagsHelp(flags: FlagSpecs): string {
  const rows = Object.entries(flags).map(([flag, spec]) => {
    const arg = spec.type === 'string' ? ` ${flag.split('-').at(-1)!.toUpperCase()}` : '';
    return [`  ${spec.short ? `-${spec.short}, ` : ''}--${flag}${arg}`, `${spec.help} [${envName(flag)}]`];
  });
  const width = Math.max(...rows.map(([left]) => left!.length)) + 2;
  return rows.map(([left, right]) => `${left!.padEnd(width)}${right}`).join('\n');
}

/** Webhook shared secrets come from the environment only, never flags (which `ps` shows). */
export function webhookSecretsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  github?: string;
  gitlab?: string;
  gitea?: string;
  bitbucketServer?: string;
  bitbucketUUID?: string;
} {
  const pick = (name: string): Record<string, string> => {
    const value = env[`SPOKES_WEBHOOK_${name}`];
    return value ? { [name]: value } : {};
  };
  const raw = {
    ...pick('GITHUB_SECRET'),
    ...pick('GITLAB_SECRET'),
    ...pick('GITEA_SECRET'),
    ...pick('BITBUCKET_SERVER_SECRET'),
    ...pick('BITBUCKET_UUID'),
  };
  return {
    ...(raw.GITHUB_SECRET ? { github: raw.GITHUB_SECRET } : {}),
    ...(raw.GITLAB_SECRET ? { gitlab: raw.GITLAB_SECRET } : {}),
    ...(raw.GITEA_SECRET ? { gitea: raw.GITEA_SECRET } : {}),
    ...(raw.BITBUCKET_SERVER_SECRET ? { bitbucketServer: raw.BITBUCKET_SERVER_SECRET } : {}),
    ...(raw.BITBUCKET_UUID ? { bitbucketUUID: raw.BITBUCKET_UUID } : {}),
  };
}

/**
 * The bearer token `spokes generate` sends to plugin NAME at an http(s) URL: SPOKES_PLUGIN_TOKEN_<NAME>
 * (NAME upper-cased, other characters as `_`), else SPOKES_PLUGIN_TOKEN, else none.
 */
export function pluginTokenFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const own = env[`SPOKES_PLUGIN_TOKEN_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];
  return own ?? env.SPOKES_PLUGIN_TOKEN ?? '';
}
