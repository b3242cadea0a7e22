/**
 * The controller process: reads nothing but its config, builds what the components share (hub
 * client, repository cache, metrics registry, one HTTP server), takes its share of the shards
 * (one Lease each), runs the components on them, and stops gracefully on SIGTERM/SIGINT (queues
 * drained, Leases released).
 */
import type { WebhookSecrets } from '../webhook/push.ts';
import type { PullRequestEvent } from '../webhook/pull-request.ts';
import { createChartSource, parseChartRepoMappings } from '../charts/index.ts';
import { createRepoSource } from '../git/index.ts';
import { parseRepoMappings } from '../git/repo-flags.ts';
import { KubeClient } from '../kube/client.ts';
import { createGitMetrics } from '../observability/git-metrics.ts';
import { createLogger, type Logger } from '../log.ts';
import { createMetricsRegistry } from '../observability/metrics.ts';
import { registerShardMetrics } from './shard-metrics.ts';
import { parsePairs, startTracing } from '../observability/otel.ts';
import type { Component } from './component.ts';
import { buildComponents } from './components.ts';
import type { ControllerConfig } from './config.ts';
import { createHttpServer, listen, processRoutes } from './http.ts';
import { allShards, type ShardOwnership } from '../shards/ownership.ts';
import { ShardLeases } from './shards.ts';

export async function runController(
  config: ControllerConfig,
  webhookSecrets: WebhookSecrets,
  /** Where kustomize and helm are looked up when no path flag names them (the PATH). */
  toolSearchPath = '',
  /** The OTEL_* environment variables (OpenTelemetry's standard configuration). */
  otelEnv: Readonly<Record<string, string | undefined>> = {},
): Promise<number> {
  const log = createLogger({ level: config['log-level'] });
  const userAgent = `spokes-controller/${config.identity}`;
  const hub = KubeClient.fromKubeconfig(config.kubeconfig, config.context, { userAgent });
  const metrics = createMetricsRegistry();
  const shards = shardOwnership(config, hub, log);
  const tracing = await startTracing(
    {
      address: config['otlp-address'],
      insecure: config['otlp-insecure'] === 'true',
      headers: parsePairs(config['otlp-headers'], '=', '--otlp-headers'),
      attributes: parsePairs(config['otlp-attrs'], ':', '--otlp-attrs'),
      sampleRatio: config['otlp-sample-ratio'],
    },
    otelEnv,
  );
  const gitMetrics = createGitMetrics(metrics);
  // The repository cache is made before the components; its credentials come from them.
  const secrets: {
    from?: () => ReturnType<typeof built.repositorySecrets>;
    tlsCerts?: () => Record<string, string>;
  } = {};
  const repos = createRepoSource({
    localRepos: parseRepoMappings(config.repo),
    ...(config['repo-cache-dir'] ? { cacheDir: config['repo-cache-dir'] } : {}),
    credentials: () => secrets.from?.() ?? [],
    log,
    events: gitMetrics,
  });
  const charts = createChartSource({
    cacheDir: config['chart-cache-dir'],
    maxCacheBytes: config['chart-cache-max-mb'] * 1024 * 1024,
    refreshSeconds: config['chart-index-refresh-seconds'],
    maxIndexBytes: config['chart-max-index-mb'] * 1024 * 1024,
    localRepos: parseChartRepoMappings(config['chart-repo']),
    ...(config['chart-proxy'] ? { proxy: config['chart-proxy'] } : {}),
    credentials: () => ({ secrets: secrets.from?.() ?? [], tlsCerts: secrets.tlsCerts?.() ?? {} }),
    log: log.child({ component: 'charts' }),
  });
  const built = buildComponents({
    config,
    hub,
    repos,
    charts,
    metrics,
    tracer: tracing.tracer,
    log,
    toolSearchPath,
    ownership: shards.ownership,
    userAgent,
  });
  registerShardMetrics(metrics, {
    ownership: shards.ownership,
    leases: shards.leases,
    components: built.components,
  });
  secrets.from = built.repositorySecrets;
  secrets.tlsCerts = built.tlsCertificates;
  const group = componentGroup(built.components, log);

  const server = createHttpServer(
    [
      ...processRoutes({
        ready: () => group.ready && shards.ready(),
        metrics,
        tracer: tracing.tracer,
        webhookSecrets,
        onPush: (urls) => group.onPush(urls),
        onPullRequest: (event) => group.onPullRequest(event),
        log,
      }),
      ...built.components.flatMap((c) => c.routes ?? []),
    ],
    log,
  );
  const port = await listen(server, config.listen);
  log.info('listening', { address: config.listen, port });
  const dashboard = await serveDashboard(built.dashboard, config['dashboard-address'], log);

  const shutdown = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info('shutting down', { signal });
      shutdown.abort();
    });
  }
  const exitCode = await runShards({ leases: shards.leases, group, shutdown: shutdown.signal });
  await group.stop();
  await dashboard?.stop();
  repos.close();
  await charts.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await tracing.shutdown().catch((err: unknown) => log.warn('traces not all exported', { error: err }));
  log.info('stopped', { exitCode });
  return exitCode;
}

/**
 * The dashboard on its own listener, started at once on every replica (it needs no leadership);
 * undefined when it is off.
 */
export async function serveDashboard(
  dashboard: Component | undefined,
  address: string,
  log: Logger,
): Promise<{ readonly port: number; stop(): Promise<void> } | undefined> {
  if (dashboard === undefined) return undefined;
  const server = createHttpServer(dashboard.routes ?? [], log);
  const port = await listen(server, address);
  log.info('dashboard listening', { address, port });
  dashboard.start().catch((err: unknown) => log.error('the dashboard failed to start', { error: err }));
  return {
    port,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dashboard.stop();
    },
  };
}

/** The components started, stopped and told of pushes together. */
interface ComponentGroup {
  readonly ready: boolean;
  start(): void;
  stop(): Promise<void>;
  onPush(repoURLs: readonly string[]): number;
  onPullRequest(event: PullRequestEvent): number;
}

function componentGroup(components: readonly Component[], log: Logger): ComponentGroup {
  let started = false;
  let stopping: Promise<void> | undefined;
  return {
    get ready() {
      return started && components.every((c) => c.ready);
    },
    start() {
      Promise.all(components.map((c) => c.start()))
        .then(() => (started = true))
        .catch((err: unknown) => log.error('a component failed to start', { error: err }));
    },
    stop() {
      stopping ??= Promise.all(components.map((c) => c.stop())).then(() => undefined);
      return stopping;
    },
    onPush: (repoURLs) => components.reduce((queued, c) => queued + (c.onPush?.(repoURLs) ?? 0), 0),
    onPullRequest: (event) => components.reduce((queued, c) => queued + (c.onPullRequest?.(event) ?? 0), 0),
  };
}

/** The shard Leases (or every shard without election) and the loop that keeps them. */
function shardOwnership(
  config: ControllerConfig,
  hub: KubeClient,
  log: Logger,
): { ownership: ShardOwnership; ready: () => boolean; leases?: ShardLeases } {
  if (config['leader-elect'] === 'false') return { ownership: allShards(config.shards), ready: () => true };
  const leases = new ShardLeases({
    client: hub,
    namespace: config.namespace,
    prefix: config['lease-name'],
    identity: config.identity,
    shards: config.shards,
    durationMs: config['lease-duration-seconds'] * 1000,
    log,
  });
  return { ownership: leases, ready: () => leases.healthy, leases };
}

/**
 * Every replica runs the components (they act only on the shards it holds) until shutdown; then
 * work in flight ends before the Leases are released, so the next owner starts from a quiet hub.
 */
async function runShards(run: {
  readonly leases: ShardLeases | undefined;
  readonly group: ComponentGroup;
  readonly shutdown: AbortSignal;
}): Promise<number> {
  const { leases, group, shutdown } = run;
  group.start();
  if (leases === undefined) {
    await new Promise((resolve) => shutdown.addEventListener('abort', resolve));
    return 0;
  }
  await leases.run(shutdown);
  await group.stop();
  await leases.release();
  return 0;
}
