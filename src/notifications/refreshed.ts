/**
 * Argo CD's notifications controller skips an Application whose sync status predates its last
 * finished operation (`isAppSyncStatusRefreshed`): right after an operation ends, the status may
 * still describe the cluster before it, and triggers would fire on stale data.
 */
import type { KubeObject } from '../kube/types.ts';

interface StatusTimes {
  operationState?: { phase?: string; finishedAt?: string };
  reconciledAt?: string;
  observedAt?: string;
}

export function syncStatusRefreshed(app: KubeObject): boolean {
  const status = app['status'] as StatusTimes | undefined;
  const op = status?.operationState;
  if (op?.phase === undefined) return true;
  if (op.phase !== 'Failed' && op.phase !== 'Error' && op.phase !== 'Succeeded') return true;
  const finished = op.finishedAt === undefined ? NaN : Date.parse(op.finishedAt);
  if (Number.isNaN(finished)) return false;
  const time = (s: string | undefined): number => (s === undefined ? 0 : Date.parse(s) || 0);
  // RFC 3339 in seconds, as Argo compares them.
  const seconds = (ms: number): number => Math.floor(ms / 1000);
  return !(
    seconds(finished) > seconds(time(status?.reconciledAt)) &&
    seconds(finished) > seconds(time(status?.observedAt))
  );
}
