/**
 * The rollout component: runs RollingSync for ApplicationSets that ask for it. It watches
 * ApplicationSets and Applications on the hub, computes each rollout's next state (state.ts),
 * writes `status.applicationStatus` and its conditions, and starts syncs by writing an
 * Application's `operation`, exactly where `spokes sync` and Argo CD write it: the sync component
 * does the rest. Every write carries the resourceVersion it was computed from, so a stale cache
 * or a second replica can never start a sync twice; a conflict just runs the key again.
 * `deletionOrder: Reverse` holds the ApplicationSet's finalizer and deletes its Applications
 * step by step, last step first.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  CONDITION_INVALID_CONFIG,
  CONDITION_PROGRESSING,
  RESUME_ANNOTATION,
  SOAK_ANNOTATION,
  resumedKeys,
  rollingSyncOf,
  type ApplicationRolloutStatus,
  type RolloutStrategy,
} from '../api/rollout.ts';
import type { KubeClient } from '../kube/client.ts';
import { isConflict, isNotFound } from '../kube/errors.ts';
import type { InformerView } from '../kube/informer.ts';
import { informersOr, type SharedInformers } from '../kube/shared-informers.ts';
import { namespaceFilter, type NamespaceFilter } from '../kube/namespaces.ts';
import { APPLICATION_SETS, APPLICATIONS, objectKey, type KubeObject } from '../kube/types.ts';
import { WorkQueue, type WorkResult } from '../kube/workqueue.ts';
import type { Logger } from '../log.ts';
import { appSetShard } from '../shards/hash.ts';
import { allShards, fenceFor, type ShardOwnership } from '../shards/ownership.ts';
import { reverseDeletionStep } from './deletion.ts';
import { computeRollout, type AppView, type RolloutCondition, type RolloutResult } from './state.ts';

export interface RolloutOptions {
  readonly hub: KubeClient;
  /** The process's shared informers (one watch and one copy per type); default: this component's own. */
  readonly informers?: SharedInformers;
  readonly namespace: string;
  readonly appSetNamespaces: readonly string[];
  readonly concurrency?: number;
  readonly log: Logger;
  readonly now?: () => Date;
  /** The shards this replica holds: it rolls out and writes only for their ApplicationSets (default all). */
  readonly ownership?: ShardOwnership;
}

/** Argo CD's ApplicationSet finalizer, held while `deletionOrder: Reverse` deletes step by step. */
export const APPSET_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const FIELD_MANAGER = 'spokes-rollout';
const ROLLOUT_CONDITIONS = new Set([CONDITION_PROGRESSING, CONDITION_INVALID_CONFIG]);

type LiveAppSet = KubeObject & {
  spec?: unknown;
  status?: { applicationStatus?: ApplicationRolloutStatus[]; conditions?: StoredCondition[] };
};
type LiveApp = KubeObject & AppView & { spec: AppView['spec'] };
interface StoredCondition extends RolloutCondition {
  readonly lastTransitionTime?: string;
}

export class RolloutController {
  readonly name = 'rollout';
  readonly #options: RolloutOptions;
  readonly #log: Logger;
  readonly #allowed: NamespaceFilter;
  readonly #appSets: InformerView<LiveAppSet>;
  readonly #apps: InformerView<LiveApp>;
  readonly #queue: WorkQueue;
  /** Operations written and not yet seen by the informer: app key → the resourceVersion written over. */
  readonly #inFlight = new Map<string, string>();
  readonly #ownership: ShardOwnership;
  #unsubscribe: () => void = () => undefined;
  #ready = false;

  constructor(options: RolloutOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'rollout' });
    this.#allowed = namespaceFilter(options.namespace, options.appSetNamespaces);
    this.#ownership = options.ownership ?? allShards();
    const scope = options.appSetNamespaces.length === 0 ? { namespace: options.namespace } : {};
    const informers = informersOr(options.informers, options.hub, this.#log);
    this.#appSets = informers.informer(APPLICATION_SETS, scope);
    this.#apps = informers.informer(APPLICATIONS, scope);
    this.#queue = new WorkQueue({
      concurrency: options.concurrency ?? 4,
      paused: true,
      handler: (key) => this.#reconcile(key),
      onError: (key, err, retryInMs) =>
        this.#log.warn('rollout failed; will retry', { appset: key, error: err, retryInMs }),
    });
    this.#appSets.on({ add: (o) => this.#enqueue(o), update: (o) => this.#enqueue(o) });
    const onApp = (app: LiveApp): void => {
      const owner = app.metadata.ownerReferences?.find((r) => r.controller === true);
      if (owner?.kind !== 'ApplicationSet') return;
      if (this.#allowed(app.metadata.namespace ?? ''))
        this.#queue.add(`${app.metadata.namespace ?? ''}/${owner.name}`);
    };
    this.#apps.on({ add: onApp, update: onApp, delete: onApp });
  }

  get ready(): boolean {
    return this.#ready;
  }

  async start(): Promise<void> {
    this.#appSets.start();
    this.#apps.start();
    await Promise.all([this.#appSets.synced, this.#apps.synced]);
    this.#ready = true;
    for (const appSet of this.#appSets.list()) this.#enqueue(appSet);
    // A shard gained (a handoff) is rolled out from the hub's state: the stored status and
    // operations. A shard lost is handed over once the passes running for it have finished.
    this.#unsubscribe = this.#ownership.onChange(({ gained, lost }) => {
      const held = new Set(gained);
      for (const appSet of held.size === 0 ? [] : this.#appSets.list())
        if (held.has(this.#shardOf(objectKey(appSet)))) this.#enqueue(appSet);
      const given = new Set(lost);
      return this.#queue.whenSettled((key) => given.has(this.#shardOf(key)));
    });
    this.#queue.resume();
  }

  async stop(): Promise<void> {
    this.#ready = false;
    this.#unsubscribe();
    await this.#queue.stop();
    await Promise.all([this.#appSets.stop(), this.#apps.stop()]);
  }

  /** Waits until nothing is queued or running (tests, benchmarks). */
  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  #shardOf(key: string): number {
    const slash = key.indexOf('/');
    return appSetShard(key.slice(0, slash), key.slice(slash + 1), this.#ownership.shards);
  }

  /** The hub client for one ApplicationSet's writes: fenced by its shard when shards are in use. */
  #hubFor(appSet: KubeObject): KubeClient {
    const { hub, ownership } = this.#options;
    if (ownership === undefined) return hub;
    const key = objectKey(appSet);
    return hub.guarded(fenceFor(ownership, this.#shardOf(key), `ApplicationSet ${key} (rollout)`));
  }

  #enqueue(appSet: KubeObject): void {
    if (this.#allowed(appSet.metadata.namespace ?? '')) this.#queue.add(objectKey(appSet));
  }

  async #reconcile(key: string): Promise<WorkResult> {
    const slash = key.indexOf('/');
    if (!this.#ownership.holds(this.#shardOf(key))) return {};
    const appSet = this.#appSets.get(key.slice(0, slash), key.slice(slash + 1));
    if (appSet === undefined) return {};
    const strategy = rollingSyncOf(appSet);
    const owned = this.#apps
      .list()
      .filter(
        (app) =>
          app.metadata.namespace === appSet.metadata.namespace &&
          app.metadata.ownerReferences?.some((r) => r.controller === true && r.uid === appSet.metadata.uid),
      );
    if (appSet.metadata.deletionTimestamp !== undefined) return this.#delete(appSet, strategy, owned);
    if (strategy === undefined) return this.#clear(appSet);
    if (strategy.reverseDeletion && !(appSet.metadata.finalizers ?? []).includes(APPSET_FINALIZER)) {
      await this.#setFinalizers(appSet, [...(appSet.metadata.finalizers ?? []), APPSET_FINALIZER]);
      return {};
    }
    return this.#roll(appSet, strategy, owned);
  }

  async #roll(appSet: LiveAppSet, strategy: RolloutStrategy, owned: readonly LiveApp[]): Promise<WorkResult> {
    const annotations = appSet.metadata.annotations ?? {};
    const now = (this.#options.now ?? (() => new Date()))();
    const result = computeRollout({
      strategy,
      previous: appSet.status?.applicationStatus ?? [],
      apps: owned.map(toView),
      resumed: resumedKeys(annotations[RESUME_ANNOTATION]),
      ...(annotations[SOAK_ANNOTATION] === undefined ? {} : { soakAnnotation: annotations[SOAK_ANNOTATION] }),
      now,
    });
    const log = this.#log.child({ appset: objectKey(appSet) });
    // The status first: a sync is started only for an Application recorded as Pending.
    const wrote = await this.#writeStatus(appSet, result.entries, result.conditions, now);
    if (wrote === 'conflict') return { requeueAfterMs: 200 };
    await this.#startSyncs(appSet, result, owned, log);
    this.#forgetSeen(owned);
    return result.requeueAfterMs === undefined ? {} : { requeueAfterMs: result.requeueAfterMs + 100 };
  }

  /** Writes each operation over the resourceVersion it was computed from: never twice for one state. */
  async #startSyncs(
    appSet: LiveAppSet,
    result: RolloutResult,
    owned: readonly LiveApp[],
    log: Logger,
  ): Promise<void> {
    const byName = new Map(owned.map((app) => [app.metadata.name, app]));
    for (const sync of result.syncs) {
      const app = byName.get(sync.application)!;
      const appKey = objectKey(app);
      if (this.#inFlight.get(appKey) === app.metadata.resourceVersion) continue;
      try {
        await this.#hubFor(appSet).patch(
          APPLICATIONS,
          { namespace: app.metadata.namespace, name: app.metadata.name },
          { metadata: { resourceVersion: app.metadata.resourceVersion }, operation: sync.operation },
          { type: 'merge', fieldManager: FIELD_MANAGER },
        );
        this.#inFlight.set(appKey, app.metadata.resourceVersion ?? '');
        log.info(sync.why === 'selfHeal' ? 'healing drift: sync started' : 'sync started', {
          app: app.metadata.name,
          step: result.entries.find((e) => e.application === app.metadata.name)?.step,
        });
      } catch (err) {
        if (!isConflict(err) && !isNotFound(err)) throw err;
        log.debug('Application changed before its sync was written; trying again', {
          app: app.metadata.name,
        });
      }
    }
  }

  /** Drops in-flight marks the informer has moved past (a newer resourceVersion was seen). */
  #forgetSeen(owned: readonly LiveApp[]): void {
    const current = new Map(owned.map((app) => [objectKey(app), app.metadata.resourceVersion]));
    for (const [key, version] of this.#inFlight) if (current.get(key) !== version) this.#inFlight.delete(key);
  }

  async #writeStatus(
    appSet: LiveAppSet,
    entries: readonly ApplicationRolloutStatus[],
    conditions: readonly RolloutCondition[],
    now: Date,
  ): Promise<'written' | 'unchanged' | 'conflict'> {
    const previous = appSet.status?.conditions ?? [];
    const merged = mergeConditions(previous, conditions, now);
    const unchanged =
      isDeepStrictEqual(plain(appSet.status?.applicationStatus ?? []), plain(entries)) &&
      isDeepStrictEqual(plain(previous), plain(merged));
    if (unchanged) return 'unchanged';
    try {
      await this.#hubFor(appSet).patch(
        APPLICATION_SETS,
        { namespace: appSet.metadata.namespace, name: appSet.metadata.name },
        {
          metadata: { resourceVersion: appSet.metadata.resourceVersion },
          status: { applicationStatus: entries, conditions: merged },
        },
        { type: 'merge', subresource: 'status', fieldManager: FIELD_MANAGER },
      );
      return 'written';
    } catch (err) {
      if (isConflict(err)) return 'conflict';
      throw err;
    }
  }

  /** No RollingSync (any more): Argo clears the entries; the rollout's conditions go with them. */
  async #clear(appSet: LiveAppSet): Promise<WorkResult> {
    const status = appSet.status ?? {};
    const conditions = (status.conditions ?? []).filter((c) => !ROLLOUT_CONDITIONS.has(c.type));
    if (
      (status.applicationStatus ?? []).length === 0 &&
      conditions.length === (status.conditions ?? []).length
    )
      return {};
    await this.#hubFor(appSet).patch(
      APPLICATION_SETS,
      { namespace: appSet.metadata.namespace, name: appSet.metadata.name },
      {
        metadata: { resourceVersion: appSet.metadata.resourceVersion },
        status: { applicationStatus: null, conditions },
      },
      { type: 'merge', subresource: 'status', fieldManager: FIELD_MANAGER },
    );
    return {};
  }

  async #delete(
    appSet: LiveAppSet,
    strategy: RolloutStrategy | undefined,
    owned: readonly LiveApp[],
  ): Promise<WorkResult> {
    if (!(appSet.metadata.finalizers ?? []).includes(APPSET_FINALIZER)) return {};
    const next = strategy?.reverseDeletion
      ? reverseDeletionStep(strategy, owned)
      : { done: true, remove: [] };
    for (const app of next.remove) {
      this.#log.info('reverse deletion: deleting Application', { app: app.metadata.name, step: next.step });
      await this.#hubFor(appSet)
        .delete(APPLICATIONS, app.metadata.namespace, app.metadata.name, {
          ...(app.metadata.uid ? { preconditions: { uid: app.metadata.uid } } : {}),
        })
        .catch((err: unknown) => {
          if (!isNotFound(err) && !isConflict(err)) throw err;
        });
    }
    if (!next.done) return { requeueAfterMs: 10_000 };
    await this.#setFinalizers(
      appSet,
      (appSet.metadata.finalizers ?? []).filter((f) => f !== APPSET_FINALIZER),
    );
    return {};
  }

  async #setFinalizers(appSet: LiveAppSet, finalizers: string[]): Promise<void> {
    await this.#hubFor(appSet).patch(
      APPLICATION_SETS,
      { namespace: appSet.metadata.namespace, name: appSet.metadata.name },
      { metadata: { resourceVersion: appSet.metadata.resourceVersion, finalizers } },
      { type: 'merge', fieldManager: FIELD_MANAGER },
    );
  }
}

function toView(app: LiveApp): AppView {
  return {
    name: app.metadata.name,
    labels: app.metadata.labels ?? {},
    spec: app.spec,
    ...(app.operation ? { operation: app.operation } : {}),
    ...(app.status ? { status: app.status } : {}),
  };
}

/** Our conditions stamped (the time kept while their status holds); the other writers' kept as they are. */
function mergeConditions(
  previous: readonly StoredCondition[],
  next: readonly RolloutCondition[],
  now: Date,
): StoredCondition[] {
  const at = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const ours = next.map((condition) => {
    const before = previous.find((p) => p.type === condition.type);
    const since = before?.status === condition.status ? before.lastTransitionTime : undefined;
    return { ...condition, lastTransitionTime: since ?? at };
  });
  return [...previous.filter((c) => !ROLLOUT_CONDITIONS.has(c.type)), ...ours];
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
