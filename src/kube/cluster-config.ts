/**
 * A KubeConfig for a spoke, built from an Argo CD cluster Secret's `config` (bearer token, basic
 * auth, client certificate, CA or insecure TLS, server name, exec credential plugin). The values
 * never leave the KubeConfig: errors here name the field, never its content.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, User } from '@kubernetes/client-node';

/** The shape of a cluster Secret's `config` this needs (Argo CD's ClusterConfig). */
export interface ClusterCredentials {
  readonly username?: string;
  readonly password?: string;
  readonly bearerToken?: string;
  readonly tlsClientConfig?: {
    readonly insecure?: boolean;
    readonly serverName?: string;
    readonly caData?: string;
    readonly certData?: string;
    readonly keyData?: string;
  };
  readonly execProviderConfig?: Readonly<Record<string, unknown>>;
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

/** Argo's execProviderConfig (env as a map) in kubeconfig's exec form (env as name/value pairs). */
interface ExecConfig {
  readonly command: string;
  readonly args: string[];
  readonly env: { name: string; value: string }[];
  readonly apiVersion: string;
}

function execOf(exec: Readonly<Record<string, unknown>> | undefined): ExecConfig | undefined {
  if (exec === undefined || typeof exec['command'] !== 'string' || exec['command'] === '') return undefined;
  const env = exec['env'];
  const pairs =
    env !== null && typeof env === 'object' && !Array.isArray(env)
      ? Object.entries(env as Record<string, unknown>).map(([name, value]) => ({
          name,
          value: String(value),
        }))
      : [];
  return {
    command: exec['command'],
    args: stringList(exec['args']) ?? [],
    env: pairs,
    apiVersion:
      typeof exec['apiVersion'] === 'string' ? exec['apiVersion'] : 'client.authentication.k8s.io/v1beta1',
  };
}

export function kubeConfigForCluster(server: string, credentials: ClusterCredentials): KubeConfig {
  const tls = credentials.tlsClientConfig ?? {};
  const cluster: Cluster = {
    name: 'spoke',
    server,
    skipTLSVerify: tls.insecure === true,
    ...(nonEmpty(tls.caData) === undefined ? {} : { caData: tls.caData }),
    ...(nonEmpty(tls.serverName) === undefined ? {} : { tlsServerName: tls.serverName }),
  };
  const exec = execOf(credentials.execProviderConfig);
  const user: User = {
    name: 'spokes',
    ...(nonEmpty(credentials.bearerToken) === undefined ? {} : { token: credentials.bearerToken }),
    ...(nonEmpty(credentials.username) === undefined ? {} : { username: credentials.username }),
    ...(nonEmpty(credentials.password) === undefined ? {} : { password: credentials.password }),
    ...(nonEmpty(tls.certData) === undefined ? {} : { certData: tls.certData }),
    ...(nonEmpty(tls.keyData) === undefined ? {} : { keyData: tls.keyData }),
    ...(exec === undefined ? {} : { exec }),
  };
  const config = new KubeConfig();
  config.loadFromClusterAndUser(cluster, user);
  return config;
}
