/**
 * Reads a cluster Secret into a `Cluster`. The Secret's `config` (credentials) is parsed into a
 * `Redacted` holder and never copied anywhere else; errors never quote it.
 */
import { secretData, secretSchema, secretType, type Secret } from '../api/secret.ts';
import { SpokesError } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';
import { Redacted } from '../redact.ts';
import type { Cluster, ClusterConfig } from './types.ts';

export function clusterFromSecret(secret: Secret, source: string): Cluster {
  const data = secretData(secret);
  const where = [source, `Secret ${secret.metadata.name}`];
  if (!data.server) {
    throw new SpokesError('InvalidCluster', 'data.server is required (the cluster API server URL)', {
      path: where,
    });
  }
  return {
    secretName: secret.metadata.name,
    secretNamespace: secret.metadata.namespace ?? '',
    labels: secret.metadata.labels ?? {},
    annotations: secret.metadata.annotations ?? {},
    name: data.name ?? '',
    server: data.server,
    project: data.project,
    namespaces: splitList(data.namespaces),
    clusterResources: data.clusterResources === 'true',
    ...(data.shard === undefined ? {} : { shard: data.shard }),
    config: new Redacted(parseConfig(data.config, where)),
  };
}

function parseConfig(text: string | undefined, where: readonly string[]): ClusterConfig {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The text holds credentials: say what is wrong, never quote it.
    throw new SpokesError('InvalidCluster', 'data.config is not valid JSON', { path: where });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SpokesError('InvalidCluster', 'data.config must be a JSON object', { path: where });
  }
  return value as ClusterConfig;
}

function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A hub Secret as a cluster, or undefined when it is not a cluster Secret or does not parse (for
 * readers that skip a broken one; the generators refuse it instead, see src/hub/sources.ts).
 */
export function clusterOfObject(obj: KubeObject): Cluster | undefined {
  const parsed = secretSchema.safeParse(obj);
  if (!parsed.success || secretType(parsed.data) !== 'cluster') return undefined;
  try {
    return clusterFromSecret(parsed.data, `Secret ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
  } catch {
    return undefined;
  }
}
