// There is no kubelet: pods are created by the controllers but never run. These helpers play the
// kubelet's part in status, so the real deployment/replicaset controllers compute a ready workload.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Cluster } from './cluster.ts';

interface PodList {
  items: KubernetesObject[];
}

/**
 * Marks every pod in `namespace` (optionally matching `labelSelector`) Running and Ready through
 * the status subresource; returns their names. A Deployment whose pods are all marked becomes
 * Available once its controllers observe them.
 */
export async function markPodsReady(
  cluster: Cluster,
  namespace: string,
  labelSelector?: string,
): Promise<string[]> {
  const query = labelSelector ? `?${new URLSearchParams({ labelSelector }).toString()}` : '';
  const pods = await cluster.request<PodList>('GET', `/api/v1/namespaces/${namespace}/pods${query}`);
  const now = new Date().toISOString();
  const names: string[] = [];
  for (const pod of pods.items) {
    const name = pod.metadata?.name ?? '';
    await cluster.request('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, {
      contentType: 'application/merge-patch+json',
      body: {
        status: {
          phase: 'Running',
          conditions: [
            { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
            { type: 'Initialized', status: 'True', lastTransitionTime: now },
            { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
            { type: 'Ready', status: 'True', lastTransitionTime: now },
          ],
        },
      },
    });
    names.push(name);
  }
  return names;
}
