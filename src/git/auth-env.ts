/**
 * The environment a network git command (fetch) runs with. Credentials travel in environment
 * variables read by an inline credential helper (HTTPS) or in a temporary key file named by
 * GIT_SSH_COMMAND (SSH), never in the URL or the argument list, which `ps` and error messages show.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RepoCredentials } from './credentials.ts';

export interface GitAuth {
  /** Variables to add to the git process's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Secret values that must never be shown, for scrubbing git's output. */
  readonly secrets: readonly string[];
  /** Removes the temporary key file, if any. */
  readonly cleanup: () => Promise<void>;
}

const USERNAME_VAR = 'SPOKES_GIT_USERNAME';
const PASSWORD_VAR = 'SPOKES_GIT_PASSWORD';
/** Git's username when a Secret gives only a token. */
const DEFAULT_USERNAME = 'git';
/** Answers git's `get` request from the two variables above; ignores `store` and `erase`. */
const CREDENTIAL_HELPER = `!f() { test "$1" = get || exit 0; printf 'username=%s\\npassword=%s\\n' "$${USERNAME_VAR}" "$${PASSWORD_VAR}"; }; f`;

export async function prepareAuth(creds: RepoCredentials | undefined, sshCommand: string): Promise<GitAuth> {
  const https = httpsAuth(creds);
  const ssh = await sshAuth(creds, sshCommand);
  return {
    env: { GIT_TERMINAL_PROMPT: '0', ...https.env, ...ssh.env, ...configEnv(https.config) },
    secrets: [...https.secrets, ...ssh.secrets],
    cleanup: ssh.cleanup,
  };
}

interface AuthPart {
  readonly env: Record<string, string>;
  readonly secrets: readonly string[];
}

function httpsAuth(creds: RepoCredentials | undefined): AuthPart & { config: [string, string][] } {
  const config: [string, string][] = [];
  const env: Record<string, string> = {};
  const password = creds?.password?.reveal();
  if (password !== undefined) {
    // An empty helper first clears helpers from the user's config, so ours is the only one asked.
    config.push(['credential.helper', ''], ['credential.helper', CREDENTIAL_HELPER]);
    env[USERNAME_VAR] = creds?.username ?? DEFAULT_USERNAME;
    env[PASSWORD_VAR] = password;
  }
  if (creds?.insecure) config.push(['http.sslVerify', 'false']);
  return { env, config, secrets: password === undefined ? [] : [password] };
}

async function sshAuth(
  creds: RepoCredentials | undefined,
  sshCommand: string,
): Promise<AuthPart & { readonly cleanup: () => Promise<void> }> {
  const insecure = creds?.insecure ?? false;
  const key = creds?.sshPrivateKey?.reveal();
  if (key === undefined) {
    const env: Record<string, string> = insecure
      ? { GIT_SSH_COMMAND: sshCommandLine(sshCommand, undefined, true) }
      : {};
    return { env, secrets: [], cleanup: () => Promise.resolve() };
  }
  const keyDir = await mkdtemp(join(tmpdir(), 'spokes-ssh-'));
  const keyFile = join(keyDir, 'key');
  await writeFile(keyFile, key.endsWith('\n') ? key : `${key}\n`, { mode: 0o600 });
  return {
    env: { GIT_SSH_COMMAND: sshCommandLine(sshCommand, keyFile, insecure) },
    secrets: [key],
    cleanup: () => rm(keyDir, { recursive: true, force: true }),
  };
}

function sshCommandLine(sshCommand: string, keyFile: string | undefined, insecure: boolean): string {
  const parts = [sshCommand, '-o BatchMode=yes'];
  if (keyFile !== undefined) parts.push(`-i ${shellQuote(keyFile)}`, '-o IdentitiesOnly=yes');
  if (insecure) parts.push('-o StrictHostKeyChecking=no', '-o UserKnownHostsFile=/dev/null');
  return parts.join(' ');
}

/** Git configuration through GIT_CONFIG_COUNT/KEY/VALUE (git >= 2.31): not on the command line. */
function configEnv(config: readonly (readonly [string, string])[]): Record<string, string> {
  if (config.length === 0) return {};
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(config.length) };
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
