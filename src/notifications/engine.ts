/**
 * One object's notifications, the way Argo CD's notifications controller processes it: find its
 * destinations (global subscriptions by label, its own subscribe annotations, its AppProject's),
 * run each subscribed trigger, and for every true condition deliver once per destination, keeping
 * the `notified.notifications.argoproj.io` state. A false condition re-arms its destinations; a
 * failed delivery is re-armed too, so it is tried again. Each delivery is persisted as soon as it
 * succeeds, so a crash right after never sends it twice.
 */
import { fn, GoFuncValue } from '../template/go/funcs.ts';
import type { KubeObject } from '../kube/types.ts';
import type { NotificationsConfig } from './config.ts';
import { helperVars } from './helpers.ts';
import {
  NOTIFIED_ANNOTATION,
  NotifiedState,
  stateKey,
  type ConditionResult,
  type Destination,
} from './state.ts';
import { annotationDestinations, globalDestinations, type Destinations } from './subscriptions.ts';
import { renderNotification, type Notification } from './templates.ts';

/** What an object is to the engine: the variable its triggers and templates see it as. */
export type SubjectKind = 'app' | 'appset';

export interface Subject {
  readonly kind: SubjectKind;
  readonly obj: KubeObject;
  /** The Application's AppProject (its subscriptions apply too; templates see it as `appProject`). */
  readonly project?: KubeObject | undefined;
}

export interface DeliveryOutcome {
  readonly trigger: string;
  /** The state key (`[oncePer:]trigger:[i].hash:service:recipient`). */
  readonly key: string;
  readonly dest: Destination;
  readonly ok: boolean;
  readonly error?: string;
}

export interface EngineDeps {
  readonly config: NotificationsConfig;
  /** Delivers a rendered notification to one destination's service. */
  send(notification: Notification, dest: Destination): Promise<void>;
  /** Writes the state annotation (undefined removes it). */
  persist(annotation: string | undefined): Promise<void>;
  onEvaluated?(trigger: string, triggered: boolean): void;
  onDelivered?(outcome: DeliveryOutcome): void;
  /** What was decided for one destination of a condition (debug logs). */
  onDecision?(trigger: string, key: string, decision: 'send' | 'already sent' | 're-armed'): void;
  /** False while a failed delivery of this state key waits for its next attempt. */
  mayAttempt?(key: string): boolean;
  /** A trigger that could not be evaluated (unknown, or its condition failed). */
  onTriggerError?(trigger: string, message: string): void;
  readonly now?: () => number;
}

export interface ProcessResult {
  readonly deliveries: readonly DeliveryOutcome[];
  /** Whether the state annotation was written. */
  readonly persisted: boolean;
}

/**
 * The destinations an object has, by trigger. The ConfigMap's global subscriptions are for
 * Applications (their triggers read `app`); ApplicationSets subscribe by annotation.
 */
export function destinationsOf(subject: Subject, config: NotificationsConfig): Destinations {
  const dests: Destinations =
    subject.kind === 'app'
      ? globalDestinations(config.subscriptions, subject.obj.metadata.labels, config)
      : new Map<string, Destination[]>();
  annotationDestinations(subject.obj.metadata.annotations, config, dests);
  if (subject.project !== undefined)
    annotationDestinations(subject.project.metadata.annotations, config, dests);
  return dests;
}

/** The variables of conditions and templates (templates also get serviceType and recipient). */
export function subjectVars(
  subject: Subject,
  config: NotificationsConfig,
  extra: { readonly state?: NotifiedState; readonly now?: () => number } = {},
): Record<string, unknown> {
  return {
    [subject.kind]: subject.obj,
    ...(subject.project ? { appProject: subject.project } : {}),
    context: config.context,
    secrets: config.secrets,
    ...helperVars(extra.now),
    notified: new GoFuncValue(
      fn(['string'], ([trigger]) => extra.state?.wasNotified(trigger as string) ?? false),
    ),
  };
}

/** Renders what a condition sends to one destination. */
export function render(
  config: NotificationsConfig,
  templates: readonly string[],
  vars: Readonly<Record<string, unknown>>,
  dest: Destination,
): Notification {
  const compiled = templates.map((name) => {
    const t = config.templates.get(name);
    if (t === undefined) throw new Error(`template '${name}' is not supported`);
    return t;
  });
  return renderNotification(compiled, {
    ...vars,
    context: { ...config.context, notificationType: dest.service },
    serviceType: dest.service,
    recipient: dest.recipient,
  });
}

export async function processSubject(subject: Subject, deps: EngineDeps): Promise<ProcessResult> {
  const destinations = destinationsOf(subject, deps.config);
  if (destinations.size === 0) return { deliveries: [], persisted: false };
  const pass = new Pass(subject, deps);
  for (const [name, dests] of destinations) await pass.trigger(name, dests);
  await pass.persist();
  return { deliveries: pass.deliveries, persisted: pass.persisted };
}

/** One processing of one object: its state as loaded, what was delivered, what is written. */
class Pass {
  readonly deliveries: DeliveryOutcome[] = [];
  readonly #deps: EngineDeps;
  readonly #state: NotifiedState;
  readonly #vars: Readonly<Record<string, unknown>>;
  readonly #now: () => number;
  readonly #before: string | undefined;
  #written: string | undefined;

  constructor(subject: Subject, deps: EngineDeps) {
    this.#deps = deps;
    this.#before = subject.obj.metadata.annotations?.[NOTIFIED_ANNOTATION];
    this.#written = this.#before;
    this.#state = NotifiedState.parse(this.#before);
    this.#now = deps.now ?? Date.now;
    this.#vars = subjectVars(subject, deps.config, {
      state: this.#state,
      ...(deps.now ? { now: deps.now } : {}),
    });
  }

  get persisted(): boolean {
    return this.#written !== this.#before;
  }

  async trigger(name: string, dests: readonly Destination[]): Promise<void> {
    const deps = this.#deps;
    const trigger = deps.config.triggers.get(name);
    if (trigger === undefined) {
      deps.onTriggerError?.(name, `trigger '${name}' is not configured`);
      return;
    }
    const run = trigger.run(this.#vars);
    for (const message of run.errors) deps.onTriggerError?.(name, message);
    for (const result of run.results) {
      deps.onEvaluated?.(name, result.triggered);
      for (const dest of dests) await this.#destination(name, result, dest);
    }
  }

  /** Re-arms, skips (already sent, or a failure still backing off) or delivers, for one destination. */
  async #destination(name: string, result: ConditionResult, dest: Destination): Promise<void> {
    const deps = this.#deps;
    const key = stateKey(name, result, dest);
    const seconds = Math.floor(this.#now() / 1000);
    if (!result.triggered) {
      if (this.#state.set(key, result, false, seconds)) deps.onDecision?.(name, key, 're-armed');
      return;
    }
    if (this.#state.has(key)) {
      deps.onDecision?.(name, key, 'already sent');
      return;
    }
    if (deps.mayAttempt?.(key) === false) return;
    deps.onDecision?.(name, key, 'send');
    this.#state.set(key, result, true, seconds);
    const outcome = await deliver(deps, { name, key, result, dest, vars: this.#vars });
    this.deliveries.push(outcome);
    deps.onDelivered?.(outcome);
    // Recorded as soon as it is delivered; a failure is not recorded, so it is tried again.
    if (outcome.ok) await this.persist();
    else this.#state.set(key, { ...result, oncePer: '' }, false, seconds);
  }

  async persist(): Promise<void> {
    if (!this.#state.dirty) return;
    const next = this.#state.serialize();
    if (next === this.#written) return;
    await this.#deps.persist(next);
    this.#written = next;
  }
}

async function deliver(
  deps: EngineDeps,
  what: {
    readonly name: string;
    readonly key: string;
    readonly result: ConditionResult;
    readonly dest: Destination;
    readonly vars: Readonly<Record<string, unknown>>;
  },
): Promise<DeliveryOutcome> {
  const { name, key, result, dest, vars } = what;
  try {
    await deps.send(render(deps.config, result.templates, vars, dest), dest);
    return { trigger: name, key, dest, ok: true };
  } catch (err) {
    return { trigger: name, key, dest, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
