/**
 * Runs the controller process: hub client, HTTP endpoints, leader election, the controller while
 * leading, and a graceful stop on SIGTERM/SIGINT (queue drained, Lease released).
 */
import type { AddressInfo } from 'node:net';
import type { ControllerConfig } from '../cli/controller.ts';
import { KubeClient } from '../kube/client.ts';
import { createLogger, type Logger } from '../log.ts';
import { createRepoSource, type GitRepoSource } from '../git/index.ts';
import { SyncController } from '../sync/controller.ts';
import { HubController } from './controller.ts';
import { runLeaderElection } from './leader.ts';
import { createHubMetrics, type HubMetrics } from './metrics.ts';
import { createHubServer } from './server.ts';
import type { WebhookSecrets } from './webhook.ts';
import { parseRepoMappings } from '../git/repo-flags.ts';

export async function runController(
  config: ControllerConfig,
  webhookSecrets: WebhookSecrets,
  /** Where kustomize and helm are looked up when no path flag names them (the PATH). */
  toolSearchPath = '',
): Promise<number> {
  const log = createLogger({ level: config['log-level'] });
  const client = KubeClient.fromKubeconfig(config.kubeconfig, config.context);
  const metrics = createHubMetrics();
  const controller = buildControllers(config, client, { log, metrics, toolSearchPath });
  const server = createHubServer({
    ready: () => controller.ready,
    metrics: metrics.registry,
    webhookSecrets,
    onPush: (urls) => controller.onPush(urls),
    log,
  });
  await listen(server, config.listen, log);

  const shutdown = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info('shutting down', { signal });
      shutdown.abort();
    });
  }
  const exitCode = await lead({ config, client, controller, shutdown: shutdown.signal, log });
  await controller.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  log.info('stopped', { exitCode });
  return exitCode;
}

/** Runs the controller while this replica leads; 0 after a requested shutdown, 1 when leadership was lost. */
async function lead(run: {
  readonly config: ControllerConfig;
  readonly client: KubeClient;
  readonly controller: Controllers;
  readonly shutdown: AbortSignal;
  readonly log: Logger;
}): Promise<number> {
  const { config, client, controller, shutdown, log } = run;
  const startController = (): void => {
    controller.start().catch((err: unknown) => log.error('controller failed to start', { error: err }));
  };
  if (config['leader-elect'] === 'false') {
    startController();
    await new Promise((resolve) => shutdown.addEventListener('abort', resolve));
    return 0;
  }
  const durationMs = config['lease-duration-seconds'] * 1000;
  let lost = false;
  await runLeaderElection(
    {
      client,
      namespace: config.namespace,
      name: config['lease-name'],
      identity: config.identity,
      durationMs,
      renewMs: Math.max(500, Math.floor(durationMs / 3)),
      retryMs: Math.max(500, Math.floor(durationMs / 5)),
      log,
    },
    shutdown,
    (leadership) => {
      leadership.addEventListener('abort', () => (lost = !shutdown.aborted));
      startController();
    },
  );
  return lost ? 1 : 0;
}

async function listen(
  server: ReturnType<typeof createHubServer>,
  address: string,
  log: Logger,
): Promise<void> {
  const colon = address.lastIndexOf(':');
  const host = colon <= 0 ? undefined : address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  log.info('listening', { address: `${bound.address}:${bound.port}`, port: bound.port });
}

/** The halves `--components` asks for, started, stopped and told of pushes together. */
interface Controllers {
  readonly ready: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  onPush(repoURLs: readonly string[]): number;
}

function buildControllers(
  config: ControllerConfig,
  client: KubeClient,
  { log, metrics, toolSearchPath }: { log: Logger; metrics: HubMetrics; toolSearchPath: string },
): Controllers {
  // Credentials come from whichever half runs; the repo cache is made before either.
  const secretsFrom: { current?: { repositorySecrets(): ReturnType<HubController['repositorySecrets']> } } =
    {};
  const repos: GitRepoSource = createRepoSource({
    localRepos: parseRepoMappings(config.repo),
    ...(config['repo-cache-dir'] ? { cacheDir: config['repo-cache-dir'] } : {}),
    credentials: () => secretsFrom.current?.repositorySecrets() ?? [],
    log,
  });
  const appSets = config.components.includes('appsets')
    ? new HubController({
        client,
        namespace: config.namespace,
        appSetNamespaces: config['applicationset-namespaces'],
        policy: config.policy,
        concurrency: config.concurrency,
        defaultRequeueSeconds: config['requeue-after-seconds'],
        repos,
        log,
        metrics,
      })
    : undefined;
  const sync = config.components.includes('sync')
    ? new SyncController({
        hub: client,
        namespace: config.namespace,
        repos,
        tools: {
          searchPath: toolSearchPath,
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
  secretsFrom.current = appSets ?? sync;
  let started = false;
  return {
    get ready() {
      return started && (appSets?.ready ?? true);
    },
    async start() {
      await Promise.all([appSets?.start(), sync?.start()]);
      started = true;
    },
    async stop() {
      await Promise.all([appSets?.stop(), sync?.stop()]);
      repos.close();
    },
    onPush(repoURLs) {
      return (appSets?.onPush(repoURLs) ?? 0) + (sync?.onPush(repoURLs) ?? 0);
    },
  };
}
