/**
 * `deletionOrder: Reverse` (Argo CD's PerformReverseDeletion): the Applications of the last step
 * are deleted first; the next step's only once every one of them is gone. Applications selected
 * by no step are left to the garbage collector once the ApplicationSet's finalizer is removed.
 */
import { stepMatches, type RolloutStrategy } from '../api/rollout.ts';
import type { KubeObject } from '../kube/types.ts';

export interface DeletionStep<T> {
  /** True when no Application of any step is left: the finalizer may go. */
  readonly done: boolean;
  /** Applications to delete now (not yet being deleted). */
  readonly remove: T[];
  /** The step (from 1) being deleted. */
  readonly step?: number;
}

export function reverseDeletionStep<T extends KubeObject>(
  strategy: RolloutStrategy,
  apps: readonly T[],
): DeletionStep<T> {
  const byStep = strategy.steps.map(() => [] as T[]);
  for (const app of apps) {
    const index = strategy.steps.findIndex((step) => stepMatches(app.metadata.labels ?? {}, step));
    if (index >= 0) byStep[index]!.push(app);
  }
  for (let index = byStep.length - 1; index >= 0; index--) {
    const left = byStep[index]!;
    if (left.length === 0) continue;
    return {
      done: false,
      remove: left.filter((app) => app.metadata.deletionTimestamp === undefined),
      step: index + 1,
    };
  }
  return { done: true, remove: [] };
}
