/**
 * A kubeconfig file and one of its contexts, checked before use: the file exists, the context
 * exists, its cluster has a server. Also what a cluster Secret needs from it (server, CA, TLS
 * settings), read the way `argocd cluster add` reads them. Credentials are never read here.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { SpokesError } from '../../errors.ts';
import { KubeClient } from '../../kube/client.ts';

export interface KubeconfigTarget {
  readonly file: string;
  /** The context used (the named one, or the file's current-context). */
  readonly context: string;
  readonly server: string;
  /** Base64 PEM of the CA the kubeconfig trusts, when it names one. */
  readonly caData: string | undefined;
  readonly insecure: boolean;
  readonly serverName: string | undefined;
  readonly client: KubeClient;
  /** `kubeconfig FILE, context C`, for messages. */
  readonly label: string;
}

interface RawCluster {
  readonly server?: unknown;
  readonly 'certificate-authority-data'?: unknown;
  readonly 'certificate-authority'?: unknown;
  readonly 'insecure-skip-tls-verify'?: unknown;
  readonly 'tls-server-name'?: unknown;
}

interface RawKubeconfig {
  readonly 'current-context'?: unknown;
  readonly contexts?: readonly { name?: unknown; context?: { cluster?: unknown } }[];
  readonly clusters?: readonly { name?: unknown; cluster?: RawCluster }[];
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function fail(file: string, detail: string): SpokesError {
  return new SpokesError('Io', detail, { path: [`kubeconfig ${file}`] });
}

async function readRaw(file: string): Promise<RawKubeconfig> {
  const source = await readFile(file, 'utf8').catch((err: unknown) => {
    throw fail(file, `cannot read: ${(err as Error).message}`);
  });
  let raw: unknown;
  try {
    raw = parse(source);
  } catch {
    throw fail(file, 'not valid YAML');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw fail(file, 'not a kubeconfig');
  return raw;
}

async function caDataOf(file: string, cluster: RawCluster): Promise<string | undefined> {
  const inline = text(cluster['certificate-authority-data']);
  if (inline !== undefined) return inline;
  const path = text(cluster['certificate-authority']);
  if (path === undefined) return undefined;
  const pem = await readFile(resolve(dirname(file), path)).catch((err: unknown) => {
    throw fail(file, `cannot read certificate-authority: ${(err as Error).message}`);
  });
  return pem.toString('base64');
}

/** Opens `file` at `context` (default: its current-context); nothing is contacted yet. */
export async function openKubeconfig(file: string, context: string | undefined): Promise<KubeconfigTarget> {
  const raw = await readRaw(file);
  const contexts = raw.contexts ?? [];
  const name = context ?? text(raw['current-context']);
  if (name === undefined) throw fail(file, 'no current-context; name one with --context');
  const entry = contexts.find((c) => c.name === name);
  if (entry === undefined) {
    const known = contexts.map((c) => String(c.name)).join(', ') || 'none';
    throw new SpokesError('ClusterNotFound', `no context "${name}" (contexts: ${known})`, {
      path: [`kubeconfig ${file}`],
    });
  }
  const clusterName = entry.context?.cluster;
  const cluster = (raw.clusters ?? []).find((c) => c.name === clusterName)?.cluster;
  const server = text(cluster?.server);
  if (cluster === undefined || server === undefined)
    throw fail(file, `context "${name}": cluster "${String(clusterName)}" has no server`);
  let client: KubeClient;
  try {
    client = KubeClient.fromKubeconfig(file, name);
  } catch (err) {
    throw fail(file, `cannot load context "${name}": ${(err as Error).message}`);
  }
  return {
    file,
    context: name,
    server: server.replace(/\/+$/, ''),
    caData: await caDataOf(file, cluster),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    serverName: text(cluster['tls-server-name']),
    client,
    label: `kubeconfig ${file}, context ${name}`,
  };
}

/** Fails with a clear message unless the cluster answers GET /version. */
export async function checkReachable(target: KubeconfigTarget, role: string): Promise<void> {
  try {
    await target.client.request('GET', '/version');
  } catch (err) {
    throw unreachable(target, role, err);
  }
}

/** A failed call to the cluster of `target`, as one message naming the role, file and context. */
export function unreachable(target: KubeconfigTarget, role: string, err: unknown): SpokesError {
  if (err instanceof SpokesError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new SpokesError('ClusterUnreachable', detail, { path: [`${role} (${target.label})`], cause: err });
}
