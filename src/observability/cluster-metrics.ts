/**
 * Argo CD's cluster metrics (controller/metrics/clustercollector.go): per destination cluster the
 * sync half watches, read at scrape time from its live caches, plus the watch events it processed.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** What the metrics read of one spoke's live cache. */
export interface ClusterView {
  readonly server: string;
  readonly name: string;
  /** The apiserver's gitVersion, once known; empty before. */
  readonly k8sVersion: string;
  readonly reachable: boolean;
  /** Resource types watched. */
  readonly apiResources: number;
  /** Objects held in the cache. */
  readonly objects: number;
}

export interface ClusterMetrics {
  collectFrom(clusters: () => readonly ClusterView[]): void;
  countEvent(server: string, group: string, kind: string): void;
}

export function createClusterMetrics(registry: Registry): ClusterMetrics {
  let source: (() => readonly ClusterView[]) | undefined;
  const info = new Gauge({
    name: 'argocd_cluster_info',
    help: 'Information about cluster.',
    labelNames: ['server', 'k8s_version', 'name'],
    registers: [registry],
    collect() {
      collect();
    },
  });
  const objects = new Gauge({
    name: 'argocd_cluster_api_resource_objects',
    help: 'Number of k8s resource objects in the cache.',
    labelNames: ['server'],
    registers: [registry],
  });
  const apis = new Gauge({
    name: 'argocd_cluster_api_resources',
    help: 'Number of monitored kubernetes API resources.',
    labelNames: ['server'],
    registers: [registry],
  });
  const connection = new Gauge({
    name: 'argocd_cluster_connection_status',
    help: 'The k8s cluster current connection status.',
    labelNames: ['server', 'k8s_version'],
    registers: [registry],
  });
  const events = new Counter({
    name: 'argocd_cluster_events_total',
    help: 'Number of processes k8s resource events.',
    labelNames: ['server', 'group', 'kind'],
    registers: [registry],
  });

  function collect(): void {
    for (const gauge of [info, objects, apis, connection]) gauge.reset();
    for (const c of source?.() ?? []) {
      info.set({ server: c.server, k8s_version: c.k8sVersion, name: c.name }, 1);
      objects.set({ server: c.server }, c.objects);
      apis.set({ server: c.server }, c.apiResources);
      connection.set({ server: c.server, k8s_version: c.k8sVersion }, c.reachable ? 1 : 0);
    }
  }

  return {
    collectFrom(given) {
      source = given;
    },
    countEvent: (server, group, kind) => events.inc({ server, group, kind }),
  };
}
