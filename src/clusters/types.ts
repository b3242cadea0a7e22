import type { Redacted } from '../redact.ts';

/** What a cluster Secret's `config` holds (Argo CD's ClusterConfig). Never logged or templated. */
export interface ClusterConfig {
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
  readonly awsAuthConfig?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** A cluster registered through an `argocd.argoproj.io/secret-type: cluster` Secret. */
export interface Cluster {
  /** The Secret's own metadata. */
  readonly secretName: string;
  readonly secretNamespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The Secret's `name`, `server` and `project` data fields (`project` undefined when absent). */
  readonly name: string;
  readonly server: string;
  readonly project: string | undefined;
  readonly namespaces: readonly string[];
  readonly clusterResources: boolean;
  /** The Secret's `shard` data field: pins the cluster to a controller shard (as in Argo CD). */
  readonly shard?: string;
  /** Credentials stay inside this wrapper: it prints and serialises as "[redacted]". */
  readonly config: Redacted<ClusterConfig>;
}

/** Where clusters come from: a `clusters/` folder offline, the hub's Secrets in the controller. */
export interface ClusterSource {
  /** Every cluster Secret, in the order the source lists them (by Secret name). */
  list(): Promise<readonly Cluster[]>;
}

export const CLUSTER_SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';
export const IN_CLUSTER_NAME = 'in-cluster';
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
