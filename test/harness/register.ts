// Registers a spoke on the hub the way an Argo CD user does: a Secret in the argocd namespace,
// labelled argocd.argoproj.io/secret-type=cluster, with name, server and a config holding the
// bearer token and the spoke's CA.
import { CoreV1Api } from '@kubernetes/client-node';
import type { V1Secret } from '@kubernetes/client-node';
import type { Cluster, UserName } from './cluster.ts';

export interface RegisterOptions {
  /** The cluster name Argo CD shows (data.name). Default: the spoke's harness name. */
  name?: string;
  /** Labels on the Secret, besides the secret-type label. */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Namespace on the hub. Default: argocd. */
  namespace?: string;
  /** Whose token goes into the config. Default: admin. */
  user?: UserName;
}

/** The `config` field of an Argo CD cluster Secret. */
export interface ClusterSecretConfig {
  bearerToken: string;
  tlsClientConfig: { insecure: boolean; caData: string };
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

export function clusterSecret(spoke: Cluster, options: RegisterOptions = {}): V1Secret {
  const name = options.name ?? spoke.name;
  const config: ClusterSecretConfig = {
    bearerToken: spoke.users[options.user ?? 'admin'].token,
    tlsClientConfig: { insecure: false, caData: b64(spoke.caPem) },
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: `cluster-${name}`,
      namespace: options.namespace ?? 'argocd',
      labels: { ...options.labels, 'argocd.argoproj.io/secret-type': 'cluster' },
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    data: { name: b64(name), server: b64(spoke.server), config: b64(JSON.stringify(config)) },
  };
}

/** Writes (or rewrites) the spoke's cluster Secret on the hub, creating the namespace if needed. */
export async function registerSpoke(
  hub: Cluster,
  spoke: Cluster,
  options: RegisterOptions = {},
): Promise<V1Secret> {
  const secret = clusterSecret(spoke, options);
  const namespace = secret.metadata?.namespace as string;
  await hub.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }]);
  const [applied] = await hub.apply([secret]);
  return applied as V1Secret;
}

/** Removes the spoke's cluster Secret from the hub. */
export async function unregisterSpoke(hub: Cluster, name: string, namespace = 'argocd'): Promise<void> {
  await hub.api(CoreV1Api).deleteNamespacedSecret({ name: `cluster-${name}`, namespace });
}
