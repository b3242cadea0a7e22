/**
 * Repository credentials from Argo CD's Secrets: a `repository` Secret whose `url` is the same
 * repository, else the `repo-creds` Secret whose `url` is the longest prefix of it. A repository
 * Secret without credentials of its own takes them from the matching repo-creds, as in Argo CD.
 */
import { secretData, secretType, type Secret } from '../api/secret.ts';
import { Redacted } from '../redact.ts';
import { normalizeRepoURL } from './url.ts';

export interface RepoCredentials {
  readonly username?: string;
  /** A password or token for HTTPS. */
  readonly password?: Redacted<string>;
  /** A PEM private key for SSH. */
  readonly sshPrivateKey?: Redacted<string>;
  /** Skip TLS verification (HTTPS) or host key checking (SSH). */
  readonly insecure: boolean;
}

const REPOSITORY = 'repository';
const REPO_CREDS = 'repo-creds';

/** The credentials for `repoURL`, or undefined when no Secret has any. */
export function credentialsFor(repoURL: string, secrets: readonly Secret[]): RepoCredentials | undefined {
  const target = normalizeRepoURL(repoURL);
  const ofType = (type: string): Record<string, string>[] =>
    secrets
      .filter((secret) => secretType(secret) === type)
      .map(secretData)
      .filter(isGitSecretData);
  const repository = ofType(REPOSITORY).find((data) => normalizeRepoURL(data.url ?? '') === target);
  if (repository !== undefined && hasCredentials(repository)) return fromData(repository);
  const template = longestPrefix(target, ofType(REPO_CREDS));
  if (template === undefined) return repository === undefined ? undefined : fromData(repository);
  return fromData({ ...template, ...withoutEmpty(repository ?? {}) });
}

/** Helm and OCI repositories use other Secrets; only git (or untyped) ones count here. */
function isGitSecretData(data: Record<string, string>): boolean {
  return data.type === undefined || data.type === '' || data.type === 'git';
}

function hasCredentials(data: Record<string, string>): boolean {
  return Boolean(data.username || data.password || data.sshPrivateKey);
}

function longestPrefix(
  target: string,
  candidates: readonly Record<string, string>[],
): Record<string, string> | undefined {
  let best: Record<string, string> | undefined;
  let bestLength = 0;
  for (const data of candidates) {
    const prefix = normalizeRepoURL(data.url ?? '');
    if (prefix !== '' && target.startsWith(prefix) && prefix.length > bestLength) {
      best = data;
      bestLength = prefix.length;
    }
  }
  return best;
}

function withoutEmpty(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== ''));
}

function fromData(data: Record<string, string>): RepoCredentials | undefined {
  if (!hasCredentials(data) && data.insecure !== 'true') return undefined;
  return {
    ...(data.username ? { username: data.username } : {}),
    ...(data.password ? { password: new Redacted(data.password) } : {}),
    ...(data.sshPrivateKey ? { sshPrivateKey: new Redacted(data.sshPrivateKey) } : {}),
    insecure: data.insecure === 'true',
  };
}
