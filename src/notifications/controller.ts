/**
 * The notifications controller (a component): watches argocd-notifications-cm and
 * argocd-notifications-secret, Applications, AppProjects and ApplicationSets on the hub, and runs
 * each subscribed object's triggers when it changes, when the configuration changes and every
 * resync period (conditions may depend on time). Deliveries are recorded in the object's
 * `notified.notifications.argoproj.io` annotation; failed ones are retried with backoff.
 */
import { secretData, secretSchema } from '../api/secret.ts';
import type { KubeClient } from '../kube/client.ts';
import type { InformerView } from '../kube/informer.ts';
import { informersOr, type SharedInformers } from '../kube/shared-informers.ts';
import { namespaceFilter, type NamespaceFilter } from '../kube/namespaces.ts';
import {
  APP_PROJECTS,
  APPLICATION_SETS,
  APPLICATIONS,
  CONFIG_MAPS,
  SECRETS,
  objectKey,
  type KubeObject,
  type ResourceType,
} from '../kube/types.ts';
import { WorkQueue } from '../kube/workqueue.ts';
import type { Logger } from '../log.ts';
import {
  CONFIG_MAP_NAME,
  SECRET_NAME,
  parseNotificationsConfig,
  type NotificationsConfig,
} from './config.ts';
import { processSubject, type DeliveryOutcome, type Subject, type SubjectKind } from './engine.ts';
import { eventRecorder, type EventRecorder } from './events.ts';
import type { NotificationsMetrics } from './metrics.ts';
import { secretScrubber } from './scrub.ts';
import { NOTIFIED_ANNOTATION } from './state.ts';
import { syncStatusRefreshed } from './refreshed.ts';
import { allShards, fenceFor, type ShardOwnership } from '../shards/ownership.ts';

/** The shard whose holder sends notifications. */
const NOTIFICATIONS_SHARD = 0;

export interface NotificationsOptions {
  readonly hub: KubeClient;
  /** The process's shared informers (one watch and one copy per type); default: this component's own. */
  readonly informers?: SharedInformers;
  /** The control-plane namespace: the ConfigMap, the Secret, AppProjects, Applications, ApplicationSets. */
  readonly namespace: string;
  /** More namespaces whose Applications and ApplicationSets are watched (globs or /regex/). */
  readonly extraNamespaces?: readonly string[];
  readonly concurrency?: number;
  /** How often every subscribed object is evaluated again (Argo CD: 60 s). */
  readonly resyncSeconds?: number;
  /** Notifications go out from the replica holding shard 0 (default: this one, always). */
  readonly ownership?: ShardOwnership;
  readonly log: Logger;
  readonly metrics?: NotificationsMetrics;
  readonly now?: () => number;
}

const FIELD_MANAGER = 'spokes-notifications-controller';
/** A failed delivery is tried again after 10 s, doubling up to 5 min (however often the object changes). */
const RETRY_BASE_MS = 10_000;
const RETRY_MAX_MS = 300_000;

/** What kind of object a queue key names: `app/<ns>/<name>` or `appset/<ns>/<name>`. */
const KINDS: Readonly<Record<SubjectKind, ResourceType>> = { app: APPLICATIONS, appset: APPLICATION_SETS };

export class NotificationsController {
  readonly name = 'notifications';
  readonly #options: NotificationsOptions;
  readonly #log: Logger;
  readonly #allowed: NamespaceFilter;
  readonly #configMaps: InformerView<KubeObject>;
  readonly #secrets: InformerView<KubeObject>;
  readonly #apps: InformerView<KubeObject>;
  readonly #appSets: InformerView<KubeObject>;
  readonly #projects: InformerView<KubeObject>;
  readonly #queue: WorkQueue;
  readonly #event: EventRecorder;
  /** The annotation as our last write left it, by queue key, until the informer catches up. */
  readonly #written = new Map<
    string,
    { readonly resourceVersion: number; readonly annotation: string | undefined }
  >();
  /** Failed deliveries by `<queue key> <state key>`: attempts so far and when the next may run. */
  readonly #failures = new Map<string, { readonly attempts: number; readonly notBefore: number }>();
  /** The last trigger error logged per object and trigger (each is logged once, not every pass). */
  readonly #lastErrors = new Map<string, string>();
  #config: NotificationsConfig = parseNotificationsConfig({});
  #configVersion = '';
  #scrub: (text: string) => string = (text) => text;
  #resync: NodeJS.Timeout | undefined;
  #ready = false;
  readonly #ownership: ShardOwnership;

  constructor(options: NotificationsOptions) {
    this.#options = options;
    this.#ownership = options.ownership ?? allShards();
    // Taking shard 0 over: evaluate everything, the notified-state annotations say what was sent.
    // Giving it up: handed over once the sends in flight have recorded their annotations.
    this.#ownership.onChange((change) => {
      if (this.#ready && change.gained.includes(NOTIFICATIONS_SHARD)) this.#enqueueAll();
      return change.lost.includes(NOTIFICATIONS_SHARD) ? this.#queue.whenSettled(() => true) : undefined;
    });
    const { hub, namespace } = options;
    this.#log = options.log.child({ component: 'notifications' });
    const extra = options.extraNamespaces ?? [];
    this.#allowed = namespaceFilter(namespace, extra);
    const scope = extra.length === 0 ? { namespace } : {};
    const byName = (name: string) => ({ namespace, fieldSelector: `metadata.name=${name}` });
    const informers = informersOr(options.informers, hub, this.#log);
    this.#configMaps = informers.informer(CONFIG_MAPS, byName(CONFIG_MAP_NAME));
    this.#secrets = informers.informer(SECRETS, byName(SECRET_NAME));
    this.#apps = informers.informer(APPLICATIONS, scope);
    this.#appSets = informers.informer(APPLICATION_SETS, scope);
    this.#projects = informers.informer(APP_PROJECTS, { namespace });
    this.#event = eventRecorder(hub, this.#log);
    this.#queue = new WorkQueue({
      concurrency: options.concurrency ?? 8,
      handler: (key) => this.#process(key),
      onError: (key, err, retryInMs) =>
        this.#log.warn('notifications failed; will retry', {
          object: key,
          error: this.#scrubbed(err),
          retryInMs,
        }),
    });
    this.#wire();
  }

  get ready(): boolean {
    return this.#ready;
  }

  async start(): Promise<void> {
    const informers = [this.#configMaps, this.#secrets, this.#projects, this.#apps, this.#appSets];
    for (const informer of informers) informer.start();
    await Promise.all(informers.map((i) => i.synced));
    this.#reloadConfig();
    this.#ready = true;
    this.#enqueueAll();
    const every = (this.#options.resyncSeconds ?? 60) * 1000;
    this.#resync = setInterval(() => this.#enqueueAll(), every);
    this.#resync.unref();
  }

  async stop(): Promise<void> {
    this.#ready = false;
    clearInterval(this.#resync);
    // Deliveries in flight finish and are recorded before the Lease is released.
    await this.#queue.stop();
    await Promise.all(
      [this.#configMaps, this.#secrets, this.#projects, this.#apps, this.#appSets].map((i) => i.stop()),
    );
  }

  /** Waits until nothing is queued or running (tests, benchmarks). */
  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  #wire(): void {
    const onConfig = (): void => {
      if (!this.#ready) return;
      this.#reloadConfig();
      this.#enqueueAll();
    };
    for (const informer of [this.#configMaps, this.#secrets])
      informer.on({ add: onConfig, update: onConfig, delete: onConfig });
    this.#apps.on({ add: (o) => this.#enqueue('app', o), update: (o) => this.#enqueue('app', o) });
    this.#appSets.on({ add: (o) => this.#enqueue('appset', o), update: (o) => this.#enqueue('appset', o) });
    const onDelete = (kind: SubjectKind) => (obj: KubeObject) => {
      const key = `${kind}/${objectKey(obj)}`;
      this.#written.delete(key);
      for (const map of [this.#lastErrors, this.#failures])
        for (const k of map.keys()) if (k.startsWith(`${key} `)) map.delete(k);
    };
    this.#apps.on({ delete: onDelete('app') });
    this.#appSets.on({ delete: onDelete('appset') });
    const onProject = (project: KubeObject): void => {
      for (const app of this.#apps.list())
        if ((app['spec'] as { project?: string } | undefined)?.project === project.metadata.name)
          this.#enqueue('app', app);
    };
    this.#projects.on({ add: onProject, update: onProject });
  }

  #enqueue(kind: SubjectKind, obj: KubeObject): void {
    if (!this.#ready || !this.#allowed(obj.metadata.namespace ?? '')) return;
    this.#queue.add(`${kind}/${objectKey(obj)}`);
  }

  #enqueueAll(): void {
    for (const app of this.#apps.list()) this.#enqueue('app', app);
    for (const appSet of this.#appSets.list()) this.#enqueue('appset', appSet);
  }

  #reloadConfig(): void {
    const configMap = this.#configMaps.get(this.#options.namespace, CONFIG_MAP_NAME);
    const secret = this.#secrets.get(this.#options.namespace, SECRET_NAME);
    const parsedSecret = secret ? secretSchema.safeParse(secret) : undefined;
    const secrets = parsedSecret?.success ? secretData(parsedSecret.data) : {};
    const data = (configMap?.['data'] ?? {}) as Record<string, string>;
    this.#config = parseNotificationsConfig(data, secrets);
    this.#scrub = secretScrubber(Object.values(secrets));
    const version = `${configMap?.metadata.resourceVersion ?? ''}/${secret?.metadata.resourceVersion ?? ''}`;
    if (version === this.#configVersion) return;
    this.#configVersion = version;
    this.#log.info('notifications configuration loaded', {
      configMap: configMap ? `${this.#options.namespace}/${CONFIG_MAP_NAME}` : 'none',
      services: [...this.#config.services.keys()],
      triggers: this.#config.triggers.size,
      templates: this.#config.templates.size,
      problems: this.#config.problems.length,
    });
    for (const problem of this.#config.problems) {
      const message = this.#scrub(`${CONFIG_MAP_NAME} ${problem.key}: ${problem.message}`);
      this.#log.error('notifications configuration entry ignored', { key: problem.key, error: message });
      if (configMap) this.#event(configMap, 'Warning', 'InvalidNotificationConfig', message);
    }
  }

  /** The object from the informer, with the state annotation our last write left when the informer lags. */
  #current(key: string, kind: SubjectKind): KubeObject | undefined {
    const rest = key.slice(kind.length + 1);
    const slash = rest.indexOf('/');
    const informer = kind === 'app' ? this.#apps : this.#appSets;
    const obj = informer.get(rest.slice(0, slash), rest.slice(slash + 1));
    const written = this.#written.get(key);
    if (obj === undefined || written === undefined) return obj;
    if (Number(obj.metadata.resourceVersion ?? 0) >= written.resourceVersion) {
      this.#written.delete(key);
      return obj;
    }
    const annotations = { ...obj.metadata.annotations };
    if (written.annotation === undefined) delete annotations[NOTIFIED_ANNOTATION];
    else annotations[NOTIFIED_ANNOTATION] = written.annotation;
    return { ...obj, metadata: { ...obj.metadata, annotations } };
  }

  async #process(key: string): Promise<{ requeueAfterMs?: number }> {
    // Notifications are sent by the replica holding shard 0, one sender for the whole hub.
    if (!this.#ownership.holds(NOTIFICATIONS_SHARD)) return {};
    const kind: SubjectKind = key.startsWith('appset/') ? 'appset' : 'app';
    const obj = this.#current(key, kind);
    if (obj === undefined) return {};
    if (kind === 'app' && !syncStatusRefreshed(obj)) return {};
    const subject: Subject = { kind, obj, project: kind === 'app' ? this.#projectOf(obj) : undefined };
    const config = this.#config;
    const metrics = this.#options.metrics;
    await processSubject(subject, {
      config,
      ...(this.#options.now ? { now: this.#options.now } : {}),
      send: async (notification, dest) => {
        const service = config.services.get(dest.service);
        if (service === undefined) throw new Error(`notification service '${dest.service}' is not supported`);
        await service.send(notification, dest);
      },
      persist: (annotation) => this.#persist(key, kind, obj, annotation),
      mayAttempt: (stateKey) => (this.#failures.get(`${key} ${stateKey}`)?.notBefore ?? 0) <= Date.now(),
      onEvaluated: (trigger, triggered) => metrics?.countEvaluation(trigger, triggered),
      onDelivered: (outcome) => {
        metrics?.countDelivery(outcome.trigger, outcome.dest.service, outcome.ok);
        this.#recordAttempt(key, outcome);
        this.#reportDelivery(obj, outcome);
      },
      onTriggerError: (trigger, message) => this.#reportTriggerError(key, trigger, message),
      onDecision: (trigger, stateKey, decision) =>
        this.#log.debug('notification decision', { object: key, trigger, state: stateKey, decision }),
    });
    return this.#retryDelay(key);
  }

  #recordAttempt(key: string, outcome: DeliveryOutcome): void {
    const id = `${key} ${outcome.key}`;
    if (outcome.ok) {
      this.#failures.delete(id);
      return;
    }
    const attempts = (this.#failures.get(id)?.attempts ?? 0) + 1;
    const delay = Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS);
    this.#failures.set(id, { attempts, notBefore: Date.now() + delay });
  }

  /** When this object's earliest failed delivery may be tried again, if it has any. */
  #retryDelay(key: string): { requeueAfterMs?: number } {
    let earliest = Infinity;
    for (const [id, failure] of this.#failures)
      if (id.startsWith(`${key} `)) earliest = Math.min(earliest, failure.notBefore);
    return earliest === Infinity ? {} : { requeueAfterMs: Math.max(earliest - Date.now(), 0) + 10 };
  }

  #projectOf(app: KubeObject): KubeObject | undefined {
    const name = (app['spec'] as { project?: string } | undefined)?.project;
    return name ? this.#projects.get(app.metadata.namespace, name) : undefined;
  }

  async #persist(
    key: string,
    kind: SubjectKind,
    obj: KubeObject,
    annotation: string | undefined,
  ): Promise<void> {
    const hub = this.#options.ownership
      ? this.#options.hub.guarded(
          fenceFor(this.#options.ownership, NOTIFICATIONS_SHARD, `${key} notified state`),
        )
      : this.#options.hub;
    const patched = await hub.patch<KubeObject>(
      KINDS[kind],
      { namespace: obj.metadata.namespace, name: obj.metadata.name },
      { metadata: { annotations: { [NOTIFIED_ANNOTATION]: annotation ?? null } } },
      { type: 'merge', fieldManager: FIELD_MANAGER },
    );
    this.#written.set(key, { resourceVersion: Number(patched.metadata.resourceVersion ?? 0), annotation });
  }

  #reportDelivery(obj: KubeObject, outcome: DeliveryOutcome): void {
    const { trigger, dest } = outcome;
    const fields = {
      object: `${obj.kind} ${objectKey(obj)}`,
      trigger,
      service: dest.service,
      recipient: dest.recipient,
    };
    if (outcome.ok) {
      this.#log.info('notification sent', fields);
      return;
    }
    const error = this.#scrub(outcome.error ?? '');
    this.#log.warn('notification failed; will retry', { ...fields, error });
    this.#event(
      obj,
      'Warning',
      'NotificationFailed',
      `${trigger} to ${dest.service}:${dest.recipient}: ${error}`,
    );
  }

  #reportTriggerError(key: string, trigger: string, message: string): void {
    const id = `${key} ${trigger}`;
    if (this.#lastErrors.get(id) === message) return;
    this.#lastErrors.set(id, message);
    this.#log.warn('trigger condition failed', {
      object: key,
      key: `trigger.${trigger}`,
      error: this.#scrub(message),
    });
  }

  #scrubbed(err: unknown): string {
    return this.#scrub(err instanceof Error ? err.message : String(err));
  }
}
