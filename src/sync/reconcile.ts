/**
 * One Application, reconciled: check it against its AppProject, render its source, compare with its
 * spoke, run a sync operation when one is asked for (the `operation` field, or automated sync on a
 * new revision or drift with selfHeal), and write what is true into its status. A failure to
 * render or to reach the spoke is a condition and Unknown status, never a prune or a delete.
 */
import { RESOURCES_FINALIZER, type ApplicationSource } from '../api/application.ts';
import type { AppProjectSpec } from '../api/appproject.ts';
import type { Cluster } from '../clusters/types.ts';
import { SpokesError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { APPLICATIONS, type KubeObject, type ResourceType } from '../kube/types.ts';
import type { Logger } from '../log.ts';
import type { K8sRequest } from '../observability/app-metrics.ts';
import { inSpan, noopTracer, type Tracer } from '../observability/tracing.ts';
import { refusedSyncOptions } from './sync-options.ts';
import { ANNOTATION_REFRESH } from './annotations.ts';
import { compareApp, resourceStatusEntry, type Comparison } from './compare.ts';
import { unmanagedInScope, type Destinations, type ResolvedDestination } from './destinations.ts';
import type { ResourceIgnoreRule } from '../ignore-differences.ts';
import type { DiffCache } from './diff.ts';
import type { ClusterCache } from './live-cache.ts';
import { FIELD_MANAGER, runSync, type OperationOutcome } from './operation.ts';
import { parseDurationMs } from './options.ts';
import { ProgressWriter, type OperationProgress, type ProgressSink } from './progress.ts';
import { checkProject, checkResources, DEFAULT_PROJECT } from './permissions.ts';
import { renderSources, type Renderer } from '../render/index.ts';
import { displayURL } from '../git/url.ts';
import {
  deployedFields,
  joinedRevision,
  statusChanged,
  healthWithTransition,
  historyEntry,
  type AppStatus,
  type Condition,
  type OperationState,
} from './status.ts';
import { prepareTargets, type Target } from './targets.ts';
import { instanceName } from './tracking.ts';

export interface LiveApp extends KubeObject {
  spec: {
    project: string;
    source?: ApplicationSource;
    sources?: ApplicationSource[];
    destination: { server?: string; name?: string; namespace?: string };
    syncPolicy?: SyncPolicy;
    ignoreDifferences?: ResourceIgnoreRule[];
    revisionHistoryLimit?: number;
  };
  status?: AppStatus;
  operation?: { sync?: ManualSync; initiatedBy?: Record<string, unknown>; retry?: RetryPolicy };
}

interface SyncPolicy {
  automated?: { prune?: boolean; selfHeal?: boolean; allowEmpty?: boolean; enabled?: boolean };
  syncOptions?: string[];
  managedNamespaceMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  retry?: RetryPolicy;
}

interface RetryPolicy {
  limit?: number;
  backoff?: { duration?: string; factor?: number; maxDuration?: string };
}

interface ManualSync {
  revision?: string;
  prune?: boolean;
  syncOptions?: string[];
}

export interface ReconcileDeps {
  readonly hub: KubeClient;
  readonly controlNamespace: string;
  readonly destinations: Destinations;
  readonly clusters: () => readonly Cluster[];
  readonly project: (name: string) => AppProjectSpec | undefined;
  readonly renderer: Renderer;
  readonly cacheFor: (dest: ResolvedDestination) => ClusterCache;
  readonly diffCache: DiffCache;
  /** Target hash last applied, by `<app>|<resource key>`. */
  readonly lastApplied: Map<string, string>;
  readonly log: Logger;
  readonly waveTimeoutMs: number;
  readonly resyncMs: number;
  readonly now?: () => Date;
  readonly onOperation?: (outcome: OperationOutcome, durationMs: number) => void;
  /** The Application as our status write left it (the informer may take a moment to see it). */
  readonly onWritten?: (app: KubeObject) => void;
  /** Each request a sync operation makes to the spoke (`argocd_app_k8s_request_total`). */
  readonly onK8sRequest?: (request: K8sRequest) => void;
  readonly tracer?: Tracer;
}

export interface ReconcileResult {
  readonly requeueAfterMs?: number;
}

interface Prepared {
  readonly dest: ResolvedDestination;
  readonly cache: ClusterCache;
  /** The resource types this Application's objects have (rendered now or tracked before). */
  readonly types: readonly ResourceType[];
  readonly targets: Target[];
  /** The revisions joined (what automated sync compares); `revisions` has one per source. */
  readonly revision: string;
  readonly revisions: readonly string[];
  readonly sourceType: string;
  /** Objects rendered more than once (the last one is kept), as Argo CD's warning words them. */
  readonly repeated: readonly string[];
}

class ConditionError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

const FINALIZER_POLL_MS = 500;
/** A running operation's status is written at most this often. */
const PROGRESS_INTERVAL_MS = 1000;

/** One reconcile of one Application: what every step needs. */
interface Run {
  readonly app: LiveApp;
  readonly instance: string;
  readonly deps: ReconcileDeps;
  /** The health as this reconcile last wrote it (progress writes included), for its transition time. */
  health: AppStatus['health'];
}

interface Outcome {
  readonly result: OperationOutcome;
  readonly startedAt: string;
  readonly op: Record<string, unknown>;
}

export async function reconcileApp(app: LiveApp, deps: ReconcileDeps): Promise<ReconcileResult> {
  if (app.metadata.deletionTimestamp !== undefined) return finalize(app, deps);
  const run: Run = {
    app,
    instance: instanceName(app.metadata, deps.controlNamespace),
    deps,
    health: app.status?.health,
  };
  let prepared: Prepared;
  let comparison: Comparison;
  try {
    prepared = await prepare(run);
    comparison = await compareWith(run, prepared);
  } catch (err) {
    // A requested sync that cannot even start fails now, with the reason, rather than waiting.
    const manual = app.operation?.sync !== undefined;
    await writeStatus(run, unknownStatus(run, err), manual);
    // Render and connection errors retry on the resync clock, spokes and git being what they are.
    return { requeueAfterMs: Math.min(deps.resyncMs, 30_000) };
  }
  const operation = manualOperation(app) ?? automatedOperation(app, comparison, prepared);
  let outcome: Outcome | undefined;
  if (operation !== undefined) {
    outcome = await operate(run, prepared, comparison, operation);
    comparison = await compareWith(run, prepared, outcome.result);
  }
  const status = buildStatus(run, { prepared, comparison, outcome });
  await writeStatus(run, status, operation?.manual === true);
  return { requeueAfterMs: deps.resyncMs };
}

async function prepare(run: Run): Promise<Prepared> {
  const { app, deps } = run;
  const { project, dest, sources } = placement(run);
  const namespace = app.spec.destination.namespace ?? '';
  const rendered = await inSpan(tracerOf(deps), 'controller.GetRepoObjs', {}, (span) =>
    renderAll(run, sources).then((r) => {
      span.setAttributes({
        'argocd.source.repo_url': sources.map((s) => displayURL(s.repoURL)).join(','),
        'argocd.revision': sources.map((s) => s.targetRevision ?? 'HEAD').join(','),
        'argocd.resolved_revision': r.revisions.join(','),
        'spokes.render.tool': r.sourceType || 'Directory',
        'spokes.render.objects': r.objects.length,
      });
      return r;
    }),
  );
  let targets: Target[];
  const repeated: string[] = [];
  try {
    targets = await prepareTargets(dest.client, rendered.objects, {
      instance: run.instance,
      namespace,
      onRepeated: (key, count) =>
        repeated.push(`Resource ${key} appeared ${count} times among application resources.`),
    });
  } catch (err) {
    throw new ConditionError('ComparisonError', messageOf(err));
  }
  const denied = checkResources(project, app.spec.project, targets);
  if (denied !== undefined) throw new ConditionError('InvalidSpecError', denied);
  const refused = refusedSyncOptions(
    app.spec.syncPolicy?.syncOptions ?? [],
    targets.map((t) => t.obj),
  );
  if (refused !== undefined) throw new ConditionError('InvalidSpecError', refused);
  const unmanaged = unmanagedInScope(
    dest.scope,
    targets.map((t) => t.obj),
  );
  if (unmanaged !== undefined)
    throw new ConditionError('ComparisonError', `Failed to load live state: ${unmanaged}`);
  const cache = deps.cacheFor(dest);
  const where = `cluster ${dest.name || dest.server} unreachable`;
  const types = uniqueTypes([...targets.map((t) => t.type), ...(await statusTypes(app, dest))]);
  try {
    await cache.watch(types);
  } catch (err) {
    throw new ConditionError('ComparisonError', `${where}: ${messageOf(err)}`);
  }
  if (!cache.reachable(types))
    throw new ConditionError('ComparisonError', `${where}: its watches are failing`);
  return {
    dest,
    cache,
    types,
    targets,
    revision: rendered.revisions.join(','),
    revisions: rendered.revisions,
    sourceType: rendered.sourceType,
    repeated,
  };
}

/** The project, destination and sources, checked against each other. */
function placement(run: Run): {
  project: AppProjectSpec;
  dest: ResolvedDestination;
  sources: ApplicationSource[];
} {
  const { app, deps } = run;
  const projectName = app.spec.project;
  const project = deps.project(projectName) ?? (projectName === 'default' ? DEFAULT_PROJECT : undefined);
  if (project === undefined) {
    throw new ConditionError(
      'InvalidSpecError',
      `Application referencing project ${projectName} which does not exist`,
    );
  }
  let dest: ResolvedDestination;
  try {
    dest = deps.destinations.resolve(app.spec.destination, deps.clusters());
  } catch (err) {
    throw new ConditionError('InvalidSpecError', messageOf(err));
  }
  if ((app.spec as { sourceHydrator?: unknown }).sourceHydrator !== undefined) {
    throw new ConditionError(
      'InvalidSpecError',
      "spec.sourceHydrator (Argo CD's source hydrator) is not supported by Spokes: hydrate the manifests into git and point spec.source at them",
    );
  }
  const sources = app.spec.sources?.length ? app.spec.sources : app.spec.source ? [app.spec.source] : [];
  if (sources.length === 0) {
    throw new ConditionError('InvalidSpecError', 'spec.source or spec.sources is required');
  }
  const namespace = app.spec.destination.namespace ?? '';
  const violation = checkProject(project, projectName, sources, { ...dest, namespace });
  if (violation !== undefined) throw new ConditionError('InvalidSpecError', violation);
  return { project, dest, sources };
}

/** Every source rendered; a failure is a ComparisonError naming the source, never a prune. */
async function renderAll(
  run: Run,
  sources: readonly ApplicationSource[],
): Promise<{ objects: KubeObject[]; revisions: string[]; sourceType: string }> {
  const { app } = run;
  try {
    const rendered = await renderSources(run.deps.renderer, {
      sources,
      multiSource: (app.spec.sources?.length ?? 0) > 0,
      appName: app.metadata.name,
      namespace: app.spec.destination.namespace ?? '',
      project: app.spec.project,
      noCache: app.metadata.annotations?.[ANNOTATION_REFRESH] === 'hard',
    });
    return { ...rendered, sourceType: rendered.types.find((t) => t !== '') ?? '' };
  } catch (err) {
    throw new ConditionError('ComparisonError', `Failed to load target state: ${messageOf(err)}`);
  }
}

function uniqueTypes<T extends { group: string; version: string; plural: string }>(types: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const t of types) seen.set(`${t.group}/${t.version}/${t.plural}`, t);
  return [...seen.values()];
}

function compareWith(
  run: Run,
  prepared: Prepared,
  outcome?: Pick<OperationOutcome, 'applied' | 'pruned'>,
): Promise<Comparison> {
  return inSpan(tracerOf(run.deps), 'controller.CompareAppState', {}, async (span) => {
    const comparison = await compareOnce(run, prepared, outcome);
    span.setAttributes({
      'spokes.sync.status': comparison.status,
      'spokes.health.status': comparison.health.status,
      'spokes.resources.out_of_sync': comparison.outOfSync.size,
      'spokes.cluster.server': prepared.dest.server,
    });
    return comparison;
  });
}

function compareOnce(
  run: Run,
  prepared: Prepared,
  outcome?: Pick<OperationOutcome, 'applied' | 'pruned'>,
): Promise<Comparison> {
  const { app, deps, instance } = run;
  const lastApplied = new Map<string, string>();
  for (const t of prepared.targets) {
    const hash = deps.lastApplied.get(`${instance}|${t.key}`);
    if (hash !== undefined) lastApplied.set(t.key, hash);
  }
  return compareApp({
    instance,
    self: { namespace: app.metadata.namespace ?? '', name: app.metadata.name },
    targets: prepared.targets,
    cache: prepared.cache,
    ignore: app.spec.ignoreDifferences ?? [],
    diffCache: deps.diffCache,
    lastApplied,
    ...(outcome ? { overrides: { applied: outcome.applied, pruned: outcome.pruned } } : {}),
  });
}

interface PendingOperation {
  readonly manual: boolean;
  readonly prune: boolean;
  readonly syncOptions: readonly string[];
  readonly retry: RetryPolicy | undefined;
  /** The `operation` as recorded in status.operationState. */
  readonly record: Record<string, unknown>;
}

/** A sync requested through the `operation` field (`spokes sync`, `argocd app sync`). */
function manualOperation(app: LiveApp): PendingOperation | undefined {
  const sync = app.operation?.sync;
  if (sync === undefined) return undefined;
  const policy = app.spec.syncPolicy ?? {};
  return {
    manual: true,
    prune: sync.prune === true,
    syncOptions: [...(policy.syncOptions ?? []), ...(sync.syncOptions ?? [])],
    retry: app.operation?.retry ?? policy.retry,
    record: { ...app.operation },
  };
}

/** The sync Argo CD's automated policy would start now, if any. */
function automatedOperation(
  app: LiveApp,
  comparison: Comparison,
  prepared: Prepared,
): PendingOperation | undefined {
  const policy = app.spec.syncPolicy ?? {};
  const auto = policy.automated;
  // `enabled: false` keeps the policy written but off (Argo's IsAutomatedSyncEnabled; RollingSync sets it).
  if (auto === undefined || auto === null || auto.enabled === false || comparison.status !== 'OutOfSync')
    return undefined;
  const prune = auto.prune === true;
  if (comparison.outOfSync.size === 0 && !prune) return undefined;
  if (prepared.targets.length === 0 && auto.allowEmpty !== true) return undefined;
  if (!automatedMayRun(app.status?.operationState, prepared.revision, auto.selfHeal === true))
    return undefined;
  const syncOptions = policy.syncOptions ?? [];
  return {
    manual: false,
    prune,
    syncOptions,
    retry: policy.retry,
    record: {
      sync: { ...revisionOnly(deployedFields(app.spec, prepared.revisions)), prune, syncOptions },
      initiatedBy: { automated: true },
      ...(policy.retry ? { retry: policy.retry } : {}),
    },
  };
}

/**
 * Automated sync runs once per new revision: the same revision again is not retried after a
 * failure, and after a success only selfHeal re-syncs it (the cluster drifted). One recorded as
 * still Running was interrupted (a replica died or lost the shard mid-way: an operation runs only
 * inside a reconcile, and one key is reconciled by one holder at a time), so it is resumed.
 */
export function automatedMayRun(
  last: OperationState | undefined,
  revision: string,
  selfHeal: boolean,
): boolean {
  const initiatedBy = last?.operation?.['initiatedBy'] as { automated?: boolean } | undefined;
  if (initiatedBy?.automated !== true || joinedRevision(last?.syncResult) !== revision) return true;
  if (last?.phase === 'Running') return true;
  return last?.phase === 'Succeeded' && selfHeal;
}

/**
 * Runs the operation (with its retries), its progress written to the status as it goes, so a
 * sync waiting on a wave, or on an unreachable cluster, shows as Running with what it waits for.
 */
async function operate(
  run: Run,
  prepared: Prepared,
  comparison: Comparison,
  operation: PendingOperation,
): Promise<Outcome> {
  const { deps } = run;
  const startedAt = now(deps).toISOString();
  const started = Date.now();
  const progress = new ProgressWriter({
    intervalMs: PROGRESS_INTERVAL_MS,
    write: (reported) => writeProgress(run, prepared, { reported, startedAt, op: operation.record }),
    onError: (err) => deps.log.warn('could not write the operation progress', { error: err }),
  });
  let result: OperationOutcome;
  const attributes = {
    'spokes.sync.automated': !operation.manual,
    'spokes.sync.prune': operation.prune,
    'spokes.cluster.server': prepared.dest.server,
    'argocd.resolved_revision': prepared.revision,
  };
  try {
    result = await inSpan(tracerOf(deps), 'controller.SyncAppState', { attributes }, async (span) => {
      const r = await runWithRetry(run, { prepared, comparison, operation }, progress.report);
      span.setAttribute('spokes.sync.phase', r.phase);
      return r;
    });
  } finally {
    await progress.settle();
  }
  deps.onOperation?.(result, Date.now() - started);
  for (const key of result.applied.keys()) {
    const target = prepared.targets.find((t) => t.key === key);
    if (target !== undefined) deps.lastApplied.set(`${run.instance}|${key}`, target.hash);
  }
  return { result, startedAt, op: operation.record };
}

async function runWithRetry(
  run: Run,
  {
    prepared,
    comparison,
    operation,
  }: { prepared: Prepared; comparison: Comparison; operation: PendingOperation },
  onProgress: ProgressSink,
): Promise<OperationOutcome> {
  const { app, deps } = run;
  const limit = operation.retry?.limit ?? 0;
  const backoff = operation.retry?.backoff ?? {};
  let delay = parseDurationMs(backoff.duration, 5000);
  const maxDelay = parseDurationMs(backoff.maxDuration, 180_000);
  for (let attempt = 0; ; attempt++) {
    const outcome = await runSync({
      client: prepared.dest.client,
      cache: prepared.cache,
      destinationNamespace: app.spec.destination.namespace ?? '',
      targets: prepared.targets,
      apply: comparison.outOfSync,
      orphans: comparison.orphans,
      prune: operation.prune,
      syncOptions: operation.syncOptions,
      ...(app.spec.syncPolicy?.managedNamespaceMetadata
        ? { managedNamespaceMetadata: app.spec.syncPolicy.managedNamespaceMetadata }
        : {}),
      waveTimeoutMs: deps.waveTimeoutMs,
      types: prepared.types,
      onProgress,
      clusterName: prepared.dest.name || prepared.dest.server,
      tracer: tracerOf(deps),
      ...(deps.onK8sRequest ? { onRequest: deps.onK8sRequest } : {}),
    });
    // A negative limit retries for ever, as in Argo CD.
    if (outcome.phase === 'Succeeded' || (limit >= 0 && attempt >= limit)) return outcome;
    deps.log.info('sync failed; retrying', {
      app: app.metadata.name,
      attempt: attempt + 1,
      retryInMs: delay,
    });
    onProgress({
      message: `${outcome.message}. Retrying attempt #${attempt + 1} in ${Math.round(delay / 1000)}s`,
      resources: outcome.resources,
      applied: outcome.applied,
    });
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(maxDelay, delay * (backoff.factor ?? 2));
  }
}

function now(deps: ReconcileDeps): Date {
  return deps.now?.() ?? new Date();
}

function buildStatus(
  run: Run,
  state: { prepared: Prepared; comparison: Comparison; outcome: Outcome | undefined },
): AppStatus {
  const { app, deps } = run;
  const { prepared, comparison, outcome } = state;
  const previous = app.status ?? {};
  const at = now(deps).toISOString();
  const deployed = deployedFields(app.spec, prepared.revisions);
  const conditions: Condition[] = prepared.repeated.map((message) => ({
    type: 'RepeatedResourceWarning',
    message,
    lastTransitionTime: at,
  }));
  let operationState = previous.operationState;
  let history = previous.history ?? [];
  if (outcome !== undefined) {
    const { result, startedAt, op } = outcome;
    operationState = {
      operation: op,
      phase: result.phase,
      message: result.message,
      syncResult: { resources: [...result.resources], ...deployed },
      startedAt,
      finishedAt: at,
    };
    if (result.phase === 'Succeeded') {
      const limit = app.spec.revisionHistoryLimit ?? 10;
      history = [...history, historyEntry(history, { deployed, startedAt, deployedAt: at })].slice(
        -Math.max(limit, 1),
      );
    } else {
      conditions.push({ type: 'SyncError', message: result.message, lastTransitionTime: at });
    }
  }
  return {
    ...previous,
    ...comparedStatus(run, prepared, comparison, at),
    ...(operationState ? { operationState } : {}),
    ...(history.length > 0 ? { history } : {}),
    reconciledAt: at,
    conditions: keepTransitionTimes(previous.conditions ?? [], conditions),
  };
}

/** The parts of the status a comparison gives: sync status at the revision, health, resources. */
function comparedStatus(run: Run, prepared: Prepared, comparison: Comparison, at: string): AppStatus {
  const { app } = run;
  const deployed = deployedFields(app.spec, prepared.revisions);
  return {
    sync: {
      status: comparison.status,
      ...revisionOnly(deployed),
      comparedTo: { ...sourceOnly(deployed), destination: app.spec.destination },
    },
    health: (run.health = healthWithTransition(run.health, comparison.health, at)),
    resources: comparison.resources.map(resourceStatusEntry),
    sourceType: prepared.sourceType,
  };
}

/** `revision` or `revisions` of the deployed fields. */
function revisionOnly(
  d: ReturnType<typeof deployedFields>,
): { revision: string } | { revisions: readonly string[] } {
  return 'revisions' in d ? { revisions: d.revisions } : { revision: d.revision };
}

/** `source` or `sources` of the deployed fields. */
function sourceOnly(d: ReturnType<typeof deployedFields>): Record<string, unknown> {
  if ('sources' in d) return { sources: d.sources };
  return d.source ? { source: d.source } : {};
}

/** The status while an operation runs: what it waits for, and the comparison as it stands now. */
async function writeProgress(
  run: Run,
  prepared: Prepared,
  running: { reported: OperationProgress; startedAt: string; op: Record<string, unknown> },
): Promise<void> {
  const { app, deps } = run;
  const { reported, startedAt, op } = running;
  const previous = app.status ?? {};
  const operationState: OperationState = {
    operation: op,
    phase: 'Running',
    message: reported.message,
    syncResult: { resources: [...reported.resources], ...deployedFields(app.spec, prepared.revisions) },
    startedAt,
  };
  const at = now(deps).toISOString();
  // The cluster may have gone since the report: then no comparison (it would wait on a dead spoke).
  const unreachable =
    reported.unreachable ??
    (prepared.cache.reachable(prepared.types)
      ? undefined
      : `cluster ${prepared.dest.name || prepared.dest.server} unreachable: its watches are failing`);
  let status: AppStatus;
  if (unreachable !== undefined) {
    // The live state cannot be known: say so rather than keep the last comparison.
    status = {
      ...previous,
      operationState,
      sync: { ...(previous.sync ?? {}), status: 'Unknown' },
      health: (run.health = healthWithTransition(run.health, { status: 'Unknown' }, at)),
      reconciledAt: at,
      conditions: keepTransitionTimes(previous.conditions ?? [], [
        { type: 'ComparisonError', message: unreachable, lastTransitionTime: at },
      ]),
    };
  } else {
    const overrides = { applied: reported.applied, pruned: new Set<string>() };
    const comparison = await compareWith(run, prepared, overrides);
    status = {
      ...previous,
      ...comparedStatus(run, prepared, comparison, at),
      operationState,
      reconciledAt: at,
      conditions: [],
    };
  }
  await patchStatus(run, status, {});
}

function unknownStatus(run: Run, err: unknown): AppStatus {
  const { app, deps } = run;
  const type = err instanceof ConditionError ? err.type : 'ComparisonError';
  if (!(err instanceof ConditionError))
    deps.log.warn('reconcile failed', { app: app.metadata.name, error: err });
  const previous = app.status ?? {};
  const at = now(deps).toISOString();
  const failedOperation: OperationState | undefined =
    app.operation?.sync === undefined
      ? undefined
      : {
          operation: { ...app.operation },
          phase: 'Error',
          message: messageOf(err),
          startedAt: at,
          finishedAt: at,
        };
  return {
    ...previous,
    ...(failedOperation ? { operationState: failedOperation } : {}),
    sync: { ...(previous.sync ?? {}), status: 'Unknown' },
    health: healthWithTransition(previous.health, { status: 'Unknown' }, at),
    reconciledAt: at,
    conditions: keepTransitionTimes(previous.conditions ?? [], [
      { type, message: messageOf(err), lastTransitionTime: at },
    ]),
  };
}

/** Conditions that did not change keep their first transition time. */
function keepTransitionTimes(previous: readonly Condition[], next: readonly Condition[]): Condition[] {
  return next.map((c) => {
    const same = previous.find((p) => p.type === c.type && p.message === c.message);
    return same?.lastTransitionTime ? { ...c, lastTransitionTime: same.lastTransitionTime } : c;
  });
}

/**
 * Writes the status when something in it changed, or when a refresh was asked for (the refresh
 * annotation is removed in the same write, as Argo CD does, which is how `argocd app get
 * --refresh` knows it is done), and removes a finished manual `operation`. A status that did not
 * change is not written, not even its `reconciledAt`: a steady state writes nothing to the hub.
 */
async function writeStatus(run: Run, status: AppStatus, clearOperation: boolean): Promise<void> {
  const { app } = run;
  const clearRefresh = app.metadata.annotations?.[ANNOTATION_REFRESH] !== undefined;
  if (!clearOperation && !clearRefresh && !statusChanged(app.status ?? {}, status)) return;
  await inSpan(tracerOf(run.deps), 'controller.persistAppStatus', {}, () =>
    patchStatus(run, status, { clearOperation, clearRefresh }),
  );
}

/** One JSON patch: the status, and optionally the finished `operation` and the refresh request. */
async function patchStatus(
  run: Run,
  status: AppStatus,
  clear: { readonly clearOperation?: boolean; readonly clearRefresh?: boolean },
): Promise<void> {
  const { app, deps } = run;
  const patch: unknown[] = [{ op: 'add', path: '/status', value: status }];
  if (clear.clearOperation) patch.push({ op: 'remove', path: '/operation' });
  if (clear.clearRefresh)
    patch.push({ op: 'remove', path: `/metadata/annotations/${ANNOTATION_REFRESH.replace('/', '~1')}` });
  const written = await deps.hub.patch<KubeObject>(
    APPLICATIONS,
    { namespace: app.metadata.namespace, name: app.metadata.name },
    patch,
    { type: 'json', fieldManager: FIELD_MANAGER },
  );
  deps.onWritten?.(written);
}

/**
 * A deleted Application with the resources finalizer: its tracked resources on the spoke are
 * deleted, and once none is left the finalizer is removed so the Application goes.
 */
async function finalize(app: LiveApp, deps: ReconcileDeps): Promise<ReconcileResult> {
  const finalizers = app.metadata.finalizers ?? [];
  if (!finalizers.includes(RESOURCES_FINALIZER)) return {};
  const instance = instanceName(app.metadata, deps.controlNamespace);
  let dest: ResolvedDestination | undefined;
  try {
    dest = deps.destinations.resolve(app.spec.destination, deps.clusters());
  } catch {
    // The cluster is gone: nothing can be deleted there, and the Application must not hang.
    deps.log.warn('destination cluster gone; removing the finalizer without deleting resources', {
      app: app.metadata.name,
    });
  }
  if (dest !== undefined) {
    const cache = deps.cacheFor(dest);
    const types = await statusTypes(app, dest);
    await cache.watch(types);
    if (!cache.reachable(types))
      throw new SpokesError('RenderFailed', `cluster ${dest.server} unreachable; deletion waits`);
    const live = cache.trackedBy(instance);
    if (live.length > 0) {
      await Promise.all(
        live
          .filter(({ obj }) => obj.metadata.deletionTimestamp === undefined)
          .map(({ type, obj }) =>
            dest.client.delete(type, obj.metadata.namespace, obj.metadata.name, {
              propagationPolicy: 'Foreground',
            }),
          ),
      );
      return { requeueAfterMs: FINALIZER_POLL_MS };
    }
  }
  const index = finalizers.indexOf(RESOURCES_FINALIZER);
  await deps.hub.patch(
    APPLICATIONS,
    { namespace: app.metadata.namespace, name: app.metadata.name },
    [
      { op: 'test', path: `/metadata/finalizers/${index}`, value: RESOURCES_FINALIZER },
      { op: 'remove', path: `/metadata/finalizers/${index}` },
    ],
    { type: 'json' },
  );
  return {};
}

/** The resource types the status lists (so a restarted controller finds what to delete). */
async function statusTypes(app: LiveApp, dest: ResolvedDestination) {
  const types = await Promise.all(
    (app.status?.resources ?? []).map(async (r) => {
      const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
      try {
        return [await dest.client.resourceFor(apiVersion, r.kind)];
      } catch {
        return [];
      }
    }),
  );
  return uniqueTypes(types.flat());
}

function tracerOf(deps: ReconcileDeps): Tracer {
  return deps.tracer ?? noopTracer;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
