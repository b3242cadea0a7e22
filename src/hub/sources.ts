/** Cluster Secrets from the hub's Secret informer, as the generators' ClusterSource. */
import { secretSchema, secretType } from '../api/secret.ts';
import { clusterFromSecret } from '../clusters/from-secret.ts';
import type { Cluster, ClusterSource } from '../clusters/types.ts';
import type { InformerView } from '../kube/informer.ts';
import type { KubeObject } from '../kube/types.ts';

/** What one Secret object reads as: a cluster, not a cluster Secret, or why it is malformed. */
type Parsed = { cluster: Cluster; name: string } | { other: true } | { error: Error };

/**
 * Every cluster Secret in the informer's cache, sorted by name like a list from the apiserver.
 * A malformed one fails the reconcile (and so changes nothing) rather than being skipped, which
 * could delete the Applications that target it. Each Secret is parsed once per version: the
 * informer replaces an object when it changes, so the object itself keys the parse.
 */
export function informerClusterSource(secrets: Pick<InformerView<KubeObject>, 'list'>): ClusterSource {
  const parsed = new WeakMap<KubeObject, Parsed>();
  const parse = (obj: KubeObject): Parsed => {
    let found = parsed.get(obj);
    if (found === undefined) {
      found = parseClusterSecret(obj);
      parsed.set(obj, found);
    }
    return found;
  };
  return {
    list(): Promise<readonly Cluster[]> {
      const clusters: { cluster: Cluster; name: string }[] = [];
      for (const obj of secrets.list()) {
        const result = parse(obj);
        if ('error' in result) return Promise.reject(result.error);
        if ('cluster' in result) clusters.push(result);
      }
      clusters.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return Promise.resolve(clusters.map((c) => c.cluster));
    },
  };
}

function parseClusterSecret(obj: KubeObject): Parsed {
  try {
    const secret = secretSchema.parse(obj);
    if (secretType(secret) !== 'cluster') return { other: true };
    const where = `Secret ${secret.metadata.namespace ?? ''}/${secret.metadata.name}`;
    return { cluster: clusterFromSecret(secret, where), name: secret.metadata.name };
  } catch (err) {
    return { error: err instanceof Error ? err : new Error(String(err)) };
  }
}
