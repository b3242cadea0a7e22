/**
 * The ApplicationSet reconcile, as a checklist: get → validate → expand → plan → apply → status
 * and events. Errors become conditions and never deletions: a reconcile that fails before the plan
 * changes no Application.
 */
import pLimit from 'p-limit';
import { isDeepStrictEqual } from 'node:util';
import type { GeneratorRegistry } from '../../generators/index.ts';
import {
  parseApplicationSet,
  type ApplicationSet,
  type ApplicationsSyncPolicy,
} from '../api/applicationset.ts';
import type { Application } from '../api/application.ts';
import { asksForRollingSync, disableAutomatedSync, rollingSyncOf } from '../api/rollout.ts';
import type { ClusterSource } from '../clusters/types.ts';
import { SpokesError, type ErrorCode } from '../errors.ts';
import { expand } from '../expand.ts';
import type { ExternalSources } from '../external.ts';
import { requeueAfterSeconds } from '../generate.ts';
import type { RepoSource } from '../git/types.ts';
import type { KubeObject } from '../kube/types.ts';
import type { Logger } from '../log.ts';
import {
  errorConditions,
  mergeConditions,
  progressiveSyncDisabled,
  REASONS,
  successConditions,
  type Condition,
} from './conditions.ts';
import {
  effectivePermissions,
  isOwnedBy,
  planReconcile,
  type Action,
  type AppSetIdentity,
  type LiveApplication,
} from './plan.ts';
import type { WorkResult } from '../kube/workqueue.ts';
import { inSpan, noopTracer, type Tracer } from '../observability/tracing.ts';

export interface ApplicationSetStatus {
  conditions?: Condition[];
  resources?: ResourceStatus[];
  [key: string]: unknown;
}

export interface ResourceStatus {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly status?: string;
  readonly health?: unknown;
}

export type LiveApplicationSet = KubeObject & { spec?: unknown; status?: ApplicationSetStatus };

/** What the reconciler reads: the informers' caches and the sources generators use. */
export interface HubView {
  getApplicationSet(namespace: string, name: string): LiveApplicationSet | undefined;
  listApplications(namespace: string): readonly LiveApplication[];
  readonly clusters: ClusterSource;
  readonly repos: RepoSource;
  /** Sources of the generators that ask other systems (cluster decisions, plugins, SCM providers). */
  readonly external?: ExternalSources;
}

/** What the reconciler writes. */
export interface HubWriter {
  create(app: Application): Promise<void>;
  update(app: LiveApplication): Promise<void>;
  delete(app: LiveApplication): Promise<void>;
  writeStatus(appSet: LiveApplicationSet, status: ApplicationSetStatus): Promise<void>;
  event(appSet: LiveApplicationSet, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface ReconcilerOptions {
  readonly view: HubView;
  readonly writer: HubWriter;
  readonly registry: GeneratorRegistry;
  readonly policy: ApplicationsSyncPolicy;
  /** RollingSync is run by the rollout component (default true); false: it is reported as not active. */
  readonly progressiveSyncs?: boolean;
  readonly log: Logger;
  /** The poll interval of polling (git) generators whose spec sets none. */
  readonly defaultRequeueSeconds: number;
  /**
   * Entries kept in status.resources (0: all). Argo CD caps them (5000 by default) since 3.2: a
   * status listing every Application of a large ApplicationSet outgrows what etcd stores in one
   * object, and every status write then fails.
   */
  readonly maxResourcesStatusCount?: number;
  readonly now?: () => Date;
  readonly observe?: (result: ReconcileOutcome) => void;
  readonly tracer?: Tracer;
}

export interface ReconcileOutcome {
  readonly appSet: string;
  readonly result: 'success' | 'error' | 'skipped';
  readonly seconds: number;
  readonly applications: number;
  readonly actions: Readonly<Record<Action['kind'], number>>;
}

/** Errors worth retrying with backoff; anything else waits for the ApplicationSet to change. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set([
  'RepoUnreachable',
  'Io',
  'ScmRequestFailed',
  'RateLimited',
  'Timeout',
]);

export async function reconcileApplicationSet(key: string, options: ReconcilerOptions): Promise<WorkResult> {
  const started = performance.now();
  const [namespace, name] = splitKey(key);
  const live = options.view.getApplicationSet(namespace, name);
  if (live === undefined || live.metadata.deletionTimestamp !== undefined) {
    // Gone or going: the garbage collector removes its Applications through their ownerReferences.
    return {};
  }
  const step: Step = {
    key,
    live,
    identity: { name, namespace, uid: live.metadata.uid ?? '' },
    options,
    log: options.log.child({ appset: key }),
    counts: { create: 0, update: 0, delete: 0, conflict: 0 },
    started,
  };
  const generated = await generate(step);
  if (generated === undefined) return {};
  const { appSet, desired } = generated;
  const actions = plan(step, appSet, desired);
  const failure = await applyActions(actions, step);
  const owned = ownedApplications(options.view, step.identity);
  const conditions = [...(failure ?? successConditions()), ...rolloutWarning(appSet, options)];
  await writeStatus(live, conditions, resourceStatuses(owned, options.maxResourcesStatusCount ?? 0), options);
  report(step, failure ? 'error' : 'success', desired.length);
  if (failure) throw new SpokesError('GeneratorFailed', failure[0]!.message);
  const requeue = requeueAfterSeconds(
    appSet.spec.generators,
    options.registry,
    options.defaultRequeueSeconds,
  );
  return requeue === undefined ? {} : { requeueAfterMs: requeue * 1000 };
}

/** One reconcile's context, passed from step to step. */
interface Step {
  readonly key: string;
  readonly live: LiveApplicationSet;
  readonly identity: AppSetIdentity;
  readonly options: ReconcilerOptions;
  readonly log: Logger;
  readonly counts: Record<Action['kind'], number>;
  readonly started: number;
}

function report(step: Step, result: ReconcileOutcome['result'], applications: number): void {
  step.options.observe?.({
    appSet: step.key,
    result,
    seconds: (performance.now() - step.started) / 1000,
    applications,
    actions: step.counts,
  });
}

/**
 * Validates and expands the ApplicationSet. On failure: an error condition and event, nothing
 * else changes; transient failures (an unreachable repository) are thrown for a retry.
 */
async function generate(step: Step): Promise<{ appSet: ApplicationSet; desired: Application[] } | undefined> {
  const { live, options } = step;
  try {
    const appSet = parseApplicationSet(live, `ApplicationSet ${step.key}`);
    const ctx = {
      clusters: options.view.clusters,
      repos: options.view.repos,
      registry: options.registry,
      ...options.view.external,
      ...(options.tracer ? { tracer: options.tracer } : {}),
    };
    const rolling = options.progressiveSyncs !== false && rollingSyncOf(appSet) !== undefined;
    const desired = (await expand(appSet, ctx)).map(normalizeForHub);
    // RollingSync: the rollout starts every sync, so automated sync is off (Argo does the same).
    return { appSet, desired: rolling ? desired.map(disableAutomatedSync) : desired };
  } catch (err) {
    const error = err instanceof SpokesError ? err : new SpokesError('GeneratorFailed', String(err));
    const reason = error.code === 'InvalidSpec' ? REASONS.validationError : REASONS.generationError;
    step.log.warn('generation failed; Applications left unchanged', {
      error: error.message,
      code: error.code,
    });
    await writeStatus(live, errorConditions(reason, error.message, false), undefined, options);
    options.writer.event(live, 'Warning', reason, error.message);
    report(step, 'error', 0);
    if (TRANSIENT.has(error.code)) throw error;
    return undefined;
  }
}

function plan(step: Step, appSet: ApplicationSet, desired: readonly Application[]): Action[] {
  const desiredNames = new Set(desired.map((a) => a.metadata.name));
  const candidates = step.options.view
    .listApplications(step.identity.namespace)
    .filter((app) => desiredNames.has(app.metadata.name) || isOwnedBy(app, step.identity));
  return planReconcile({
    appSet: step.identity,
    desired,
    live: candidates,
    policy: effectivePermissions(step.options.policy, appSet.spec.syncPolicy?.applicationsSync),
    preservedAnnotations: appSet.spec.preservedFields?.annotations ?? [],
    preservedLabels: appSet.spec.preservedFields?.labels ?? [],
    ignoreDifferences: appSet.spec.ignoreApplicationDifferences ?? [],
  });
}

const PAST_TENSE = { create: 'created', update: 'updated', delete: 'deleted' } as const;
const ERROR_REASONS = {
  create: REASONS.createError,
  update: REASONS.updateError,
  delete: REASONS.deleteError,
} as const;

/** Writes in flight at once for one ApplicationSet (the apiserver, not the controller, is the limit). */
const WRITE_CONCURRENCY = 8;

/** Carries the actions out, a few at a time; the first failure (in plan order) becomes the conditions, the rest go on. */
async function applyActions(actions: readonly Action[], step: Step): Promise<Condition[] | undefined> {
  const limit = pLimit(WRITE_CONCURRENCY);
  const failures = await Promise.all(
    actions.map((action) =>
      limit(() =>
        action.kind === 'conflict'
          ? applyAction(action, step)
          : inSpan(
              step.options.tracer ?? noopTracer,
              'spokes.hub.write',
              { attributes: writeAttributes(action) },
              () => applyAction(action, step),
            ),
      ),
    ),
  );
  return failures.find((failure) => failure !== undefined);
}

async function applyAction(action: Action, step: Step): Promise<Condition[] | undefined> {
  const { live: appSet, options, log } = step;
  step.counts[action.kind]++;
  if (action.kind === 'conflict') {
    const message = `Application ${action.name} already exists and is not owned by this ApplicationSet (owner: ${action.owner}); left unchanged`;
    log.warn(message);
    options.writer.event(appSet, 'Warning', REASONS.createError, message);
    return errorConditions(REASONS.createError, message, true);
  }
  const name = action.app.metadata.name;
  try {
    await writeAction(action, options.writer);
    log.info(`${PAST_TENSE[action.kind]} Application`, { app: name });
    options.writer.event(
      appSet,
      'Normal',
      PAST_TENSE[action.kind],
      `${PAST_TENSE[action.kind]} Application "${name}"`,
    );
    return undefined;
  } catch (err) {
    const message = `failed to ${action.kind} Application ${name}: ${err instanceof Error ? err.message : String(err)}`;
    log.error(message);
    options.writer.event(appSet, 'Warning', ERROR_REASONS[action.kind], message);
    return errorConditions(ERROR_REASONS[action.kind], message, true);
  }
}

function writeAttributes(action: Exclude<Action, { kind: 'conflict' }>): Record<string, string> {
  return {
    'spokes.hub.verb': action.kind,
    'argocd.app.name': action.app.metadata.name,
    'argocd.app.namespace': action.app.metadata.namespace ?? '',
  };
}

function writeAction(action: Exclude<Action, { kind: 'conflict' }>, writer: HubWriter): Promise<void> {
  switch (action.kind) {
    case 'create':
      return writer.create(action.app);
    case 'update':
      return writer.update(action.app);
    case 'delete':
      return writer.delete(action.app);
  }
}

async function writeStatus(
  appSet: LiveApplicationSet,
  conditions: readonly Condition[],
  resources: ResourceStatus[] | undefined,
  options: ReconcilerOptions,
): Promise<void> {
  const previous = appSet.status ?? {};
  const now = (options.now ?? (() => new Date()))()
    .toISOString()
    .replace(/\.\d+Z$/, 'Z');
  // Only the fields this writer owns: the rollout component writes applicationStatus and its conditions.
  const next: ApplicationSetStatus = {
    conditions: mergeConditions(previous.conditions ?? [], conditions, now),
    ...(resources === undefined ? {} : { resources }),
  };
  const before = {
    conditions: previous.conditions,
    ...(resources === undefined ? {} : { resources: previous.resources }),
  };
  if (sameAsStored(next, before)) return;
  await options.writer.writeStatus(appSet, next);
}

/**
 * Only the owned Applications' sync or health changed: status.resources is brought up to date
 * without generating anything. A full reconcile of an ApplicationSet over 1,000 clusters
 * regenerates 1,000 Applications; run for every status change while a fleet synced, it kept
 * status.resources minutes behind. Writes `resources` alone, so it never undoes conditions a
 * full reconcile wrote meanwhile.
 */
export async function refreshResourceStatuses(
  key: string,
  options: Pick<ReconcilerOptions, 'view' | 'writer' | 'maxResourcesStatusCount'>,
): Promise<void> {
  const [namespace, name] = splitKey(key);
  const live = options.view.getApplicationSet(namespace, name);
  if (live === undefined || live.metadata.deletionTimestamp !== undefined) return;
  const identity = { name, namespace, uid: live.metadata.uid ?? '' };
  const owned = ownedApplications(options.view, identity);
  const resources = resourceStatuses(owned, options.maxResourcesStatusCount ?? 0);
  const before = live.status?.resources ?? [];
  if (sameAsStored(resources, before)) return;
  await options.writer.writeStatus(live, { resources });
}

/**
 * Compared as values, as JSON stores them (undefined fields dropped): the apiserver hands objects
 * back with their keys sorted, so the text of an unchanged status differs from ours.
 */
function sameAsStored(ours: unknown, stored: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(ours)), JSON.parse(JSON.stringify(stored)));
}

/** Argo CD's default cap on status.resources (applicationsetcontroller.status.max.resources.count). */
export const DEFAULT_MAX_RESOURCES_STATUS_COUNT = 5000;

/** The Applications the ApplicationSet owns, as the cache holds them. */
function ownedApplications(view: ReconcilerOptions['view'], identity: AppSetIdentity): LiveApplication[] {
  return view.listApplications(identity.namespace).filter((a) => isOwnedBy(a, identity));
}

/** The owned Applications' sync and health, by name, the first `max` of them (0: all). */
function resourceStatuses(apps: readonly LiveApplication[], max: number): ResourceStatus[] {
  const sorted = apps
    .map((app) => {
      const status = (app as { status?: { sync?: { status?: string }; health?: unknown } }).status;
      return {
        group: 'argoproj.io',
        version: 'v1alpha1',
        kind: 'Application',
        name: app.metadata.name,
        namespace: app.metadata.namespace ?? '',
        ...(status?.sync?.status ? { status: status.sync.status } : {}),
        ...(status?.health ? { health: status.health } : {}),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return max > 0 ? sorted.slice(0, max) : sorted;
}

/** RollingSync asked for while progressive syncs are off: a condition says it is not active. */
function rolloutWarning(appSet: ApplicationSet, options: ReconcilerOptions): Condition[] {
  return options.progressiveSyncs === false && asksForRollingSync(appSet.spec)
    ? [progressiveSyncDisabled()]
    : [];
}

/** As Argo CD does before comparing, so the hub controller does not fight the application controller. */
function normalizeForHub(app: Application): Application {
  return app.spec.project === '' ? { ...app, spec: { ...app.spec, project: 'default' } } : app;
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
