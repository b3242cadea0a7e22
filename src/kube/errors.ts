/** An error answer from the Kubernetes API, with its HTTP status and Status reason. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly status: number;
  readonly reason: string;

  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export const isNotFound = (err: unknown): boolean => err instanceof KubeApiError && err.status === 404;
export const isConflict = (err: unknown): boolean => err instanceof KubeApiError && err.status === 409;
export const isAlreadyExists = (err: unknown): boolean =>
  isConflict(err) && (err as KubeApiError).reason === 'AlreadyExists';
/** 410 Gone / Expired: the resourceVersion is too old; list again. */
export const isGone = (err: unknown): boolean =>
  err instanceof KubeApiError && (err.status === 410 || err.reason === 'Expired' || err.reason === 'Gone');
