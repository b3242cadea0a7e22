/**
 * What `spokes rollout status` and `spokes get appset NAME` show of a RollingSync: each step
 * with its selector and maxUpdate, the Applications in it with their rollout state, and where
 * the rollout stands (its RolloutProgressing condition). Pure functions of the hub's objects.
 */
import {
  CONDITION_INVALID_CONFIG,
  CONDITION_PROGRESSING,
  rollingSyncOf,
  type ApplicationRolloutStatus,
  type RolloutStep,
} from '../api/rollout.ts';
import type { KubeObject } from '../kube/types.ts';
import { NONE, formatTable } from './table.ts';
import type { AppSetCondition } from './get-views.ts';

export type RolloutAppSet = KubeObject & {
  spec?: unknown;
  status?: { applicationStatus?: ApplicationRolloutStatus[]; conditions?: AppSetCondition[] };
};

/** The steps table and the rollout's state; empty when the ApplicationSet has no RollingSync. */
export function describeRollout(appSet: RolloutAppSet): string {
  const strategy = rollingSyncOf(appSet);
  if (strategy === undefined) return '';
  const entries = appSet.status?.applicationStatus ?? [];
  const conditions = appSet.status?.conditions ?? [];
  const progressing = conditions.find((c) => c.type === CONDITION_PROGRESSING);
  const invalid = conditions.find((c) => c.type === CONDITION_INVALID_CONFIG && c.status === 'True');
  const rows = strategy.steps.map((step, index) => [
    String(index + 1),
    selectorText(step),
    step.maxUpdate === undefined ? '100%' : String(step.maxUpdate),
    appsText(entries.filter((e) => e.step === String(index + 1))),
  ]);
  const unassigned = entries.filter((e) => e.step === '-1');
  if (unassigned.length > 0)
    rows.push(['-', 'no step (never synced by the rollout)', '', appsText(unassigned)]);
  const state = progressing
    ? `${progressing.status === 'True' ? 'Progressing' : 'Complete'} (${progressing.reason ?? ''}): ${progressing.message ?? ''}`
    : 'not started';
  const lines = [`Rollout:        ${state}`];
  if (invalid) lines.push(`Invalid config: ${invalid.message ?? ''}`);
  const stopped = entries.filter((e) => e.message.startsWith('Rollout stopped: '));
  for (const e of stopped) lines.push(`Stopped by:     ${e.message.slice('Rollout stopped: '.length)}`);
  return `${lines.join('\n')}\n\n${formatTable(['STEP', 'SELECTOR', 'MAX UPDATE', 'APPLICATIONS'], rows)}`;
}

function selectorText(step: RolloutStep): string {
  if (step.matchExpressions.length === 0) return NONE;
  return step.matchExpressions
    .map(
      (e) =>
        `${e.key} ${e.operator === 'In' ? 'in' : e.operator === 'NotIn' ? 'notin' : e.operator} (${e.values.join(',')})`,
    )
    .join(', ');
}

function appsText(entries: readonly ApplicationRolloutStatus[]): string {
  if (entries.length === 0) return NONE;
  return entries
    .map((e) => `${e.application}=${e.message.startsWith('Rollout stopped: ') ? 'Stopped' : e.status}`)
    .join(' ');
}
