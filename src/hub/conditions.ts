/**
 * ApplicationSet status conditions, as Argo CD sets them: ErrorOccurred, ParametersGenerated and
 * ResourcesUpToDate with Argo's reasons. A condition's lastTransitionTime moves only when its
 * status does, so a steady state writes nothing.
 */
export interface Condition {
  readonly type: 'ErrorOccurred' | 'ParametersGenerated' | 'ResourcesUpToDate' | 'RolloutProgressing';
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime?: string;
}

export const REASONS = {
  upToDate: 'ApplicationSetUpToDate',
  parametersGenerated: 'ParametersGenerated',
  errorOccurred: 'ErrorOccurred',
  generationError: 'ApplicationGenerationFromParamsError',
  renderError: 'RenderTemplateParamsError',
  validationError: 'ApplicationValidationError',
  createError: 'CreateApplicationError',
  updateError: 'UpdateApplicationError',
  deleteError: 'DeleteApplicationError',
} as const;

/** The conditions after a successful reconcile. */
export function successConditions(): Condition[] {
  const message = 'All applications have been generated successfully';
  return [
    { type: 'ErrorOccurred', status: 'False', reason: REASONS.upToDate, message },
    {
      type: 'ParametersGenerated',
      status: 'True',
      reason: REASONS.parametersGenerated,
      message: 'Successfully generated parameters for all Applications',
    },
    { type: 'ResourcesUpToDate', status: 'True', reason: REASONS.upToDate, message },
  ];
}

/** The conditions after a failed reconcile; `parametersGenerated` says whether generation itself worked. */
export function errorConditions(reason: string, message: string, parametersGenerated: boolean): Condition[] {
  return [
    { type: 'ErrorOccurred', status: 'True', reason, message },
    parametersGenerated
      ? {
          type: 'ParametersGenerated',
          status: 'True',
          reason: REASONS.parametersGenerated,
          message: 'Successfully generated parameters for all Applications',
        }
      : { type: 'ParametersGenerated', status: 'False', reason: REASONS.errorOccurred, message },
    { type: 'ResourcesUpToDate', status: 'False', reason: REASONS.errorOccurred, message },
  ];
}

/**
 * `next` stamped with transition times: kept from `previous` where the status did not change.
 * Conditions of other types (the rollout component's) are kept as they are: each writer owns its types.
 */
export function mergeConditions(
  previous: readonly Condition[],
  next: readonly Condition[],
  now: string,
): Condition[] {
  const stamped = next.map((condition) => {
    const before = previous.find((p) => p.type === condition.type);
    const since =
      before !== undefined && before.status === condition.status ? before.lastTransitionTime : undefined;
    return { ...condition, lastTransitionTime: since ?? now };
  });
  const ours = new Set(next.map((c) => c.type));
  return [...stamped, ...previous.filter((p) => !ours.has(p.type))];
}

/** The warning an ApplicationSet with RollingSync gets while progressive syncs are turned off. */
export function progressiveSyncDisabled(): Condition {
  return {
    type: 'RolloutProgressing',
    status: 'False',
    reason: 'ProgressiveSyncDisabled',
    message:
      'spec.strategy RollingSync is not active: progressive syncs are turned off on this controller (--enable-progressive-syncs=false), so every Application is updated at once',
  };
}
