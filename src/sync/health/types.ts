/** Argo CD's health statuses and their order, most healthy first. */

export type HealthStatusCode = 'Healthy' | 'Suspended' | 'Progressing' | 'Missing' | 'Degraded' | 'Unknown';

export interface HealthStatus {
  readonly status: HealthStatusCode;
  /** Omitted when empty, as Argo's JSON has it. */
  readonly message?: string;
}

/** Argo's order from most to least healthy; aggregation keeps the worst. */
export const HEALTH_ORDER: readonly HealthStatusCode[] = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
];

/** True when `next` is strictly worse than `current`. */
export function isWorse(current: HealthStatusCode, next: HealthStatusCode): boolean {
  return HEALTH_ORDER.indexOf(next) > HEALTH_ORDER.indexOf(current);
}

/** A status with an optional message; empty messages are dropped. */
export function health(status: HealthStatusCode, message?: string): HealthStatus {
  return message === undefined || message === '' ? { status } : { status, message };
}
