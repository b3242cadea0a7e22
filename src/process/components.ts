/** The components `--components` asks for, built on what the process shares. */
import type { Registry } from 'prom-client';
import type { ChartSource } from '../charts/index.ts';
import type { GitRepoSource } from '../git/index.ts';
import { Dashboard } from '../dashboard/dashboard.ts';
import { HubController } from '../hub/controller.ts';
import { createHubMetrics } from '../hub/metrics.ts';
import type { KubeClient } from '../kube/client.ts';
import { SharedInformers } from '../kube/shared-informers.ts';
import type { Logger } from '../log.ts';
import { createAppMetrics } from '../observability/app-metrics.ts';
import { createAppSetMetrics } from '../observability/appset-metrics.ts';
import { createClusterMetrics } from '../observability/cluster-metrics.ts';
import type { Tracer } from '../observability/tracing.ts';
import { NotificationsController } from '../notifications/controller.ts';
import { createNotificationsMetrics } from '../notifications/metrics.ts';
import { RolloutController } from '../rollout/controller.ts';
import { SyncController } from '../sync/controller.ts';
import type { Component } from './component.ts';
import type { ControllerConfig } from './config.ts';
import type { ShardOwnership } from '../shards/ownership.ts';

/** What the process builds once and hands to every component. */
export interface Shared {
  readonly config: ControllerConfig;
  readonly hub: KubeClient;
  readonly repos: GitRepoSource;
  readonly charts: ChartSource;
  readonly metrics: Registry;
  /** The no-op tracer when tracing is off. */
  readonly tracer: Tracer;
  readonly log: Logger;
  /** Where kustomize and helm are looked up when no path flag names them (the PATH). */
  readonly toolSearchPath: string;
  /** The shards this replica holds: components act and write only for those. */
  readonly ownership?: ShardOwnership;
  /** The User-Agent of this replica's requests (to the hub and the spokes). */
  readonly userAgent?: string;
}

export interface BuiltComponents {
  /** The components that run on every replica, each acting on the shards it holds. */
  readonly components: readonly Component[];
  /** The dashboard, when `--dashboard-address` is set: it runs on every replica, on its own listener. */
  readonly dashboard?: Component;
  /** Repository and repo-creds Secrets from whichever component watches them (git credentials). */
  readonly repositorySecrets: () => ReturnType<HubController['repositorySecrets']>;
  /** argocd-tls-certs-cm's CA certificates by host (from the sync, the one component rendering charts). */
  readonly tlsCertificates: () => Record<string, string>;
}

export function buildComponents(shared: Shared): BuiltComponents {
  const { config, hub, repos, log } = shared;
  // One watch and one in-memory copy of each hub type for all the components (and the dashboard).
  const informers = new SharedInformers(hub, log);
  // Progressive syncs belong to the ApplicationSet half, as in Argo CD: they run wherever it runs.
  const progressive = config['enable-progressive-syncs'] === 'true';
  const appSets = config.components.includes('appsets')
    ? new HubController({
        progressiveSyncs: progressive,
        client: hub,
        informers,
        namespace: config.namespace,
        appSetNamespaces: config['applicationset-namespaces'],
        policy: config.policy,
        concurrency: config.concurrency,
        defaultRequeueSeconds: config['requeue-after-seconds'],
        maxResourcesStatusCount: config['max-resources-status-count'],
        repos,
        log,
        metrics: createHubMetrics(shared.metrics),
        ...(shared.ownership ? { ownership: shared.ownership } : {}),
        appSetMetrics: createAppSetMetrics(shared.metrics),
        tracer: shared.tracer,
        scm: {
          cacheSeconds: config['scm-cache-seconds'],
          enabled: config['enable-scm-providers'] === 'true',
          allowedProviders: config['allowed-scm-providers'],
          tokenRefStrictMode: config['token-ref-strict-mode'] === 'true',
        },
      })
    : undefined;
  const sync = config.components.includes('sync')
    ? new SyncController({
        hub,
        informers,
        namespace: config.namespace,
        repos,
        charts: shared.charts,
        tools: toolOptions(shared),
        concurrency: config['sync-concurrency'],
        clusterConcurrency: config['cluster-concurrency'],
        resyncSeconds: config['resync-seconds'],
        waveTimeoutSeconds: config['wave-timeout-seconds'],
        ...(shared.ownership ? { ownership: shared.ownership } : {}),
        ...(shared.userAgent ? { userAgent: shared.userAgent } : {}),
        log: log.child({ component: 'sync' }),
        metrics: {
          apps: createAppMetrics(shared.metrics, {
            appLabels: config['metrics-application-labels'],
            appConditions: config['metrics-application-conditions'],
          }),
          clusters: createClusterMetrics(shared.metrics),
        },
        tracer: shared.tracer,
      })
    : undefined;
  const notifications = config.components.includes('notifications')
    ? new NotificationsController({
        hub,
        informers,
        namespace: config.namespace,
        extraNamespaces: config['applicationset-namespaces'],
        resyncSeconds: config['notifications-resync-seconds'],
        log,
        metrics: createNotificationsMetrics(shared.metrics),
        ...(shared.ownership ? { ownership: shared.ownership } : {}),
      })
    : undefined;
  const rollout =
    appSets !== undefined && progressive
      ? new RolloutController({
          hub,
          informers,
          namespace: config.namespace,
          appSetNamespaces: config['applicationset-namespaces'],
          log,
          ...(shared.ownership ? { ownership: shared.ownership } : {}),
        })
      : undefined;
  const secretsFrom = appSets ?? sync;
  const dashboard = config['dashboard-address'] === '' ? undefined : buildDashboard(shared, informers);
  return {
    components: [appSets, rollout, sync, notifications].filter((c) => c !== undefined),
    ...(dashboard ? { dashboard } : {}),
    repositorySecrets: () => secretsFrom?.repositorySecrets() ?? [],
    tlsCertificates: () => sync?.tlsCertificates() ?? {},
  };
}

function toolOptions(shared: Shared): { searchPath: string; kustomize?: string; helm?: string } {
  const { config } = shared;
  return {
    searchPath: shared.toolSearchPath,
    ...(config['kustomize-path'] ? { kustomize: config['kustomize-path'] } : {}),
    ...(config['helm-path'] ? { helm: config['helm-path'] } : {}),
  };
}

function buildDashboard(shared: Shared, informers: SharedInformers): Dashboard {
  const { config } = shared;
  return new Dashboard({
    hub: shared.hub,
    informers,
    namespace: config.namespace,
    appNamespaces: config['applicationset-namespaces'],
    repos: shared.repos,
    charts: shared.charts,
    tools: toolOptions(shared),
    log: shared.log,
    secureCookie: config['dashboard-secure-cookie'] === 'true',
  });
}
