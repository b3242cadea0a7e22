/**
 * The rollout state machine, pure: from the ApplicationSet's strategy, its last
 * `status.applicationStatus` and its Applications as the hub has them, the next entries, the
 * syncs to start and the conditions. Argo CD's states and transitions
 * (applicationset/progressivesync), with these differences, each on purpose:
 * - a sync the rollout starts names what it is for in `operation.info` (the spec digest and the
 *   revisions); Pending becomes Progressing when the Application's operation state names it, and
 *   Progressing becomes Healthy only on a status whose finished operation is that sync (or, when
 *   no sync was needed, a status compared against the current spec): no timestamps are compared,
 *   and a Healthy left from before the change never completes a step (argo-cd#29410, #12459);
 * - a Degraded Application (or a failed sync) in a started step stops the rollout until a person
 *   resumes it;
 * - drift on an Application whose step has finished is healed when its template asks for selfHeal
 *   (argo-cd#14687): the rollout starts the same sync again.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  CONDITION_INVALID_CONFIG,
  CONDITION_PROGRESSING,
  REASONS,
  ROLLOUT_INFO,
  ROLLOUT_INITIATOR,
  ROLLOUT_REASON,
  STOPPED_PREFIX,
  isStopped,
  maxUpdateLimit,
  resumeKey,
  soakProblems,
  specDigest,
  stepMatches,
  type ApplicationRolloutStatus,
  type RolloutState,
  type RolloutStrategy,
} from '../api/rollout.ts';

/** What the rollout reads of an Application. */
export interface AppView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: {
    readonly source?: unknown;
    readonly sources?: unknown;
    readonly destination?: unknown;
    readonly syncPolicy?: {
      readonly automated?: { readonly prune?: boolean; readonly selfHeal?: boolean } | null;
      readonly retry?: unknown;
      readonly syncOptions?: readonly string[];
    };
  };
  /** The operation waiting or running, if any. */
  readonly operation?: Record<string, unknown>;
  readonly status?: {
    readonly sync?: {
      readonly status?: string;
      readonly revision?: string;
      readonly revisions?: readonly string[];
      readonly comparedTo?: { source?: unknown; sources?: unknown; destination?: unknown };
    };
    readonly health?: { readonly status?: string; readonly message?: string };
    readonly operationState?: {
      readonly phase?: string;
      readonly message?: string;
      readonly operation?: { readonly info?: readonly { name: string; value: string }[] };
      readonly syncResult?: { readonly revision?: string; readonly revisions?: readonly string[] };
    };
    readonly conditions?: readonly { readonly type: string }[];
  };
}

export interface RolloutCondition {
  readonly type: string;
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
}

export interface SyncToStart {
  readonly application: string;
  /** The `operation` to write, as Argo's RollingSync writes it (plus the rollout info entry). */
  readonly operation: Record<string, unknown>;
  readonly why: 'rollout' | 'selfHeal';
}

export interface RolloutInput {
  readonly strategy: RolloutStrategy;
  readonly previous: readonly ApplicationRolloutStatus[];
  readonly apps: readonly AppView[];
  /** Keys (`resumeKey`) of stopped Applications a person let the rollout continue past. */
  readonly resumed: ReadonlySet<string>;
  /** The soak annotation as written, for its problems. */
  readonly soakAnnotation?: string;
  /** This controller's clock: stamps transitions, and measures soak against its own stamps. */
  readonly now: Date;
}

export interface RolloutResult {
  readonly entries: ApplicationRolloutStatus[];
  readonly syncs: SyncToStart[];
  readonly conditions: RolloutCondition[];
  /** The step (from 1) the rollout is at, or undefined when complete. */
  readonly currentStep: number | undefined;
  /** When a step soaks: how long until the next one may start. */
  readonly requeueAfterMs?: number;
}

const MESSAGES = {
  noStatus: 'No Application status found, defaulting status to Waiting',
  revisionChanged: 'Application has pending changes, setting status to Waiting',
  specChanged: 'Application has pending changes (spec differs), setting status to Waiting',
  syncedHealthy: 'Application resource has synced, updating status to Healthy',
  syncedProgressing: 'Application resource has synced, updating status to Progressing',
  pending: 'Application moved to Pending status, watching for the Application resource to start Progressing',
  becameHealthy: 'Application resource became Healthy, updating status from Progressing to Healthy',
  hasError: 'Application resource has error and cannot sync, updating status to Progressing',
  noStep: 'Application is selected by no step: the rollout never syncs it; sync it by hand',
} as const;

export function computeRollout(input: RolloutInput): RolloutResult {
  const apps = [...input.apps].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const assignment = assignSteps(input.strategy, apps);
  const at = input.now.toISOString().replace(/\.\d+Z$/, 'Z');
  const previous = new Map(input.previous.map((e) => [e.application, e]));
  const entries = apps.map((app) =>
    advance(previous.get(app.name), app, assignment.stepOf.get(app.name), { resumed: input.resumed, at }),
  );
  const progress = promote(entries, assignment, input);
  const byName = new Map(apps.map((app) => [app.name, app]));
  const syncs = syncsToStart(progress.entries, byName);
  return {
    entries: progress.entries,
    syncs,
    conditions: [
      progressingCondition(progress, input.strategy, progress.entries),
      configCondition(assignment.issues, input),
    ],
    currentStep: progress.current === undefined ? undefined : progress.current + 1,
    ...(progress.requeueAfterMs === undefined ? {} : { requeueAfterMs: progress.requeueAfterMs }),
  };
}

interface Assignment {
  /** Step index (from 0) by Application; absent when no step selects it. */
  readonly stepOf: Map<string, number>;
  /** What each Application's revisions are resolved from (its sources' repo and targetRevision). */
  readonly sourceOf: Map<string, string>;
  readonly members: string[][];
  readonly issues: Issues;
}

interface Issues {
  readonly invalidOperators: { step: number; operator: string }[];
  readonly duplicates: Map<string, number[]>;
  readonly invalidMaxUpdates: { step: number; value: string; error: string }[];
  readonly emptySteps: number[];
}

/** Each Application goes to the first step that selects it (as Argo); a second match is reported. */
function assignSteps(strategy: RolloutStrategy, apps: readonly AppView[]): Assignment {
  const issues: Issues = {
    invalidOperators: [],
    duplicates: new Map(),
    invalidMaxUpdates: [],
    emptySteps: [],
  };
  strategy.steps.forEach((step, index) => {
    for (const expr of step.matchExpressions)
      if (expr.operator !== 'In' && expr.operator !== 'NotIn')
        issues.invalidOperators.push({ step: index, operator: expr.operator });
  });
  const stepOf = new Map<string, number>();
  const members = strategy.steps.map(() => [] as string[]);
  for (const app of apps) {
    strategy.steps.forEach((step, index) => {
      if (!stepMatches(app.labels, step)) return;
      const first = stepOf.get(app.name);
      if (first === undefined) {
        stepOf.set(app.name, index);
        members[index]!.push(app.name);
      } else issues.duplicates.set(app.name, [...(issues.duplicates.get(app.name) ?? [first]), index]);
    });
  }
  members.forEach((list, index) => {
    if (list.length === 0) issues.emptySteps.push(index);
    const maxUpdate = strategy.steps[index]!.maxUpdate;
    const { error } = maxUpdateLimit(maxUpdate, list.length);
    if (error !== undefined) issues.invalidMaxUpdates.push({ step: index, value: String(maxUpdate), error });
  });
  const sourceOf = new Map(apps.map((app) => [app.name, sourceKey(app.spec)]));
  return { stepOf, sourceOf, members, issues };
}

/** The repositories and targetRevisions an Application's revisions come from (paths aside). */
function sourceKey(spec: AppView['spec']): string {
  const sources = Array.isArray(spec.sources) && spec.sources.length > 0 ? spec.sources : [spec.source];
  return JSON.stringify(
    (sources as ({ repoURL?: string; targetRevision?: string; chart?: string } | undefined)[]).map((s) => [
      s?.repoURL,
      s?.targetRevision,
      s?.chart,
    ]),
  );
}

/** The revisions the Application's status was compared at (Argo's `Status.GetRevisions`). */
export function revisionsOf(app: AppView): string[] {
  const sync = app.status?.sync;
  if (sync?.revisions !== undefined && sync.revisions.length > 0) return [...sync.revisions];
  return sync?.revision ? [sync.revision] : [];
}

/** Digests by spec object: a pass asks for each several times, and hashing dominates its cost. */
const digests = new WeakMap<object, string>();
function digestOf(spec: object): string {
  let digest = digests.get(spec);
  if (digest === undefined) {
    digest = specDigest(spec);
    digests.set(spec, digest);
  }
  return digest;
}

/** What a rollout sync of this Application at these revisions is for. */
export function rolloutMarker(app: AppView, revisions: readonly string[]): string {
  return `${digestOf(app.spec)}@${revisions.join(',')}`;
}

/** The marker of the last finished or running operation, when the rollout started it. */
function lastRolloutMarker(app: AppView): string | undefined {
  return app.status?.operationState?.operation?.info?.find((i) => i.name === ROLLOUT_INFO)?.value;
}

/** True when the status was compared against the current spec; undefined when it says nothing. */
function comparedCurrentSpec(app: AppView): boolean | undefined {
  const compared = app.status?.sync?.comparedTo;
  if (compared === undefined) return undefined;
  return digestOf(compared) === digestOf(app.spec);
}

const FINISHED = new Set(['Succeeded', 'Failed', 'Error']);

function entry(
  base: ApplicationRolloutStatus,
  status: RolloutState,
  message: string,
  at: string,
): ApplicationRolloutStatus {
  return { ...base, status, message, ...(base.status === status ? {} : { lastTransitionTime: at }) };
}

/** One Application's next entry from its last one and what the hub says of it now. */
function advance(
  previous: ApplicationRolloutStatus | undefined,
  app: AppView,
  stepIndex: number | undefined,
  { resumed, at }: { resumed: ReadonlySet<string>; at: string },
): ApplicationRolloutStatus {
  const revisions = revisionsOf(app);
  const step = String(stepIndex === undefined ? -1 : stepIndex + 1);
  let current: ApplicationRolloutStatus = previous
    ? { ...previous, step }
    : {
        application: app.name,
        status: 'Waiting',
        step,
        message: MESSAGES.noStatus,
        lastTransitionTime: at,
        targetRevisions: revisions,
      };
  const reset = changedSince(current, app, revisions);
  if (reset !== undefined) {
    current = { ...entry(current, 'Waiting', reset, at), targetRevisions: revisions, lastTransitionTime: at };
  }
  if (stepIndex === undefined && current.status === 'Waiting')
    return { ...current, message: MESSAGES.noStep };
  switch (current.status) {
    case 'Waiting':
      return fromWaiting(current, app, at);
    case 'Pending':
      return fromPending(current, app, resumed, at);
    case 'Progressing':
      return fromProgressing(current, app, resumed, at);
    case 'Healthy':
      return current;
  }
}

/**
 * Why the entry must wait for a new sync: its revisions changed (Argo), the status was compared
 * against another spec (the ApplicationSet changed it), or a Healthy Application went OutOfSync
 * without the rollout knowing that it synced this spec (so it is a change, not drift to heal).
 */
function changedSince(
  current: ApplicationRolloutStatus,
  app: AppView,
  revisions: readonly string[],
): string | undefined {
  if (!isDeepStrictEqual([...(current.targetRevisions ?? [])], [...revisions]))
    return MESSAGES.revisionChanged;
  if (current.status === 'Waiting') return undefined;
  if (comparedCurrentSpec(app) === false) return MESSAGES.specChanged;
  if (
    current.status === 'Healthy' &&
    app.status?.sync?.status === 'OutOfSync' &&
    lastRolloutMarker(app) !== rolloutMarker(app, revisions)
  )
    return MESSAGES.specChanged;
  return undefined;
}

/** Argo: an Application already Synced at the new revision needs no sync. */
function fromWaiting(current: ApplicationRolloutStatus, app: AppView, at: string): ApplicationRolloutStatus {
  if (app.status?.sync?.status !== 'Synced' || comparedCurrentSpec(app) !== true) return current;
  return app.status.health?.status === 'Healthy'
    ? entry(current, 'Healthy', MESSAGES.syncedHealthy, at)
    : entry(current, 'Progressing', MESSAGES.syncedProgressing, at);
}

/** Progressing once the Application's operation state is the sync the rollout started. */
function fromPending(
  current: ApplicationRolloutStatus,
  app: AppView,
  resumed: ReadonlySet<string>,
  at: string,
): ApplicationRolloutStatus {
  const state = app.status?.operationState;
  if (lastRolloutMarker(app) === rolloutMarker(app, current.targetRevisions ?? [])) {
    const phase = state?.phase ?? '';
    const message =
      phase === 'Succeeded'
        ? 'Application resource completed a sync successfully, updating status from Pending to Progressing'
        : FINISHED.has(phase)
          ? 'Application resource completed a sync, updating status from Pending to Progressing'
          : 'Application resource became Progressing, updating status from Pending to Progressing';
    return fromProgressing(entry(current, 'Progressing', message, at), app, resumed, at);
  }
  const broken = app.status?.conditions?.some(
    (c) => c.type === 'InvalidSpecError' || c.type === 'UnknownError',
  );
  return broken ? entry(current, 'Progressing', MESSAGES.hasError, at) : current;
}

/**
 * Healthy only on a status that follows the sync the rollout started (when it started one):
 * that operation finished, the status compared the current spec at the entry's revisions, Synced
 * and Healthy. Degraded, or a failed sync, stops the rollout unless a person resumed past it.
 */
function fromProgressing(
  current: ApplicationRolloutStatus,
  app: AppView,
  resumed: ReadonlySet<string>,
  at: string,
): ApplicationRolloutStatus {
  const ours = lastRolloutMarker(app) === rolloutMarker(app, current.targetRevisions ?? []);
  if (!settled(app, ours)) return current;
  const failure = failureOf(app, ours);
  if (failure !== undefined) {
    const revisions = (current.targetRevisions ?? []).join(',') || 'its revision';
    const text = `Application ${app.name} at ${revisions}: ${failure}`;
    return resumed.has(resumeKey(current))
      ? entry(current, 'Progressing', `Rollout resumed past: ${text}`, at)
      : entry(current, 'Progressing', `${STOPPED_PREFIX}${text}`, at);
  }
  if (app.status?.sync?.status === 'Synced' && app.status.health?.status === 'Healthy')
    return entry(current, 'Healthy', MESSAGES.becameHealthy, at);
  return current;
}

/** No operation waiting, the rollout's own (if it started one) finished, the status about the current spec. */
function settled(app: AppView, ours: boolean): boolean {
  if (app.operation !== undefined) return false;
  if (ours && !FINISHED.has(app.status?.operationState?.phase ?? '')) return false;
  return comparedCurrentSpec(app) === true;
}

/** Why a started Application stops the rollout: its sync failed, or it is Degraded. */
function failureOf(app: AppView, ours: boolean): string | undefined {
  const state = app.status?.operationState;
  if (ours && state?.phase !== 'Succeeded')
    return `its sync ${state?.phase === 'Error' ? 'errored' : 'failed'}: ${state?.message ?? ''}`;
  const health = app.status?.health;
  if (health?.status === 'Degraded') return `it is Degraded${health.message ? `: ${health.message}` : ''}`;
  return undefined;
}

/** An entry that no longer holds its step back: Healthy, or stopped and resumed past. */
function done(e: ApplicationRolloutStatus): boolean {
  return e.status === 'Healthy' || e.message.startsWith('Rollout resumed past: ');
}

interface Progress {
  readonly entries: ApplicationRolloutStatus[];
  /** The first step (index) not yet complete. */
  readonly current: number | undefined;
  readonly stopped: ApplicationRolloutStatus[];
  readonly soaking?: { step: number; remainingMs: number };
  readonly requeueAfterMs?: number;
}

/**
 * Argo's `getAppsToSync` and `maxUpdate`: every step up to the first incomplete one may sync;
 * within a step, Waiting Applications become Pending while fewer than `maxUpdate` are Pending or
 * Progressing. Nothing moves while an Application of those steps has stopped the rollout, and a
 * step with a soak time holds the next one until it has been Healthy that long.
 */
function promote(entries: ApplicationRolloutStatus[], assignment: Assignment, input: RolloutInput): Progress {
  const byName = new Map(entries.map((e) => [e.application, e]));
  let current: number | undefined;
  let soaking: Progress['soaking'];
  for (let index = 0; index < assignment.members.length; index++) {
    const members = assignment.members[index]!.map((n) => byName.get(n)!);
    if (!members.every(done)) {
      current = index;
      break;
    }
    const remaining = soakRemaining(members, input.strategy.soakMs[index] ?? 0, input.now);
    if (remaining > 0 && index + 1 < assignment.members.length) {
      soaking = { step: index, remainingMs: remaining };
      current = index + 1;
      break;
    }
  }
  const open = current === undefined ? assignment.members.length : soaking ? current : current + 1;
  const started = assignment.members.slice(0, open).flat();
  const stopped = started.map((n) => byName.get(n)!).filter(isStopped);
  if (stopped.length === 0) {
    // Revisions the earlier steps are at, by source: a later step never runs ahead of them.
    const earlier = new Map<string, Set<string>>();
    for (let index = 0; index < open; index++) {
      admit(index, assignment, input, { byName, earlier });
      for (const name of assignment.members[index]!) {
        const key = assignment.sourceOf.get(name)!;
        const revisions = (byName.get(name)!.targetRevisions ?? []).join(',');
        earlier.set(key, new Set([...(earlier.get(key) ?? []), revisions]));
      }
    }
  }
  return {
    entries: entries.map((e) => byName.get(e.application)!),
    current,
    stopped,
    ...(soaking ? { soaking, requeueAfterMs: soaking.remainingMs } : {}),
  };
}

/**
 * Waiting Applications of the step become Pending while `maxUpdate` allows, but only at the
 * revisions the earlier steps' Applications of the same source are at: a push seen by a prod
 * Application before the dev ones have compared it waits for them (the earlier step then restarts).
 */
function admit(
  index: number,
  assignment: Assignment,
  input: RolloutInput,
  { byName, earlier }: { byName: Map<string, ApplicationRolloutStatus>; earlier: Map<string, Set<string>> },
): void {
  const names = assignment.members[index]!;
  const { limit } = maxUpdateLimit(input.strategy.steps[index]!.maxUpdate, names.length);
  let updating = names.filter((n) => {
    const e = byName.get(n)!;
    return (e.status === 'Pending' || e.status === 'Progressing') && !done(e);
  }).length;
  const at = input.now.toISOString().replace(/\.\d+Z$/, 'Z');
  for (const name of names) {
    const e = byName.get(name)!;
    // Not yet compared by the sync: its revisions are unknown, so a sync now could not be told apart from the next.
    if (e.status !== 'Waiting' || updating >= limit || (e.targetRevisions ?? []).length === 0) continue;
    const before = earlier.get(assignment.sourceOf.get(name)!);
    const revisions = (e.targetRevisions ?? []).join(',');
    if (before !== undefined && (before.size !== 1 || !before.has(revisions))) continue;
    byName.set(name, entry(e, 'Pending', MESSAGES.pending, at));
    updating++;
  }
}

/** How long the step still soaks: from the latest time one of its Applications became Healthy. */
function soakRemaining(members: readonly ApplicationRolloutStatus[], soakMs: number, now: Date): number {
  if (soakMs <= 0 || members.length === 0) return 0;
  const latest = Math.max(...members.map((e) => Date.parse(e.lastTransitionTime ?? '') || 0));
  return Math.max(0, latest + soakMs - now.getTime());
}

/**
 * The operations to write: each Pending Application the rollout has not yet started a sync of
 * for its spec and revisions, and selfHeal for drift on a Healthy one. Never while an operation
 * is already waiting or running.
 */
function syncsToStart(
  entries: readonly ApplicationRolloutStatus[],
  apps: Map<string, AppView>,
): SyncToStart[] {
  const syncs: SyncToStart[] = [];
  for (const e of entries) {
    const app = apps.get(e.application)!;
    if (app.operation !== undefined) continue;
    const marker = rolloutMarker(app, e.targetRevisions ?? []);
    if (e.status === 'Pending' && lastRolloutMarker(app) !== marker)
      syncs.push({ application: app.name, operation: rolloutOperation(app, marker), why: 'rollout' });
    else if (e.status === 'Healthy' && needsHeal(app, marker))
      syncs.push({ application: app.name, operation: rolloutOperation(app, marker), why: 'selfHeal' });
  }
  return syncs;
}

/** Drift on an Application the rollout synced at this spec and revision, whose template asks for selfHeal. */
function needsHeal(app: AppView, marker: string): boolean {
  return (
    app.spec.syncPolicy?.automated?.selfHeal === true &&
    app.status?.sync?.status === 'OutOfSync' &&
    comparedCurrentSpec(app) === true &&
    lastRolloutMarker(app) === marker &&
    app.status.operationState?.phase === 'Succeeded'
  );
}

/**
 * The operation Argo's RollingSync writes (`syncApplication`): initiated by
 * `applicationset-controller`, automated; prune from the template's automated policy, sync
 * options and retry from its syncPolicy (retry limit 5 when it has none). Spokes adds one `info`
 * entry naming the spec digest and revisions the sync is for.
 */
export function rolloutOperation(app: AppView, marker: string): Record<string, unknown> {
  const policy = app.spec.syncPolicy;
  const sync: Record<string, unknown> = {};
  if (policy !== undefined) {
    if (policy.syncOptions !== undefined) sync['syncOptions'] = [...policy.syncOptions];
    if (policy.automated?.prune === true) sync['prune'] = true;
  }
  return {
    initiatedBy: { username: ROLLOUT_INITIATOR, automated: true },
    info: [
      { name: 'Reason', value: ROLLOUT_REASON },
      { name: ROLLOUT_INFO, value: marker },
    ],
    sync,
    retry: policy?.retry ?? { limit: 5 },
  };
}

function progressingCondition(
  progress: Progress,
  strategy: RolloutStrategy,
  entries: readonly ApplicationRolloutStatus[],
): RolloutCondition {
  const unassigned = entries.filter((e) => e.step === '-1').map((e) => e.application);
  const note =
    unassigned.length === 0
      ? ''
      : ` (${unassigned.length} Application${unassigned.length === 1 ? '' : 's'} in no step, never synced by the rollout: ${unassigned.slice(0, 5).join(', ')}${unassigned.length > 5 ? ', …' : ''})`;
  if (progress.stopped.length > 0) {
    const first = progress.stopped[0]!;
    return {
      type: CONDITION_PROGRESSING,
      status: 'True',
      reason: REASONS.error,
      message: `Rollout stopped at step ${first.step}: ${first.message.slice(STOPPED_PREFIX.length)}${progress.stopped.length > 1 ? ` (and ${progress.stopped.length - 1} more)` : ''}; fix it, or let the rollout continue with \`spokes rollout resume\``,
    };
  }
  if (progress.current !== undefined && progress.current < strategy.steps.length) {
    const soak = progress.soaking
      ? `; step ${progress.soaking.step + 1} soaks ${Math.ceil(progress.soaking.remainingMs / 1000)}s more`
      : '';
    return {
      type: CONDITION_PROGRESSING,
      status: 'True',
      reason: REASONS.modified,
      message: `ApplicationSet is performing rollout of step ${progress.current + 1}${soak}${note}`,
    };
  }
  return {
    type: CONDITION_PROGRESSING,
    status: 'False',
    reason: REASONS.complete,
    message: `ApplicationSet Rollout has completed${note}`,
  };
}

/** Argo's InvalidRolloutConfig condition: the first problem by Argo's priority, then the soak annotation. */
function configCondition(issues: Issues, input: RolloutInput): RolloutCondition {
  const message = issueMessage(issues) ?? soakProblems(input.soakAnnotation, input.strategy.steps.length);
  if (message === undefined)
    return {
      type: CONDITION_INVALID_CONFIG,
      status: 'False',
      reason: REASONS.validConfig,
      message: 'Rolling Sync Configured correctly',
    };
  return { type: CONDITION_INVALID_CONFIG, status: 'True', reason: REASONS.invalidConfig, message };
}

function issueMessage(issues: Issues): string | undefined {
  const steps = (list: readonly number[]): string => list.map((s) => s + 1).join(', ');
  if (issues.invalidOperators.length > 0) {
    const ops = issues.invalidOperators.map((i) => i.operator).join(', ');
    const where = steps(issues.invalidOperators.map((i) => i.step));
    return issues.invalidOperators.length === 1
      ? `Step ${where} has invalid matchExpression operators: ${ops}. Supported Operators are 'In' and 'NotIn'`
      : `Steps ${where} have invalid matchExpression operators: ${ops}. Supported Operators are 'In' and 'NotIn'`;
  }
  if (issues.duplicates.size > 0) {
    const names = [...issues.duplicates.keys()].sort();
    const pairs = names.map((n) =>
      issues.duplicates
        .get(n)!
        .map((s) => s + 1)
        .join('-'),
    );
    return names.length === 1
      ? `Application '${names[0]}' is selected by multiple steps: (${pairs[0]})`
      : `Applications '${names.join("', '")}' are selected by multiple steps: [(${pairs.join('), (')})]`;
  }
  if (issues.invalidMaxUpdates.length > 0) {
    const values = issues.invalidMaxUpdates.map((i) => i.value).join(', ');
    const where = steps(issues.invalidMaxUpdates.map((i) => i.step));
    return issues.invalidMaxUpdates.length === 1
      ? `Step ${where} has an invalid maxUpdate value: ${values}`
      : `Steps ${where} have invalid maxUpdate values: [${values}]`;
  }
  if (issues.emptySteps.length > 0)
    return `Steps [${issues.emptySteps.map((s) => s + 1).join(' ')}] have no applications matching their criteria`;
  return undefined;
}
