/**
 * Pod health as Argo CD assesses it. Long-running pods (restartPolicy Always, or the
 * ignore-restart-policy annotation on a non-hook) are Degraded on a container waiting with an
 * error or back-off reason; a running finite pod (OnFailure/Never) stays Progressing until it ends,
 * so hook pods are never failed early.
 */
import type { KubeObject } from '../../kube/types.ts';
import { ANNOTATION_IGNORE_RESTART_POLICY, isHook } from '../annotations.ts';
import { health, type HealthStatus } from './types.ts';
import { has, list, num, record, str, type Json } from './fields.ts';

function isLongRunning(obj: KubeObject): boolean {
  const policy = str(obj, 'spec', 'restartPolicy');
  const ignorePolicy = obj.metadata.annotations?.[ANNOTATION_IGNORE_RESTART_POLICY] === 'true';
  return policy === 'Always' || (ignorePolicy && !isHook(obj));
}

function isErrorWait(reason: string): boolean {
  return reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff');
}

function waitingErrors(obj: KubeObject): HealthStatus | undefined {
  const messages: string[] = [];
  for (const container of list(obj, 'status', 'containerStatuses')) {
    const waiting = record(container, 'state', 'waiting');
    if (has(container, 'state', 'waiting') && isErrorWait(str(waiting, 'reason'))) {
      messages.push(str(waiting, 'message'));
    }
  }
  return messages.length > 0 ? health('Degraded', messages.join(', ')) : undefined;
}

function failMessage(container: Json): string {
  if (!has(container, 'state', 'terminated')) return '';
  const terminated = record(container, 'state', 'terminated');
  const message = str(terminated, 'message');
  if (message !== '') return message;
  if (str(terminated, 'reason') === 'OOMKilled') return 'OOMKilled';
  const code = num(terminated, 'exitCode');
  return code !== 0 ? `container "${str(container, 'name')}" failed with exit code ${code}` : '';
}

function failedHealth(obj: KubeObject, message: string): HealthStatus {
  if (message !== '') return health('Degraded', message);
  const containers = [
    ...list(obj, 'status', 'initContainerStatuses'),
    ...list(obj, 'status', 'containerStatuses'),
  ];
  for (const container of containers) {
    const msg = failMessage(container);
    if (msg !== '') return health('Degraded', msg);
  }
  return health('Degraded');
}

function isReady(obj: KubeObject): boolean {
  return list(obj, 'status', 'conditions').some((c) => c['type'] === 'Ready' && c['status'] === 'True');
}

function runningHealth(obj: KubeObject, message: string): HealthStatus {
  if (isLongRunning(obj)) {
    if (isReady(obj)) return health('Healthy', message);
    const restarted = list(obj, 'status', 'containerStatuses').some((c) => has(c, 'lastState', 'terminated'));
    return health(restarted ? 'Degraded' : 'Progressing', message);
  }
  const policy = str(obj, 'spec', 'restartPolicy');
  if (policy === 'OnFailure' || policy === 'Never') return health('Progressing', message);
  return health('Unknown', message);
}

export function podHealth(obj: KubeObject): HealthStatus {
  if (isLongRunning(obj)) {
    const degraded = waitingErrors(obj);
    if (degraded !== undefined) return degraded;
  }
  const message = str(obj, 'status', 'message');
  switch (str(obj, 'status', 'phase')) {
    case 'Pending':
      return health('Progressing', message);
    case 'Succeeded':
      return health('Healthy', message);
    case 'Failed':
      return failedHealth(obj, message);
    case 'Running':
      return runningHealth(obj, message);
    default:
      return health('Unknown', message);
  }
}
