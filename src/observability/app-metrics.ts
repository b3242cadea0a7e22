/**
 * Argo CD's application controller metrics (controller/metrics in Argo CD), same names, types,
 * labels and buckets, so its dashboards and alerts read Spokes unchanged. Per-Application gauges
 * are computed at scrape time from the Applications the sync half already holds (as Argo's
 * collector does); counters and the reconcile histogram are fed as work happens.
 */
import { Histogram, type Registry } from 'prom-client';
import { registerScrapeGauge, registerTextCounter, type Sample } from './text-metrics.ts';
import { normalizeRepoURL, splitURLCredentials } from '../git/url.ts';

/** What the metrics read of an Application (the informer's object). */
export interface AppView {
  readonly metadata: {
    readonly namespace?: string;
    readonly name: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly deletionTimestamp?: string;
  };
  readonly spec?: {
    readonly project?: string;
    readonly source?: { readonly repoURL?: string };
    readonly sources?: readonly { readonly repoURL?: string }[];
    readonly destination?: { readonly server?: string; readonly name?: string; readonly namespace?: string };
    readonly syncPolicy?: { readonly automated?: unknown };
  };
  readonly status?: {
    readonly sync?: { readonly status?: string };
    readonly health?: { readonly status?: string };
    readonly conditions?: readonly { readonly type: string }[];
  };
  readonly operation?: { readonly sync?: unknown };
}

export interface AppMetricsOptions {
  /** Application labels exported as `argocd_app_labels` (`--metrics-application-labels`); none: off. */
  readonly appLabels?: readonly string[];
  /** Condition types exported as `argocd_app_condition` (`--metrics-application-conditions`); none: off. */
  readonly appConditions?: readonly string[];
}

/** The source of the scrape-time gauges, read once per scrape: the Applications, and each one's destination server. */
export type AppSource = () => {
  readonly apps: readonly AppView[];
  destServer(app: AppView): string;
};

/** One request to a spoke's apiserver made while reconciling an Application. */
export interface K8sRequest {
  readonly server: string;
  readonly verb: string;
  readonly kind: string;
  readonly namespace: string;
  readonly code: number;
  readonly dryRun: boolean;
}

export interface AppMetrics {
  /** The Applications read at every scrape (the sync half calls this once it has them). */
  collectFrom(source: AppSource): void;
  observeReconcile(app: AppView, destServer: string, seconds: number): void;
  countSync(app: AppView, destServer: string, phase: string, seconds: number): void;
  countK8sRequest(app: AppView, request: K8sRequest): void;
}

/** Argo CD's `NormalizeLabels("label", ...)`: `label_` + the key with every invalid character as `_`. */
export function promLabelName(key: string): string {
  return `label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** The repository as Argo's `repo` label has it (NormalizeGitURL), credentials never included. */
export function repoLabel(url: string | undefined): string {
  return url === undefined || url === '' ? '' : normalizeRepoURL(splitURLCredentials(url).url);
}

export function createAppMetrics(registry: Registry, options: AppMetricsOptions = {}): AppMetrics {
  let source: AppSource | undefined;
  const appLabels = [...new Set(options.appLabels ?? [])];
  const conditions = new Set(options.appConditions ?? []);
  const base = ['namespace', 'name', 'project'] as const;
  registerScrapeGauge(registry, {
    name: 'argocd_app_info',
    help: 'Information about application.',
    samples: () => collect().info,
  });
  if (appLabels.length > 0)
    registerScrapeGauge(registry, {
      name: 'argocd_app_labels',
      help: 'Argo Application labels converted to Prometheus labels',
      samples: () => collect().labels,
    });
  if (conditions.size > 0)
    registerScrapeGauge(registry, {
      name: 'argocd_app_condition',
      help: 'Report application conditions.',
      samples: () => collect().conditions,
    });
  const syncs = registerTextCounter(registry, {
    name: 'argocd_app_sync_total',
    help: 'Number of application syncs.',
    labelNames: [...base, 'dest_server', 'phase', 'dry_run'],
  });
  const syncSeconds = registerTextCounter(registry, {
    name: 'argocd_app_sync_duration_seconds_total',
    help: 'Application sync performance in seconds total.',
    labelNames: [...base, 'dest_server'],
  });
  const reconcile = new Histogram({
    name: 'argocd_app_reconcile',
    help: 'Application reconciliation performance in seconds.',
    labelNames: ['namespace', 'dest_server'],
    buckets: [0.25, 0.5, 1, 2, 4, 8, 16],
    registers: [registry],
  });
  const k8sRequests = registerTextCounter(registry, {
    name: 'argocd_app_k8s_request_total',
    help: 'Number of kubernetes requests executed during application reconciliation.',
    labelNames: [
      ...base,
      'server',
      'response_code',
      'verb',
      'resource_kind',
      'resource_namespace',
      'dry_run',
    ],
  });

  /**
   * The three gauges' samples, computed once per scrape: the registry asks each gauge in turn
   * within one tick, so the first call computes and the others reuse it.
   */
  let scraped: { info: Sample[]; labels: Sample[]; conditions: Sample[] } | undefined;
  function collect(): { info: Sample[]; labels: Sample[]; conditions: Sample[] } {
    if (scraped !== undefined) return scraped;
    const out = { info: [] as Sample[], labels: [] as Sample[], conditions: [] as Sample[] };
    scraped = out;
    queueMicrotask(() => (scraped = undefined));
    if (source === undefined) return out;
    const snapshot = source();
    for (const app of snapshot.apps) {
      const ids = identity(app);
      out.info.push({ labels: infoLabels(app, ids, snapshot.destServer(app)), value: 1 });
      if (appLabels.length > 0) out.labels.push({ labels: labelValues(app, ids, appLabels), value: 1 });
      if (conditions.size > 0) out.conditions.push(...conditionSamples(app, ids, conditions));
    }
    return out;
  }

  return {
    collectFrom(given) {
      source = given;
    },
    observeReconcile(app, destServer, seconds) {
      reconcile.observe({ namespace: app.metadata.namespace ?? '', dest_server: destServer }, seconds);
    },
    countSync(app, destServer, phase, seconds) {
      const ids = identity(app);
      syncs.inc({ ...ids, dest_server: destServer, phase, dry_run: 'false' });
      syncSeconds.inc({ ...ids, dest_server: destServer }, seconds);
    },
    countK8sRequest(app, r) {
      k8sRequests.inc({
        ...identity(app),
        server: r.server,
        response_code: String(r.code),
        verb: r.verb,
        resource_kind: r.kind,
        resource_namespace: r.namespace,
        dry_run: String(r.dryRun),
      });
    },
  };
}

function infoLabels(app: AppView, ids: Record<string, string>, destServer: string): Record<string, string> {
  return {
    ...ids,
    autosync_enabled: String(app.spec?.syncPolicy?.automated != null),
    repo: repoLabel(app.spec?.sources?.[0]?.repoURL ?? app.spec?.source?.repoURL),
    dest_server: destServer,
    dest_namespace: app.spec?.destination?.namespace ?? '',
    ...statusLabels(app),
  };
}

function statusLabels(app: AppView): { sync_status: string; health_status: string; operation: string } {
  return {
    sync_status: app.status?.sync?.status || 'Unknown',
    health_status: app.status?.health?.status || 'Unknown',
    operation: operationOf(app),
  };
}

function labelValues(
  app: AppView,
  ids: Record<string, string>,
  keys: readonly string[],
): Record<string, string> {
  const values: Record<string, string> = { ...ids };
  for (const key of keys) values[promLabelName(key)] = app.metadata.labels?.[key] ?? '';
  return values;
}

function conditionSamples(app: AppView, ids: Record<string, string>, wanted: ReadonlySet<string>): Sample[] {
  const counts = new Map<string, number>();
  for (const c of app.status?.conditions ?? [])
    if (wanted.has(c.type)) counts.set(c.type, (counts.get(c.type) ?? 0) + 1);
  return [...counts].map(([type, count]) => ({ labels: { ...ids, condition: type }, value: count }));
}

function identity(app: AppView): { namespace: string; name: string; project: string } {
  return {
    namespace: app.metadata.namespace ?? '',
    name: app.metadata.name,
    project: app.spec?.project || 'default',
  };
}

/** Argo's `operation` label: `delete` while being deleted, `sync` while a sync is requested, else empty. */
function operationOf(app: AppView): string {
  if (app.metadata.deletionTimestamp !== undefined) return 'delete';
  return app.operation?.sync !== undefined ? 'sync' : '';
}
