/**
 * ApplicationSet status conditions, as Argo CD sets them: ErrorOccurred, ParametersGenerated and
 * ResourcesUpToDate with Argo's reasons. A condition's lastTransitionTime moves only when its
 * status does, so a steady state writes nothing.
 */
export interface Condition {
  readonly type: 'ErrorOccurred' | 'ParametersGenerated' | 'ResourcesUpToDate';
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

/** `next` stamped with transition times: kept from `previous` where the status did not change. */
export function mergeConditions(
  previous: readonly Condition[],
  next: readonly Condition[],
  now: string,
): Condition[] {
  return next.map((condition) => {
    const before = previous.find((p) => p.type === condition.type);
    const since =
      before !== undefined && before.status === condition.status ? before.lastTransitionTime : undefined;
    return { ...condition, lastTransitionTime: since ?? now };
  });
}
