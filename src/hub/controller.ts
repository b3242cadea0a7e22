/**
 * The ApplicationSet controller on the hub: informers for ApplicationSets, Applications and
 * Argo CD Secrets feed a keyed work queue; each key is reconciled into Applications. Triggers:
 * ApplicationSet changes, changes to Applications it owns, cluster Secret changes (ApplicationSets
 * with a clusters or clusterDecisionResource generator), repository Secret changes and git pushes
 * (git generators), changes to watched cluster decision resources (clusterDecisionResource), pull
 * request webhooks (pullRequest); any webhook re-runs plugin generators, as in Argo CD.
 */
import { createRegistry, type GeneratorRegistry } from '../../generators/index.ts';
import type { ApplicationsSyncPolicy } from '../api/applicationset.ts';
import { secretSchema, secretType } from '../api/secret.ts';
import { createRepoSource, type GitRepoSource, type RepoSourceOptions } from '../git/index.ts';
import type { KubeClient } from '../kube/client.ts';
import type { InformerView } from '../kube/informer.ts';
import { informersOr, type SharedInformers } from '../kube/shared-informers.ts';
import { APPLICATION_SETS, APPLICATIONS, SECRETS, objectKey, type KubeObject } from '../kube/types.ts';
import type { Logger } from '../log.ts';
import type { HubMetrics } from './metrics.ts';
import type { AppSetMetrics } from '../observability/appset-metrics.ts';
import { Causes, inSpan, noopTracer, type Tracer } from '../observability/tracing.ts';
import { namespaceFilter, type NamespaceFilter } from '../kube/namespaces.ts';
import { controllerOf, type LiveApplication } from './plan.ts';
import { WorkQueue, type WorkResult } from '../kube/workqueue.ts';
import {
  DEFAULT_MAX_RESOURCES_STATUS_COUNT,
  reconcileApplicationSet,
  refreshResourceStatuses,
  type LiveApplicationSet,
  type ReconcilerOptions,
} from './reconciler.ts';
import { informerClusterSource } from './sources.ts';
import { pushMatchKey } from '../git/url.ts';
import { gitRepoURLs, pullRequestSpecs, usesGenerator } from './triggers.ts';
import { DecisionWatch } from './decisions.ts';
import { hubObjectReader } from '../kube/objects.ts';
import { hubPluginSource } from '../plugin/source.ts';
import { ScmHttp } from '../scm/http.ts';
import { liveScmSource } from '../scm/source.ts';
import { pullRequestGeneratorMatches, type PullRequestEvent } from '../webhook/pull-request.ts';
import { kubeHubWriter } from './writer.ts';
import { appSetShard } from '../shards/hash.ts';
import { allShards, fenceFor, type ShardChange, type ShardOwnership } from '../shards/ownership.ts';

export interface ControllerOptions {
  readonly client: KubeClient;
  /** The process's shared informers (one watch and one copy per type); default: this component's own. */
  readonly informers?: SharedInformers;
  /** The control-plane namespace (cluster and repository Secrets live here). */
  readonly namespace: string;
  /** More namespaces whose ApplicationSets are served (globs or /regex/). */
  readonly appSetNamespaces: readonly string[];
  readonly policy: ApplicationsSyncPolicy;
  /** RollingSync runs (the rollout component): generated Applications get automated sync turned off. */
  readonly progressiveSyncs?: boolean;
  readonly concurrency: number;
  readonly defaultRequeueSeconds: number;
  /** Entries kept in an ApplicationSet's status.resources (Argo CD's default 5000; 0: all). */
  readonly maxResourcesStatusCount?: number;
  /** The git repository cache (mirror folder, local repositories); credentials come from the hub's repository Secrets. */
  readonly repoCache?: Omit<RepoSourceOptions, 'credentials' | 'log'>;
  /** A repository cache shared with the sync half (made here from `repoCache` when not given). */
  readonly repos?: GitRepoSource;
  readonly registry?: GeneratorRegistry;
  readonly log: Logger;
  readonly metrics?: HubMetrics;
  /** The shards this replica holds: it reconciles and writes only their ApplicationSets (default all). */
  readonly ownership?: ShardOwnership;
  /** Argo CD's ApplicationSet metrics. */
  readonly appSetMetrics?: AppSetMetrics;
  /** Spans of every reconcile (the no-op tracer when tracing is off). */
  readonly tracer?: Tracer;
  /** SCM provider calls: the shared HTTP cache (made here when not given) and Argo CD's switches. */
  readonly scm?: {
    readonly http?: ScmHttp;
    /** How long an answer is reused before it is revalidated (when `http` is made here). */
    readonly cacheSeconds?: number;
    readonly enabled?: boolean;
    readonly allowedProviders?: readonly string[];
    readonly tokenRefStrictMode?: boolean;
  };
}

/** How long changes to owned Applications are gathered before their ApplicationSet re-runs. */
const OWNED_APP_COALESCE_MS = 500;
/** … and how long before status.resources follows a change of their status alone. */
const OWNED_STATUS_COALESCE_MS = 2_000;

const SECRET_TYPES = 'argocd.argoproj.io/secret-type in (cluster,repository,repo-creds)';

export class HubController {
  readonly name = 'appsets';
  readonly #options: ControllerOptions;
  readonly #allowed: NamespaceFilter;
  readonly #appSets: InformerView<LiveApplicationSet>;
  readonly #apps: InformerView<LiveApplication>;
  readonly #secrets: InformerView<KubeObject>;
  readonly #queue: WorkQueue;
  /** ApplicationSets whose owned Applications changed only in status: status.resources to refresh. */
  readonly #statusQueue: WorkQueue;
  readonly #repos: GitRepoSource;
  readonly #ignoredLogged = new Set<string>();
  readonly #ownsRepos: boolean;
  readonly #decisions: DecisionWatch;
  readonly #scmHttp: ScmHttp;
  readonly #ownsScmHttp: boolean;
  readonly #ownership: ShardOwnership;
  #unsubscribe: () => void = () => undefined;
  #ready = false;
  /** The webhook pushes that queued each ApplicationSet, for its next reconcile's trace. */
  readonly #causes = new Causes();

  constructor(options: ControllerOptions) {
    this.#options = options;
    const { client, log } = options;
    this.#allowed = namespaceFilter(options.namespace, options.appSetNamespaces);
    this.#ownership = ownershipOf(options);
    // One namespace: namespaced watches. More: cluster-wide watches, filtered here.
    const scope = options.appSetNamespaces.length === 0 ? { namespace: options.namespace } : {};
    const informers = informersOr(options.informers, client, log);
    this.#appSets = informers.informer(APPLICATION_SETS, scope);
    this.#apps = informers.informer(APPLICATIONS, scope);
    this.#secrets = informers.informer(SECRETS, {
      namespace: options.namespace,
      labelSelector: SECRET_TYPES,
    });
    this.#ownsRepos = options.repos === undefined;
    this.#repos =
      options.repos ??
      createRepoSource({ ...options.repoCache, credentials: () => this.repositorySecrets(), log });
    const registry = options.registry ?? createRegistry();
    const objects = hubObjectReader(client);
    this.#decisions = new DecisionWatch({
      client,
      objects,
      namespace: options.namespace,
      log,
      onChange: () => this.#enqueueUsing('clusterDecisionResource'),
    });
    this.#ownsScmHttp = options.scm?.http === undefined;
    this.#scmHttp =
      options.scm?.http ??
      new ScmHttp(options.scm?.cacheSeconds === undefined ? {} : { freshSeconds: options.scm.cacheSeconds });
    const view = {
      getApplicationSet: (ns: string, name: string) => this.#appSets.get(ns, name),
      listApplications: (ns: string) => this.#apps.list().filter((app) => app.metadata.namespace === ns),
      clusters: informerClusterSource(this.#secrets),
      repos: this.#repos,
      external: {
        clusterDecisions: this.#decisions,
        plugins: hubPluginSource({ objects, namespace: options.namespace }),
        scm: liveScmSource({
          http: this.#scmHttp,
          objects,
          ...(options.scm?.enabled === undefined ? {} : { enabled: options.scm.enabled }),
          ...(options.scm?.allowedProviders ? { allowedProviders: options.scm.allowedProviders } : {}),
          ...(options.scm?.tokenRefStrictMode ? { tokenRefStrictMode: true } : {}),
        }),
      },
    };
    const writerFor = fencedWriters(client, log, options);
    this.#collectMetrics();
    this.#queue = new WorkQueue({
      concurrency: options.concurrency,
      // Keys come in from the informers' first lists; none runs before every cache is synced.
      paused: true,
      handler: (key) => {
        const shard = this.#shardOfKey(key);
        if (!this.#ownership.holds(shard)) return Promise.resolve({});
        return this.#reconcile(key, { view, writer: writerFor(key, shard), registry });
      },
      onError: (key, err, retryInMs) =>
        log.warn('reconcile failed; will retry', { appset: key, error: err, retryInMs }),
    });
    this.#statusQueue = new WorkQueue({
      concurrency: 2,
      paused: true,
      handler: async (key) => {
        const shard = this.#shardOfKey(key);
        if (!this.#ownership.holds(shard)) return {};
        await refreshResourceStatuses(key, {
          view,
          writer: writerFor(key, shard),
          maxResourcesStatusCount: options.maxResourcesStatusCount ?? DEFAULT_MAX_RESOURCES_STATUS_COUNT,
        });
        return {};
      },
      onError: (key, err, retryInMs) =>
        log.warn('status.resources refresh failed; will retry', { appset: key, error: err, retryInMs }),
    });
    this.#wireTriggers();
  }

  #reconcile(
    key: string,
    parts: Pick<ReconcilerOptions, 'view' | 'writer' | 'registry'>,
  ): Promise<WorkResult> {
    const options = this.#options;
    const tracer = options.tracer ?? noopTracer;
    options.metrics?.setQueueDepth(this.#queue.depth);
    const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    const attributes = { 'spokes.appset.namespace': namespace, 'spokes.appset.name': name };
    const causes = this.#causes.take(key);
    return inSpan(tracer, 'spokes.appset.reconcile', { attributes, causes, root: true }, () =>
      reconcileApplicationSet(key, {
        ...parts,
        tracer,
        policy: options.policy,
        progressiveSyncs: options.progressiveSyncs ?? true,
        log: options.log,
        defaultRequeueSeconds: options.defaultRequeueSeconds,
        maxResourcesStatusCount: options.maxResourcesStatusCount ?? DEFAULT_MAX_RESOURCES_STATUS_COUNT,
        observe: (outcome) => {
          options.metrics?.observeReconcile(outcome);
          options.appSetMetrics?.observeReconcile(namespace, name, outcome.seconds);
        },
      }),
    );
  }

  #collectMetrics(): void {
    this.#options.appSetMetrics?.collectFrom(() =>
      this.#appSets.list().filter((set) => this.#allowed(set.metadata.namespace ?? '')),
    );
  }

  /** Starts the informers and queues every ApplicationSet once the caches are filled. */
  async start(): Promise<void> {
    for (const informer of [this.#secrets, this.#apps, this.#appSets]) informer.start();
    await Promise.all([this.#secrets.synced, this.#apps.synced, this.#appSets.synced]);
    this.#ready = true;
    this.#unsubscribe = this.#ownership.onChange((change) => this.#onShards(change));
    for (const appSet of this.#appSets.list()) this.#enqueue(appSet);
    this.#queue.resume();
    this.#statusQueue.resume();
  }

  /** Per shard held: ApplicationSets queued (the clusters are the sync's). */
  shardLoad(): { shard: number; queueDepth: number; clusters: number }[] {
    const load = new Map<number, number>();
    for (const key of this.#queue.keys()) {
      const shard = this.#shardOfKey(key);
      load.set(shard, (load.get(shard) ?? 0) + 1);
    }
    return [...load].map(([shard, queueDepth]) => ({ shard, queueDepth, clusters: 0 }));
  }

  /**
   * Shards gained: their ApplicationSets are reconciled from the hub's state. Lost ones stop at
   * their next turn; resolves once the reconciles running for them have finished (the drain).
   */
  #onShards(change: ShardChange): Promise<void> {
    const gained = new Set(change.gained);
    for (const appSet of gained.size === 0 ? [] : this.#appSets.list())
      if (gained.has(this.#shardOfKey(objectKey(appSet)))) this.#enqueue(appSet);
    const lost = new Set(change.lost);
    const ofLost = (key: string): boolean => lost.has(this.#shardOfKey(key));
    return Promise.all([this.#queue.whenSettled(ofLost), this.#statusQueue.whenSettled(ofLost)]).then(
      () => undefined,
    );
  }

  #shardOfKey(key: string): number {
    const slash = key.indexOf('/');
    return appSetShard(key.slice(0, slash), key.slice(slash + 1), this.#ownership.shards);
  }

  get ready(): boolean {
    return this.#ready;
  }

  async stop(): Promise<void> {
    this.#ready = false;
    this.#unsubscribe();
    await Promise.all([this.#queue.stop(), this.#statusQueue.stop()]);
    await Promise.all([
      this.#appSets.stop(),
      this.#apps.stop(),
      this.#secrets.stop(),
      this.#decisions.stop(),
    ]);
    if (this.#ownsRepos) this.#repos.close();
    if (this.#ownsScmHttp) this.#scmHttp.close();
  }

  /** Waits until no reconcile is queued or running (tests, benchmarks). */
  async whenIdle(): Promise<void> {
    await Promise.all([this.#queue.whenIdle(), this.#statusQueue.whenIdle()]);
  }

  /**
   * A verified git push: refresh the repositories and re-run the ApplicationSets reading them,
   * and, as Argo CD does on any webhook, those with a plugin generator.
   */
  onPush(repoURLs: readonly string[]): number {
    const pushed = new Set(repoURLs.map(pushMatchKey));
    let queued = 0;
    for (const appSet of this.#appSets.list()) {
      const urls = gitRepoURLs(appSet.spec).filter((url) => pushed.has(pushMatchKey(url)));
      for (const url of urls) this.#repos.refresh(url);
      if (urls.length === 0 && !usesGenerator(appSet.spec, 'plugin')) continue;
      this.#causes.add(objectKey(appSet));
      this.#enqueue(appSet);
      queued++;
    }
    return queued;
  }

  /**
   * A verified pull request event: cached SCM answers go stale (the next call revalidates), and
   * the ApplicationSets with a pullRequest generator on that repository re-run, with those with a
   * plugin generator.
   */
  onPullRequest(event: PullRequestEvent): number {
    this.#scmHttp.invalidate();
    let queued = 0;
    for (const appSet of this.#appSets.list()) {
      const reads = pullRequestSpecs(appSet.spec).some((spec) => pullRequestGeneratorMatches(spec, event));
      if (!reads && !usesGenerator(appSet.spec, 'plugin')) continue;
      this.#enqueue(appSet);
      queued++;
    }
    return queued;
  }

  /** SCM HTTP calls made and saved (benchmarks, tests). */
  get scmStats(): ScmHttp['stats'] {
    return this.#scmHttp.stats;
  }

  /** Repository and repo-creds Secrets from the cache, for git credentials. */
  repositorySecrets(): ReturnType<typeof secretSchema.parse>[] {
    return this.#secrets
      .list()
      .map((obj) => secretSchema.safeParse(obj))
      .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
      .filter((secret) => secretType(secret) === 'repository' || secretType(secret) === 'repo-creds');
  }

  #enqueue(appSet: KubeObject): void {
    const namespace = appSet.metadata.namespace ?? '';
    if (!this.#allowed(namespace)) {
      if (!this.#ignoredLogged.has(namespace)) {
        this.#ignoredLogged.add(namespace);
        this.#options.log.info(
          'ignoring ApplicationSets in a namespace not allowed by --applicationset-namespaces',
          { namespace },
        );
      }
      return;
    }
    const key = objectKey(appSet);
    if (!this.#ownership.holds(this.#shardOfKey(key))) return;
    this.#queue.add(key);
  }

  #enqueueUsing(generator: string): void {
    for (const appSet of this.#appSets.list())
      if (usesGenerator(appSet.spec, generator)) this.#enqueue(appSet);
  }

  #wireTriggers(): void {
    this.#appSets.on({
      add: (appSet) => this.#enqueue(appSet),
      update: (appSet, old) => {
        if (specOrMetaChanged(appSet, old)) this.#enqueue(appSet);
      },
    });
    // Changes to owned Applications (ours included, and their status from the sync half) are
    // coalesced: a burst of them re-runs the ApplicationSet once. A change of status only feeds
    // status.resources and waits longer: while a fleet syncs, every Application changes several
    // times, and each re-run of a large ApplicationSet rewrites a status listing thousands.
    const enqueueOwner = (app: LiveApplication, old?: LiveApplication): void => {
      const owner = controllerOf(app);
      if (owner?.kind !== 'ApplicationSet') return;
      const appSet = this.#appSets.get(app.metadata.namespace, owner.name);
      if (
        appSet !== undefined &&
        this.#allowed(app.metadata.namespace ?? '') &&
        this.#ownership.holds(this.#shardOfKey(objectKey(appSet)))
      ) {
        if (old !== undefined && !changedBeyondStatus(app, old))
          this.#statusQueue.addAfter(objectKey(appSet), OWNED_STATUS_COALESCE_MS);
        else this.#queue.addAfter(objectKey(appSet), OWNED_APP_COALESCE_MS);
      }
    };
    this.#apps.on({
      add: (app) => enqueueOwner(app),
      update: (app, old) => enqueueOwner(app, old),
      delete: (app) => enqueueOwner(app),
    });
    const onSecret = (secret: KubeObject): void => {
      if (!this.#ready) return;
      const type = secret.metadata.labels?.['argocd.argoproj.io/secret-type'];
      if (type === 'cluster') {
        this.#enqueueUsing('clusters');
        this.#enqueueUsing('clusterDecisionResource');
      } else {
        this.#enqueueUsing('git');
      }
    };
    this.#secrets.on({
      add: onSecret,
      delete: onSecret,
      update: (secret, old) => {
        onSecret(secret);
        // A Secret whose type label was removed or changed concerns the old type's users too.
        if (
          old.metadata.labels?.['argocd.argoproj.io/secret-type'] !==
          secret.metadata.labels?.['argocd.argoproj.io/secret-type']
        )
          onSecret(old);
      },
    });
  }
}

/** Every shard unless the process says which this replica holds. */
function ownershipOf(options: ControllerOptions): ShardOwnership {
  return options.ownership ?? allShards();
}

/**
 * The hub writer of one reconcile. Fenced: with shards, each reconcile writes through a client
 * that refuses every write once its ApplicationSet's shard is no longer held.
 */
function fencedWriters(
  client: KubeClient,
  log: Logger,
  options: ControllerOptions,
): (key: string, shard: number) => ReturnType<typeof kubeHubWriter> {
  const countWrite = (verb: string): void => options.metrics?.countWrite(verb);
  const writer = kubeHubWriter(client, log, countWrite);
  const ownership = options.ownership;
  if (ownership === undefined) return () => writer;
  return (key, shard) =>
    kubeHubWriter(client.guarded(fenceFor(ownership, shard, `ApplicationSet ${key}`)), log, countWrite);
}

/** Status-only updates (our own writes) do not re-trigger a reconcile. */
function specOrMetaChanged(current: LiveApplicationSet, old: LiveApplicationSet): boolean {
  const a = current.metadata;
  const b = old.metadata;
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    JSON.stringify(a.labels) !== JSON.stringify(b.labels) ||
    JSON.stringify(a.annotations) !== JSON.stringify(b.annotations)
  );
}

/**
 * True when an Application changed in more than its status. Compared field by field: the
 * Application CRD has no status subresource, so its generation moves with every status write.
 */
function changedBeyondStatus(current: LiveApplication, old: LiveApplication): boolean {
  const { status: _now, metadata: a, ...restNow } = current;
  const { status: _before, metadata: b, ...restBefore } = old;
  const meta = (m: typeof a) =>
    JSON.stringify([m.labels, m.annotations, m.finalizers, m.ownerReferences, m.deletionTimestamp]);
  return meta(a) !== meta(b) || JSON.stringify(restNow) !== JSON.stringify(restBefore);
}
