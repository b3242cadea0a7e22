/**
 * The fan-out reconciler: every Application on the hub rendered from git and applied to its spoke.
 * One work queue per destination cluster (bounded concurrency each) under a global limit, so a
 * slow or unreachable spoke holds only its own queue. Triggers: Application changes (spec,
 * operation, deletion, refresh), cluster Secret and AppProject changes, changes to tracked objects
 * on the spokes (self-heal, health), git pushes, and a resync period that polls git.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { isDeepStrictEqual } from 'node:util';
import { appProjectSpecSchema, type AppProjectSpec } from '../api/appproject.ts';
import { secretSchema, secretType } from '../api/secret.ts';
import { clusterOfObject } from '../clusters/from-secret.ts';
import type { Cluster } from '../clusters/types.ts';
import type { GitRepoSource } from '../git/index.ts';
import { WorkQueue } from '../kube/workqueue.ts';
import { namespaceFilter, type NamespaceFilter } from '../kube/namespaces.ts';
import { pushMatchKey } from '../git/url.ts';
import type { KubeClient } from '../kube/client.ts';
import type { InformerView } from '../kube/informer.ts';
import { informersOr, type SharedInformers } from '../kube/shared-informers.ts';
import {
  APP_PROJECTS,
  APPLICATIONS,
  CONFIG_MAPS,
  SECRETS,
  objectKey,
  type KubeObject,
} from '../kube/types.ts';
import type { ChartSource } from '../charts/types.ts';
import type { Logger } from '../log.ts';
import type { AppMetrics, AppView } from '../observability/app-metrics.ts';
import type { ClusterMetrics, ClusterView } from '../observability/cluster-metrics.ts';
import { appAttributes, Causes, inSpan, noopTracer, type Tracer } from '../observability/tracing.ts';
import { ANNOTATION_REFRESH } from './annotations.ts';
import {
  Destinations,
  normalizeServer,
  type ClusterScope,
  type ResolvedDestination,
} from './destinations.ts';
import { DiffCache } from './diff.ts';
import { ClusterCache } from './live-cache.ts';
import type { OperationOutcome } from './operation.ts';
import {
  createRenderer,
  kustomizeSettingsFrom,
  type KustomizeSettings,
  type ToolOptions,
} from '../render/index.ts';
import { reconcileApp, type LiveApp } from './reconcile.ts';
import { instanceName } from './tracking.ts';
import { allShards, fenceFor, type ShardChange, type ShardOwnership } from '../shards/ownership.ts';
import { ClusterShards } from './cluster-shards.ts';

export interface SyncControllerOptions {
  readonly hub: KubeClient;
  /** The process's shared informers (one watch and one copy per type); default: this component's own. */
  readonly informers?: SharedInformers;
  /** The control-plane namespace: cluster Secrets, AppProjects, and Applications. */
  readonly namespace: string;
  /** More namespaces whose Applications are served (globs or /regex/). */
  readonly appNamespaces?: readonly string[];
  readonly repos: GitRepoSource;
  /** Helm chart repositories and OCI registries (chart sources, dependencies, kustomize helmCharts). */
  readonly charts?: ChartSource;
  readonly tools?: ToolOptions;
  /** Applications reconciled at once per cluster (default 4). */
  readonly clusterConcurrency?: number;
  /** Applications reconciled at once in all (default 32). */
  readonly concurrency?: number;
  /** How often every Application is compared again, polling git (default 180 s). */
  readonly resyncSeconds?: number;
  /** How long a wave may take to become healthy (default 300 s). */
  readonly waveTimeoutSeconds?: number;
  /** The shards this replica holds: it reconciles and writes only for their clusters (default all). */
  readonly ownership?: ShardOwnership;
  /** Sent as User-Agent to the spokes. */
  readonly userAgent?: string;
  readonly log: Logger;
  /** Argo CD's application and cluster metrics. */
  readonly metrics?: { readonly apps: AppMetrics; readonly clusters: ClusterMetrics };
  /** Spans of every reconcile (the no-op tracer when tracing is off). */
  readonly tracer?: Tracer;
}

/** What a benchmark or test wants to know about the work done. */
export interface SyncStats {
  reconciles: number;
  operations: number;
  writes: number;
}

/** Argo CD's settings ConfigMaps in the control-plane namespace that rendering reads. */
const ARGOCD_CM = 'argocd-cm';
const TLS_CERTS_CM = 'argocd-tls-certs-cm';

/** Tracked objects changing on a spoke are gathered this long before their Application re-runs. */
const LIVE_COALESCE_MS = 100;

export class SyncController {
  readonly name = 'sync';
  readonly stats: SyncStats = { reconciles: 0, operations: 0, writes: 0 };
  readonly #options: SyncControllerOptions;
  readonly #allowed: NamespaceFilter;
  readonly #apps: InformerView<LiveApp>;
  readonly #secrets: InformerView<KubeObject>;
  readonly #projects: InformerView<KubeObject>;
  /** argocd-cm and argocd-tls-certs-cm, each watched by name (field selectors know no sets). */
  readonly #configMaps: InformerView<KubeObject>[];
  readonly #destinations: Destinations;
  readonly #caches = new Map<string, ClusterCache>();
  readonly #queues = new Map<string, WorkQueue>();
  readonly #queueOf = new Map<string, string>();
  readonly #limit: LimitFunction;
  readonly #diffCache = new DiffCache();
  /** Cluster Secrets parsed, by namespace/name, with the resourceVersion parsed (see #clusters). */
  readonly #parsedSecrets = new Map<string, { version: string; cluster: Cluster | undefined }>();
  #clusterList: Cluster[] | undefined;
  readonly #lastApplied = new Map<string, string>();
  /** resourceVersion of each Application after our last write to it. */
  readonly #written = new Map<string, number>();
  readonly #renderer;
  readonly #ownership: ShardOwnership;
  readonly #clusterShards: ClusterShards;
  #unsubscribe: () => void = () => undefined;
  readonly #tracer: Tracer;
  /** The webhook pushes that queued each Application, for its next reconcile's trace. */
  readonly #causes = new Causes();
  #stopped = false;
  #ready = false;

  constructor(options: SyncControllerOptions) {
    this.#options = options;
    const { hub, log, namespace } = options;
    const extra = options.appNamespaces ?? [];
    this.#allowed = namespaceFilter(namespace, extra);
    const scope = extra.length === 0 ? { namespace } : {};
    const informers = informersOr(options.informers, hub, log);
    this.#apps = informers.informer(APPLICATIONS, scope);
    this.#secrets = informers.informer(SECRETS, {
      namespace,
      labelSelector: 'argocd.argoproj.io/secret-type in (cluster,repository,repo-creds)',
    });
    this.#projects = informers.informer(APP_PROJECTS, { namespace });
    this.#configMaps = [ARGOCD_CM, TLS_CERTS_CM].map((name) =>
      informers.informer(CONFIG_MAPS, { namespace, fieldSelector: `metadata.name=${name}` }),
    );
    this.#ownership = options.ownership ?? allShards();
    this.#clusterShards = new ClusterShards(this.#ownership.shards, log);
    this.#destinations = new Destinations(hub, {
      ...(options.ownership
        ? {
            // The shard is looked up at each write: a Secret's shard pin may change under a client.
            guardFor: (server: string) => () =>
              fenceFor(this.#ownership, this.#clusterShards.ofServer(server), server)(),
          }
        : {}),
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    });
    this.#limit = pLimit(options.concurrency ?? 32);
    this.#renderer = createRenderer({
      repos: options.repos,
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.charts ? { charts: options.charts } : {}),
      kustomizeSettings: () => this.#kustomizeSettings(),
    });
    this.#tracer = options.tracer ?? noopTracer;
    this.#wireTriggers();
    options.metrics?.apps.collectFrom(() => this.#appsForMetrics());
    options.metrics?.clusters.collectFrom(() => this.#clustersForMetrics());
  }

  /** The Applications served, and how each one's destination server is named in metrics. */
  #appsForMetrics(): { apps: readonly AppView[]; destServer: (app: AppView) => string } {
    const byName = new Map(this.#clusters().map((c) => [c.name, normalizeServer(c.server)]));
    return {
      apps: this.#apps.list().filter((app) => this.#allowed(app.metadata.namespace ?? '')),
      destServer: (app) => destServerOf(app as LiveApp, byName),
    };
  }

  #clustersForMetrics(): ClusterView[] {
    const names = new Map(this.#clusters().map((c) => [normalizeServer(c.server), c.name]));
    return [...this.#caches.entries()].map(([server, cache]) => ({
      server,
      name: names.get(server) ?? '',
      k8sVersion: cache.k8sVersion,
      reachable: cache.reachable(),
      apiResources: cache.types.length,
      objects: cache.objectCount,
    }));
  }

  async start(): Promise<void> {
    const informers = [this.#secrets, this.#projects, ...this.#configMaps, this.#apps];
    for (const informer of informers) informer.start();
    await Promise.all(informers.map((i) => i.synced));
    this.#clusterShards.refresh(this.#clusters());
    this.#ready = true;
    this.#unsubscribe = this.#ownership.onChange((change) => this.#onShards(change));
    for (const app of this.#apps.list()) this.#enqueue(app);
    for (const queue of this.#queues.values()) queue.resume();
  }

  /** Per shard held: Applications queued and clusters with a live cache here. */
  shardLoad(): { shard: number; queueDepth: number; clusters: number }[] {
    const load = new Map<number, { shard: number; queueDepth: number; clusters: number }>();
    const entry = (shard: number) => {
      let found = load.get(shard);
      if (found === undefined) load.set(shard, (found = { shard, queueDepth: 0, clusters: 0 }));
      return found;
    };
    for (const [name, queue] of this.#queues) entry(this.#queueShard(name)).queueDepth += queue.depth;
    for (const server of this.#caches.keys()) entry(this.#clusterShards.ofServer(server)).clusters++;
    return [...load.values()];
  }

  /**
   * Shards gained: their Applications are queued (each starts from the hub's status and
   * operation state). Shards lost: their queues and live caches go, so memory follows the share;
   * resolves once the reconciles they were running have finished (the drain before a handoff).
   */
  #onShards(change: ShardChange): Promise<void> | undefined {
    if (this.#stopped) return undefined;
    const lost = new Set(change.lost);
    const draining: Promise<void>[] = [];
    for (const [name, queue] of this.#queues) {
      if (!lost.has(this.#queueShard(name))) continue;
      draining.push(queue.stop());
      this.#queues.delete(name);
      for (const [key, queueName] of this.#queueOf) if (queueName === name) this.#queueOf.delete(key);
    }
    for (const [server, cache] of this.#caches) {
      if (!lost.has(this.#clusterShards.ofServer(server))) continue;
      void cache.stop();
      this.#caches.delete(server);
    }
    const gained = new Set(change.gained);
    for (const app of gained.size === 0 ? [] : this.#apps.list())
      if (gained.has(this.#clusterShards.ofDestination(app.spec?.destination ?? {}))) this.#enqueue(app);
    return draining.length > 0 ? Promise.all(draining).then(() => undefined) : undefined;
  }

  #queueShard(queueName: string): number {
    return queueName.startsWith('name:')
      ? this.#clusterShards.ofDestination({ name: queueName.slice('name:'.length) })
      : this.#clusterShards.ofServer(queueName);
  }

  get ready(): boolean {
    return this.#ready;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#ready = false;
    this.#unsubscribe();
    await Promise.all([...this.#queues.values()].map((q) => q.stop()));
    await Promise.all(
      [this.#apps, this.#secrets, this.#projects, ...this.#configMaps].map((informer) => informer.stop()),
    );
    await Promise.all([...this.#caches.values()].map((c) => c.stop()));
  }

  /** Waits until no Application is queued or being reconciled. */
  async whenIdle(): Promise<void> {
    for (;;) {
      await Promise.all([...this.#queues.values()].map((q) => q.whenIdle()));
      if ([...this.#queues.values()].every((q) => q.depth === 0)) return;
    }
  }

  /** A verified git push: refresh the repositories and reconcile the Applications reading them. */
  onPush(repoURLs: readonly string[]): number {
    const pushed = new Set(repoURLs.map(pushMatchKey));
    for (const url of repoURLs) this.#options.repos.refresh(url);
    let queued = 0;
    for (const app of this.#apps.list()) {
      const sources = app.spec.sources ?? (app.spec.source ? [app.spec.source] : []);
      if (!sources.some((s) => pushed.has(pushMatchKey(s.repoURL)))) continue;
      this.#causes.add(objectKey(app));
      this.#enqueue(app);
      queued++;
    }
    return queued;
  }

  /** Repository and repo-creds Secrets, for git credentials. */
  repositorySecrets(): ReturnType<typeof secretSchema.parse>[] {
    return this.#secrets
      .list()
      .map((obj) => secretSchema.safeParse(obj))
      .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
      .filter((secret) => secretType(secret) === 'repository' || secretType(secret) === 'repo-creds');
  }

  /** argocd-tls-certs-cm: PEM CA certificates by server host name (chart repositories, registries). */
  tlsCertificates(): Record<string, string> {
    return this.#configMapData(TLS_CERTS_CM);
  }

  #configMapData(name: string): Record<string, string> {
    const found = this.#configMaps
      .map((i) => i.get(this.#options.namespace, name))
      .find((cm) => cm !== undefined);
    const data = found?.['data'];
    return data !== null && typeof data === 'object' ? (data as Record<string, string>) : {};
  }

  /** argocd-cm's Kustomize settings; a malformed one fails the renders that need it, loudly. */
  #kustomizeSettings(): KustomizeSettings {
    return kustomizeSettingsFrom(this.#configMapData(ARGOCD_CM));
  }

  /**
   * The registered clusters, parsed once per Secret version and listed once per change of the
   * Secrets: every reconcile asks, and a fleet has a thousand of them.
   */
  #clusters(): Cluster[] {
    if (this.#clusterList !== undefined) return this.#clusterList;
    const seen = new Set<string>();
    const list: Cluster[] = [];
    for (const obj of this.#secrets.list()) {
      const key = objectKey(obj);
      const version = obj.metadata.resourceVersion ?? '';
      seen.add(key);
      let entry = this.#parsedSecrets.get(key);
      if (entry === undefined || version === '' || entry.version !== version) {
        entry = { version, cluster: clusterOfObject(obj) };
        this.#parsedSecrets.set(key, entry);
      }
      if (entry.cluster !== undefined) list.push(entry.cluster);
    }
    for (const key of this.#parsedSecrets.keys()) if (!seen.has(key)) this.#parsedSecrets.delete(key);
    this.#clusterList = list;
    return list;
  }

  #project(name: string): AppProjectSpec | undefined {
    const obj = this.#projects.get(this.#options.namespace, name);
    if (obj === undefined) return undefined;
    const parsed = appProjectSpecSchema.safeParse(obj['spec'] ?? {});
    // A project that does not parse permits nothing (an empty spec), rather than everything.
    return parsed.success ? parsed.data : {};
  }

  /** The spoke's live cache, rebuilt when the cluster's client is (its Secret changed). */
  #cacheFor(dest: ResolvedDestination): ClusterCache {
    const key = normalizeServer(dest.server);
    const existing = this.#caches.get(key);
    if (existing?.client === dest.client && sameScope(existing.scope, dest.scope)) return existing;
    void existing?.stop();
    const cache = new ClusterCache(
      dest.client,
      this.#options.log.child({ cluster: dest.name || dest.server }),
      {
        onChange: (app) => this.#onLiveChange(app),
        // Every Application on the cluster reports the outage (or the recovery) at once.
        onReachability: () => this.#enqueueQueue(key),
        ...(this.#options.metrics
          ? { onEvent: (type) => this.#options.metrics?.clusters.countEvent(key, type.group, type.kind) }
          : {}),
      },
      dest.scope,
    );
    this.#caches.set(key, cache);
    return cache;
  }

  #onLiveChange(instance: string): void {
    const underscore = instance.indexOf('_');
    const [ns, name] =
      underscore < 0
        ? [this.#options.namespace, instance]
        : [instance.slice(0, underscore), instance.slice(underscore + 1)];
    const app = this.#apps.get(ns, name);
    if (app !== undefined) this.#enqueue(app, LIVE_COALESCE_MS);
  }

  /** Re-runs every Application queued on this cluster's queue. */
  #enqueueQueue(queueName: string): void {
    for (const [key, name] of this.#queueOf) {
      if (name !== queueName) continue;
      const slash = key.indexOf('/');
      const app = this.#apps.get(key.slice(0, slash), key.slice(slash + 1));
      if (app !== undefined) this.#enqueue(app);
    }
  }

  #enqueue(app: LiveApp, afterMs = 0): void {
    if (this.#stopped || !this.#allowed(app.metadata.namespace ?? '')) return;
    const key = objectKey(app);
    const dest = app.spec?.destination ?? {};
    if (!this.#ownership.holds(this.#clusterShards.ofDestination(dest))) return;
    const queueName = dest.server ? normalizeServer(dest.server) : `name:${dest.name ?? ''}`;
    const previous = this.#queueOf.get(key);
    if (previous !== undefined && previous !== queueName) this.#queues.get(previous)?.add(key);
    this.#queueOf.set(key, queueName);
    const queue = this.#queueFor(queueName);
    if (afterMs > 0) queue.addAfter(key, afterMs);
    else queue.add(key);
  }

  #queueFor(name: string): WorkQueue {
    let queue = this.#queues.get(name);
    if (queue === undefined) {
      queue = new WorkQueue({
        concurrency: this.#options.clusterConcurrency ?? 4,
        // Keys come in from the informers' first lists; none runs before every cache is synced.
        paused: !this.#ready,
        handler: (key) => this.#limit(() => this.#reconcile(key)),
        onError: (key, err, retryInMs) =>
          this.#options.log.warn('application reconcile failed; will retry', {
            app: key,
            error: err,
            retryInMs,
          }),
      });
      this.#queues.set(name, queue);
    }
    return queue;
  }

  async #reconcile(key: string): Promise<{ requeueAfterMs?: number }> {
    const causes = this.#causes.take(key);
    const app = await this.#freshApp(key);
    if (app === undefined || this.#stopped) return {};
    const shard = this.#clusterShards.ofDestination(app.spec?.destination ?? {});
    // Fencing: not ours (any more) means not a single write, here or on the spoke.
    if (!this.#ownership.holds(shard)) return {};
    this.stats.reconciles++;
    const attributes = appAttributes(app);
    return inSpan(this.#tracer, 'controller.Refresh', { attributes, causes, root: true }, () =>
      this.#reconcileTraced(key, app, shard),
    );
  }

  async #reconcileTraced(key: string, app: LiveApp, shard: number): Promise<{ requeueAfterMs?: number }> {
    const resyncMs = (this.#options.resyncSeconds ?? 180) * 1000;
    const metrics = this.#options.metrics?.apps;
    const started = performance.now();
    const destServer = (): string =>
      destServerOf(app, new Map(this.#clusters().map((c) => [c.name, normalizeServer(c.server)])));
    try {
      return await reconcileApp(app, {
        hub: this.#options.ownership
          ? this.#options.hub.guarded(fenceFor(this.#ownership, shard, `Application ${key}`))
          : this.#options.hub,
        controlNamespace: this.#options.namespace,
        destinations: this.#destinations,
        clusters: () => this.#clusters(),
        project: (name) => this.#project(name),
        renderer: this.#renderer,
        cacheFor: (dest) => this.#cacheFor(dest),
        diffCache: this.#diffCache,
        lastApplied: this.#lastApplied,
        log: this.#options.log.child({ app: key }),
        waveTimeoutMs: (this.#options.waveTimeoutSeconds ?? 300) * 1000,
        resyncMs,
        tracer: this.#tracer,
        onWritten: (written) => this.#written.set(key, Number(written.metadata.resourceVersion ?? 0)),
        onOperation: (outcome: OperationOutcome, durationMs: number) => {
          this.stats.operations++;
          this.stats.writes += outcome.writes;
          metrics?.countSync(app, destServer(), outcome.phase, durationMs / 1000);
        },
        ...(metrics ? { onK8sRequest: (request) => metrics.countK8sRequest(app, request) } : {}),
      });
    } finally {
      metrics?.observeReconcile(app, destServer(), (performance.now() - started) / 1000);
    }
  }

  /**
   * The Application from the informer, unless the informer has not yet seen our last write to it:
   * then from the hub, so a reconcile never acts on a status (or operation) it already replaced.
   */
  async #freshApp(key: string): Promise<LiveApp | undefined> {
    const slash = key.indexOf('/');
    const [namespace, name] = [key.slice(0, slash), key.slice(slash + 1)];
    const cached = this.#apps.get(namespace, name);
    const written = this.#written.get(key);
    if (cached === undefined || written === undefined) return cached;
    if (Number(cached.metadata.resourceVersion ?? 0) >= written) return cached;
    return this.#options.hub.get<LiveApp>(APPLICATIONS, namespace, name);
  }

  #wireTriggers(): void {
    this.#apps.on({
      add: (app) => this.#enqueue(app),
      update: (app, old) => {
        if (wantsReconcile(app, old)) this.#enqueue(app);
      },
      delete: (app) => this.#forget(app),
    });
    const onCluster = (secret: KubeObject): void => {
      this.#clusterList = undefined;
      // Before start() the first list is still arriving: start() reads the clusters once, whole.
      if (!this.#ready) return;
      if (secret.metadata.labels?.['argocd.argoproj.io/secret-type'] !== 'cluster') return;
      const clusters = this.#clusters();
      this.#destinations.prune(clusters);
      this.#clusterShards.refresh(clusters);
      const data = secretSchema.safeParse(secret);
      if (!data.success) return;
      const cluster = clusters.find(
        (c) => c.secretName === secret.metadata.name && c.secretNamespace === secret.metadata.namespace,
      );
      for (const app of this.#apps.list()) if (this.#targets(app, cluster)) this.#enqueue(app);
    };
    this.#secrets.on({ add: onCluster, update: onCluster, delete: onCluster });
    const onProject = (project: KubeObject): void => {
      for (const app of this.#apps.list())
        if (app.spec?.project === project.metadata.name) this.#enqueue(app);
    };
    this.#projects.on({ add: onProject, update: onProject, delete: onProject });
  }

  /** True when the Application's destination names the cluster a Secret registers (undefined: gone or invalid). */
  #targets(app: LiveApp, cluster: Cluster | undefined): boolean {
    const dest = app.spec?.destination ?? {};
    if (cluster === undefined) return true; // deleted or invalid: re-check every Application
    return (
      (dest.server !== undefined && normalizeServer(dest.server) === normalizeServer(cluster.server)) ||
      (dest.name !== undefined && dest.name === cluster.name)
    );
  }

  #forget(app: LiveApp): void {
    const instance = instanceName(app.metadata, this.#options.namespace);
    for (const key of this.#lastApplied.keys())
      if (key.startsWith(`${instance}|`)) this.#lastApplied.delete(key);
    this.#queueOf.delete(objectKey(app));
    this.#written.delete(objectKey(app));
  }
}

/** The destination's server (a named destination resolved through the cluster Secrets), normalized. */
function destServerOf(app: LiveApp, serverByName: ReadonlyMap<string, string>): string {
  const dest = app.spec?.destination ?? {};
  if (dest.server) return normalizeServer(dest.server);
  return serverByName.get(dest.name ?? '') ?? '';
}

/**
 * Our own status writes do not re-trigger (nor our removal of a done refresh request); spec,
 * operation, deletion and refresh requests do.
 */
function wantsReconcile(app: LiveApp, old: LiveApp): boolean {
  const refresh = app.metadata.annotations?.[ANNOTATION_REFRESH];
  return (
    !isDeepStrictEqual(app.spec, old.spec) ||
    !isDeepStrictEqual(app.operation, old.operation) ||
    app.metadata.deletionTimestamp !== old.metadata.deletionTimestamp ||
    !isDeepStrictEqual(app.metadata.finalizers, old.metadata.finalizers) ||
    (refresh !== undefined && refresh !== old.metadata.annotations?.[ANNOTATION_REFRESH])
  );
}

function sameScope(a: ClusterScope | undefined, b: ClusterScope | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
