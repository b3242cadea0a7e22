/**
 * The one hub write that lets a stopped rollout continue, shared by `spokes rollout resume` and
 * the dashboard: the ApplicationSet's `rollout.spokes.io/resume` annotation gains the stopped
 * Applications at the revisions they stopped on. Written with the resourceVersion it was computed
 * from, so a rollout that moved meanwhile is never resumed past something the person did not see.
 */
import { SpokesError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { APPLICATION_SETS, type KubeObject } from '../kube/types.ts';
import { RESUME_ANNOTATION, isStopped, resumeValue, type ApplicationRolloutStatus } from './rollout.ts';

export interface ResumeOutcome {
  /** The Applications the rollout now continues past. */
  readonly resumed: string[];
}

/** Marks every Application that stops the rollout now as resumed past; fails when none does. */
export async function resumeRollout(
  hub: KubeClient,
  target: { readonly namespace: string; readonly name: string },
): Promise<ResumeOutcome> {
  const appSet = await hub.get<KubeObject & { status?: { applicationStatus?: ApplicationRolloutStatus[] } }>(
    APPLICATION_SETS,
    target.namespace,
    target.name,
  );
  if (appSet === undefined)
    throw new SpokesError('InvalidSpec', `ApplicationSet ${target.namespace}/${target.name} not found`);
  const entries = appSet.status?.applicationStatus ?? [];
  const stopped = entries.filter(isStopped).map((e) => e.application);
  if (stopped.length === 0)
    throw new SpokesError(
      'InvalidSpec',
      `ApplicationSet ${target.namespace}/${target.name}: the rollout is not stopped; nothing to resume`,
    );
  const value = resumeValue(entries, appSet.metadata.annotations?.[RESUME_ANNOTATION]);
  await hub.patch(
    APPLICATION_SETS,
    target,
    {
      metadata: {
        resourceVersion: appSet.metadata.resourceVersion,
        annotations: { [RESUME_ANNOTATION]: value },
      },
    },
    { type: 'merge', fieldManager: 'spokes-rollout-resume' },
  );
  return { resumed: stopped };
}
