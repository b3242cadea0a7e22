/**
 * Progressive sync (`spec.strategy.type: RollingSync`) as Argo CD's ApplicationSet YAML has it,
 * read without changing it, plus the few Spokes extras that live in annotations Argo ignores.
 * Shared by the hub (it turns automated sync off on the generated Applications), the rollout
 * component (it runs the steps) and the CLI and dashboard (status, resume). Pure: no I/O.
 */
import { createHash } from 'node:crypto';

export interface MatchExpression {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

/** Argo's `intstr.IntOrString`: a number, or a string (a percent when it ends with `%`). */
export type MaxUpdate = number | string;

export interface RolloutStep {
  readonly matchExpressions: readonly MatchExpression[];
  readonly maxUpdate?: MaxUpdate;
}

export interface RolloutStrategy {
  readonly steps: readonly RolloutStep[];
  /** `Reverse` deletes the Applications step by step, last step first (case-insensitive, as Argo). */
  readonly reverseDeletion: boolean;
  /** Spokes extra: how long each step (by index) stays Healthy before the next one starts, in ms. */
  readonly soakMs: readonly number[];
}

/** Per-Application rollout states, Argo's `ProgressiveSync*` values. */
export type RolloutState = 'Waiting' | 'Pending' | 'Progressing' | 'Healthy';

/** One entry of `status.applicationStatus`, in Argo's shape. */
export interface ApplicationRolloutStatus {
  readonly application: string;
  readonly status: RolloutState;
  readonly step: string;
  readonly message: string;
  readonly lastTransitionTime?: string;
  readonly targetRevisions?: readonly string[];
}

export const CONDITION_PROGRESSING = 'RolloutProgressing';
export const CONDITION_INVALID_CONFIG = 'InvalidRolloutConfig';
export const REASONS = {
  modified: 'ApplicationSetModified',
  complete: 'ApplicationSetRolloutComplete',
  error: 'ApplicationSetRolloutError',
  invalidConfig: 'ApplicationSetInvalidRolloutConfig',
  validConfig: 'ApplicationSetValidRolloutConfig',
  disabled: 'ProgressiveSyncDisabled',
} as const;

/** Spokes extra: soak time per step, `1=5m,3=30s` (step numbers from 1; s, m or h). */
export const SOAK_ANNOTATION = 'rollout.spokes.io/soak';
/** Spokes extra: the stopped Applications a person let the rollout continue past, `app=rev,rev;app2=rev`. */
export const RESUME_ANNOTATION = 'rollout.spokes.io/resume';
/** The message prefix of an Application that stopped the rollout. */
export const STOPPED_PREFIX = 'Rollout stopped: ';

/** Who Argo names as the initiator of the syncs a rollout starts. */
export const ROLLOUT_INITIATOR = 'applicationset-controller';
export const ROLLOUT_REASON = 'ApplicationSet RollingSync triggered a sync of this Application resource';
/** The `operation.info` entry naming what a rollout sync was for (Spokes; Argo keeps unknown info). */
export const ROLLOUT_INFO = 'Rollout';

interface StrategyShape {
  type?: unknown;
  deletionOrder?: unknown;
  rollingSync?: { steps?: unknown } | null;
}

/**
 * The RollingSync strategy of an ApplicationSet, or undefined when it has none (AllAtOnce, or no
 * steps: Argo's `RollingSyncStrategyEnabled`).
 */
export function rollingSyncOf(appSet: {
  metadata?: { annotations?: Record<string, string> };
  spec?: unknown;
}): RolloutStrategy | undefined {
  const strategy = (appSet.spec as { strategy?: StrategyShape } | undefined)?.strategy;
  if (strategy?.type !== 'RollingSync' || strategy.rollingSync == null) return undefined;
  const raw = strategy.rollingSync.steps;
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const steps = raw.map(readStep);
  return {
    steps,
    reverseDeletion:
      typeof strategy.deletionOrder === 'string' && strategy.deletionOrder.toLowerCase() === 'reverse',
    soakMs: soakPerStep(appSet.metadata?.annotations?.[SOAK_ANNOTATION], steps.length),
  };
}

/** True when the ApplicationSet asks for RollingSync (even with no steps), as Argo's `IsRollingSyncStrategy`. */
export function asksForRollingSync(spec: unknown): boolean {
  const strategy = (spec as { strategy?: StrategyShape } | undefined)?.strategy;
  return strategy?.type === 'RollingSync';
}

function readStep(value: unknown): RolloutStep {
  const step = (value ?? {}) as { matchExpressions?: unknown; maxUpdate?: unknown };
  const expressions = Array.isArray(step.matchExpressions) ? step.matchExpressions : [];
  const maxUpdate = step.maxUpdate;
  return {
    matchExpressions: expressions.map((e) => {
      const expr = (e ?? {}) as { key?: unknown; operator?: unknown; values?: unknown };
      return {
        key: typeof expr.key === 'string' ? expr.key : '',
        operator: typeof expr.operator === 'string' ? expr.operator : '',
        values: Array.isArray(expr.values) ? expr.values.map(String) : [],
      };
    }),
    ...(typeof maxUpdate === 'number' || typeof maxUpdate === 'string' ? { maxUpdate } : {}),
  };
}

const DURATION = /^(\d+)(s|m|h)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Soak per step index; unparseable entries are 0 (reported by `soakProblems`). */
function soakPerStep(value: string | undefined, count: number): number[] {
  const soak = new Array<number>(count).fill(0);
  for (const part of (value ?? '').split(',')) {
    const [step, duration] = part.split('=').map((s) => s.trim());
    const index = Number(step) - 1;
    const match = DURATION.exec(duration ?? '');
    if (Number.isInteger(index) && index >= 0 && index < count && match)
      soak[index] = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  }
  return soak;
}

/** What is wrong with the soak annotation, if anything. */
export function soakProblems(value: string | undefined, count: number): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  for (const part of value.split(',')) {
    const [step, duration] = part.split('=').map((s) => s.trim());
    const index = Number(step);
    if (!Number.isInteger(index) || index < 1 || index > count || !DURATION.test(duration ?? ''))
      return `annotation ${SOAK_ANNOTATION}: "${part.trim()}" is not STEP=DURATION with STEP in 1..${count} and DURATION like 30s, 5m or 1h`;
  }
  return undefined;
}

/**
 * Argo's `maxUpdate` arithmetic (`intstr.GetScaledValueFromIntOrPercent` rounding down, then "any
 * percent but `0%` allows at least one"). An invalid value is reported and, as in Argo, counts as 0
 * before that floor (so an invalid string allows one at a time, an absent value allows all).
 */
export function maxUpdateLimit(
  maxUpdate: MaxUpdate | undefined,
  total: number,
): { limit: number; error?: string } {
  if (maxUpdate === undefined) return { limit: Number.POSITIVE_INFINITY };
  if (typeof maxUpdate === 'number') {
    if (!Number.isInteger(maxUpdate)) return { limit: 0, error: `${maxUpdate} is not an integer` };
    return { limit: maxUpdate };
  }
  let scaled = 0;
  let error: string | undefined;
  if (!maxUpdate.endsWith('%')) error = `invalid type: string is not a percentage`;
  else {
    const text = maxUpdate.slice(0, -1);
    // strconv.Atoi: an optional sign and decimal digits only.
    if (!/^[+-]?\d+$/.test(text)) error = `invalid value "${maxUpdate}": not an integer percent`;
    else scaled = Math.floor((Number(text) * total) / 100);
  }
  if (maxUpdate !== '0%' && scaled < 1) scaled = 1;
  return error === undefined ? { limit: scaled } : { limit: scaled, error };
}

/**
 * Whether an Application's labels match a step (Argo's rules): every expression must hold; a
 * missing label fails `In` and passes any other operator; on a present label, an operator other
 * than In/NotIn fails the step (and is reported as an invalid rollout config).
 */
export function stepMatches(labels: Readonly<Record<string, string>>, step: RolloutStep): boolean {
  return step.matchExpressions.every((expr) => {
    const value = labels[expr.key];
    if (value === undefined) return expr.operator !== 'In';
    if (expr.operator === 'In') return expr.values.includes(value);
    if (expr.operator === 'NotIn') return !expr.values.includes(value);
    return false;
  });
}

/**
 * The generated Application with automated sync turned off, as Argo's RollingSync does: the
 * `automated` block is kept (its prune and selfHeal still say what the template asks for) with
 * `enabled: false`, which both Argo's and Spokes' application controllers honour.
 */
export function disableAutomatedSync<T extends { spec: { syncPolicy?: Record<string, unknown> } }>(
  app: T,
): T {
  const automated = app.spec.syncPolicy?.['automated'];
  if (automated === undefined || automated === null) return app;
  return {
    ...app,
    spec: {
      ...app.spec,
      syncPolicy: { ...app.spec.syncPolicy, automated: { ...automated, enabled: false } },
    },
  };
}

/** True when this entry stopped the rollout. */
export function isStopped(entry: ApplicationRolloutStatus): boolean {
  return entry.message.startsWith(STOPPED_PREFIX);
}

/** The key a resume acknowledges: the Application at the revisions it stopped on. */
export function resumeKey(entry: { application: string; targetRevisions?: readonly string[] }): string {
  return `${entry.application}=${(entry.targetRevisions ?? []).join(',')}`;
}

/** The resume annotation's keys. */
export function resumedKeys(value: string | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
}

/**
 * The resume annotation that lets the rollout continue past every Application that stopped it
 * now; keys of Applications still at the acknowledged revisions are kept, others dropped.
 */
export function resumeValue(
  entries: readonly ApplicationRolloutStatus[],
  previous: string | undefined,
): string {
  const current = new Set(entries.map(resumeKey));
  const kept = [...resumedKeys(previous)].filter((key) => current.has(key));
  const added = entries.filter(isStopped).map(resumeKey);
  return [...new Set([...kept, ...added])].sort().join(';');
}

/**
 * A short hash of what a sync of this Application is for: its sources and destination (what
 * Argo's `status.sync.comparedTo` records). A rollout sync names it in `operation.info`, so the
 * finished operation shows which spec it synced, with no clock involved.
 */
export function specDigest(spec: { source?: unknown; sources?: unknown; destination?: unknown }): string {
  const sources = Array.isArray(spec.sources) && spec.sources.length > 0 ? spec.sources : [spec.source];
  return createHash('sha256')
    .update(canonicalJson({ sources, destination: spec.destination }))
    .digest('hex')
    .slice(0, 12);
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
