/**
 * Argo CD's ApplicationSet controller metrics (applicationset/metrics): info and owned
 * Applications per ApplicationSet at scrape time, and the reconcile histogram (Prometheus'
 * default buckets, as Argo leaves them).
 */
import { Gauge, Histogram, type Registry } from 'prom-client';

export interface AppSetView {
  readonly metadata: { readonly namespace?: string; readonly name: string };
  readonly status?: {
    readonly conditions?: readonly { readonly type?: string; readonly reason?: string }[];
    readonly resources?: readonly unknown[];
  };
}

export interface AppSetMetrics {
  collectFrom(appSets: () => readonly AppSetView[]): void;
  observeReconcile(namespace: string, name: string, seconds: number): void;
}

export function createAppSetMetrics(registry: Registry): AppSetMetrics {
  let source: (() => readonly AppSetView[]) | undefined;
  const ids = (set: AppSetView) => ({ namespace: set.metadata.namespace ?? '', name: set.metadata.name });
  new Gauge({
    name: 'argocd_appset_info',
    help: 'Information about applicationset',
    labelNames: ['namespace', 'name', 'resource_update_status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const set of source?.() ?? [])
        this.set({ ...ids(set), resource_update_status: updateStatus(set) }, 1);
    },
  });
  new Gauge({
    name: 'argocd_appset_owned_applications',
    help: 'Number of applications owned by the applicationset',
    labelNames: ['namespace', 'name'],
    registers: [registry],
    collect() {
      this.reset();
      for (const set of source?.() ?? []) this.set(ids(set), set.status?.resources?.length ?? 0);
    },
  });
  const reconcile = new Histogram({
    name: 'argocd_appset_reconcile',
    help: 'Application reconciliation performance in seconds.',
    labelNames: ['namespace', 'name'],
    registers: [registry],
  });
  return {
    collectFrom(given) {
      source = given;
    },
    observeReconcile: (namespace, name, seconds) => reconcile.observe({ namespace, name }, seconds),
  };
}

/** The reason of the ResourcesUpToDate condition, as Argo's collector reports it; Unknown without one. */
function updateStatus(set: AppSetView): string {
  const condition = set.status?.conditions?.find((c) => c.type === 'ResourcesUpToDate');
  return condition?.reason || 'Unknown';
}
