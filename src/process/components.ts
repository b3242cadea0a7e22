/** The components `--components` asks for, built on what the process shares. */
import type { Registry } from 'prom-client';
import type { ChartSource } from '../charts/index.ts';
import type { GitRepoSource } from '../git/index.ts';
import { HubController } from '../hub/controller.ts';
import { createHubMetrics } from '../hub/metrics.ts';
import type { KubeClient } from '../kube/client.ts';
import type { Logger } from '../log.ts';
import { SyncController } from '../sync/controller.ts';
import type { Component } from './component.ts';
import type { ControllerConfig } from './config.ts';

/** What the process builds once and hands to every component. */
export interface Shared {
  readonly config: ControllerConfig;
  readonly hub: KubeClient;
  readonly repos: GitRepoSource;
  readonly charts: ChartSource;
  readonly metrics: Registry;
  readonly log: Logger;
  /** Where kustomize and helm are looked up when no path flag names them (the PATH). */
  readonly toolSearchPath: string;
}

export interface BuiltComponents {
  readonly components: readonly Component[];
  /** Repository and repo-creds Secrets from whichever component watches them (git credentials). */
  readonly repositorySecrets: () => ReturnType<HubController['repositorySecrets']>;
  /** argocd-tls-certs-cm's CA certificates by host (from the sync, the one component rendering charts). */
  readonly tlsCertificates: () => Record<string, string>;
}

export function buildComponents(shared: Shared): BuiltComponents {
  const { config, hub, repos, log } = shared;
  const appSets = config.components.includes('appsets')
    ? new HubController({
        client: hub,
        namespace: config.namespace,
        appSetNamespaces: config['applicationset-namespaces'],
        policy: config.policy,
        concurrency: config.concurrency,
        defaultRequeueSeconds: config['requeue-after-seconds'],
        repos,
        log,
        metrics: createHubMetrics(shared.metrics),
      })
    : undefined;
  const sync = config.components.includes('sync')
    ? new SyncController({
        hub,
        namespace: config.namespace,
        repos,
        charts: shared.charts,
        tools: {
          searchPath: shared.toolSearchPath,
          ...(config['kustomize-path'] ? { kustomize: config['kustomize-path'] } : {}),
          ...(config['helm-path'] ? { helm: config['helm-path'] } : {}),
        },
        concurrency: config['sync-concurrency'],
        clusterConcurrency: config['cluster-concurrency'],
        resyncSeconds: config['resync-seconds'],
        waveTimeoutSeconds: config['wave-timeout-seconds'],
        log: log.child({ component: 'sync' }),
      })
    : undefined;
  const secretsFrom = appSets ?? sync;
  return {
    components: [appSets, sync].filter((c) => c !== undefined),
    repositorySecrets: () => secretsFrom?.repositorySecrets() ?? [],
    tlsCertificates: () => sync?.tlsCertificates() ?? {},
  };
}
