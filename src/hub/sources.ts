/** Cluster Secrets from the hub's Secret informer, as the generators' ClusterSource. */
import { secretSchema, secretType } from '../api/secret.ts';
import { clusterFromSecret } from '../clusters/from-secret.ts';
import type { Cluster, ClusterSource } from '../clusters/types.ts';
import type { Informer } from '../kube/informer.ts';
import type { KubeObject } from '../kube/types.ts';

/**
 * Every cluster Secret in the informer's cache, sorted by name like a list from the apiserver.
 * A malformed one fails the reconcile (and so changes nothing) rather than being skipped, which
 * could delete the Applications that target it.
 */
export function informerClusterSource(secrets: Informer<KubeObject>): ClusterSource {
  return {
    list(): Promise<readonly Cluster[]> {
      try {
        const clusters = secrets
          .list()
          .map((obj) => secretSchema.parse(obj))
          .filter((secret) => secretType(secret) === 'cluster')
          .sort((a, b) =>
            a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0,
          )
          .map((secret) =>
            clusterFromSecret(secret, `Secret ${secret.metadata.namespace ?? ''}/${secret.metadata.name}`),
          );
        return Promise.resolve(clusters);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
}
