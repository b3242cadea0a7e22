/**
 * Credentials for Helm chart repositories and OCI registries, from Argo CD's Secrets: a
 * `repository` Secret whose `url` names the same repository (any type), else the `repo-creds`
 * Secret of type `helm` or `oci` whose `url` is the longest prefix of it; a repository Secret
 * without credentials of its own takes them from the matching repo-creds, as in Argo CD. CA
 * certificates come from the `argocd-tls-certs-cm` ConfigMap, keyed by server host name.
 * Everything secret stays in `Redacted` wrappers: nothing here is written anywhere.
 */
import { secretData, secretType, type Secret } from '../api/secret.ts';
import { Redacted } from '../redact.ts';
import { chartRepoKey } from './url.ts';

export interface ChartCredentials {
  readonly username?: string;
  readonly password?: Redacted<string>;
  /** PEM client certificate and key (`tlsClientCertData`, `tlsClientCertKey`). */
  readonly certData?: Redacted<string>;
  readonly keyData?: Redacted<string>;
  /** Skip TLS verification. */
  readonly insecure: boolean;
  /** The repository is an OCI registry (`enableOCI: "true"` or `type: oci`). */
  readonly enableOCI: boolean;
  /** Talk plain HTTP to the OCI registry (`insecureOCIForceHttp`). */
  readonly plainHTTP: boolean;
  /** The Secret's `name`: charts' `@name` / `alias:name` dependencies refer to it. */
  readonly name?: string;
}

/** What the chart source reads its credentials from. */
export interface CredentialSources {
  readonly secrets: readonly Secret[];
  /** argocd-tls-certs-cm data: host name → PEM CA certificates. */
  readonly tlsCerts: Readonly<Record<string, string>>;
}

export const NO_CREDENTIALS: CredentialSources = { secrets: [], tlsCerts: {} };

const CHART_TYPES = new Set(['helm', 'oci']);

function ofType(secrets: readonly Secret[], type: string): Record<string, string>[] {
  return secrets.filter((s) => secretType(s) === type).map(secretData);
}

function hasCredentials(data: Record<string, string>): boolean {
  return Boolean(data.username || data.password || data.tlsClientCertData);
}

function longestPrefix(target: string, candidates: readonly Record<string, string>[]) {
  let best: Record<string, string> | undefined;
  for (const data of candidates) {
    const prefix = chartRepoKey(data.url ?? '');
    if (prefix !== '' && target.startsWith(prefix) && prefix.length > chartRepoKey(best?.url ?? '').length)
      best = data;
  }
  return best;
}

function withoutEmpty(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== ''));
}

function fromData(data: Record<string, string>): ChartCredentials {
  return {
    ...(data.username ? { username: data.username } : {}),
    ...(data.password ? { password: new Redacted(data.password) } : {}),
    ...(data.tlsClientCertData ? { certData: new Redacted(data.tlsClientCertData) } : {}),
    ...(data.tlsClientCertKey ? { keyData: new Redacted(data.tlsClientCertKey) } : {}),
    insecure: data.insecure === 'true',
    enableOCI: data.enableOCI === 'true' || data.type === 'oci',
    plainHTTP: data.insecureOCIForceHttp === 'true',
    ...(data.name ? { name: data.name } : {}),
  };
}

/** The credentials for `repoURL`, or undefined when no Secret names it. */
export function chartCredentialsFor(
  repoURL: string,
  secrets: readonly Secret[],
): ChartCredentials | undefined {
  const target = chartRepoKey(repoURL);
  const repository = ofType(secrets, 'repository').find((d) => chartRepoKey(d.url ?? '') === target);
  if (repository !== undefined && hasCredentials(repository)) return fromData(repository);
  const templates = ofType(secrets, 'repo-creds').filter((d) => CHART_TYPES.has(d.type ?? ''));
  const template = longestPrefix(target, templates);
  if (template === undefined) return repository === undefined ? undefined : fromData(repository);
  return fromData({ ...template, ...withoutEmpty(repository ?? {}) });
}

/** The repository Secret named `name` (for `@name` dependencies): its URL and credentials. */
export function repositoryNamed(
  name: string,
  secrets: readonly Secret[],
): { url: string; credentials: ChartCredentials } | undefined {
  const data = ofType(secrets, 'repository').find((d) => d.name === name && d.url);
  if (data === undefined) return undefined;
  return { url: data.url!, credentials: chartCredentialsFor(data.url!, secrets) ?? fromData(data) };
}

/** PEM CA certificates for a server, from argocd-tls-certs-cm (keyed by host name, no port). */
export function caFor(host: string, tlsCerts: Readonly<Record<string, string>>): string | undefined {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  const pem = tlsCerts[name];
  return pem === undefined || pem.trim() === '' ? undefined : pem;
}

/** HTTP Basic credentials of a repository Secret, if it has any. */
export function basicAuthOf(
  creds: ChartCredentials | undefined,
): { kind: 'basic'; username: string; password: Redacted<string> } | undefined {
  if (creds?.username === undefined && creds?.password === undefined) return undefined;
  return { kind: 'basic', username: creds.username ?? '', password: creds.password ?? new Redacted('') };
}
