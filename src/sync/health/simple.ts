/**
 * Health of Service, Ingress, PersistentVolumeClaim, Job, HorizontalPodAutoscaler and Application,
 * following Argo CD's built-in rules.
 */
import type { KubeObject } from '../../kube/types.ts';
import { health, type HealthStatus, type HealthStatusCode } from './types.ts';
import { list, str, type Json } from './fields.ts';

/** A LoadBalancer Service is Progressing until it has an ingress point; any other Service is Healthy. */
export function serviceHealth(obj: KubeObject): HealthStatus {
  if (str(obj, 'spec', 'type') !== 'LoadBalancer') return health('Healthy');
  return health(list(obj, 'status', 'loadBalancer', 'ingress').length > 0 ? 'Healthy' : 'Progressing');
}

/** An Ingress is Healthy once its load balancer reports an ingress point. */
export function ingressHealth(obj: KubeObject): HealthStatus {
  return health(list(obj, 'status', 'loadBalancer', 'ingress').length > 0 ? 'Healthy' : 'Progressing');
}

const PVC_PHASES: Readonly<Record<string, HealthStatusCode>> = {
  Lost: 'Degraded',
  Pending: 'Progressing',
  Bound: 'Healthy',
};

export function pvcHealth(obj: KubeObject): HealthStatus {
  return health(PVC_PHASES[str(obj, 'status', 'phase')] ?? 'Unknown');
}

/** A Job is Progressing until a Complete, Failed or Suspended condition appears (whatever its status). */
export function jobHealth(obj: KubeObject): HealthStatus {
  let failed: string | undefined;
  let complete = false;
  let suspended = false;
  let message = '';
  for (const c of list(obj, 'status', 'conditions')) {
    const type = c['type'];
    if (type === 'Failed') failed = str(c, 'message');
    if (type === 'Complete' || type === 'Suspended') message = str(c, 'message');
    if (type === 'Suspended' && c['status'] === 'True') suspended = true;
    if (type === 'Failed' || type === 'Complete' || type === 'Suspended') complete = true;
  }
  if (!complete) return health('Progressing', message);
  if (failed !== undefined) return health('Degraded', failed);
  return health(suspended ? 'Suspended' : 'Healthy', message);
}

const HPA_DEGRADED: ReadonlySet<string> = new Set([
  'AbleToScale/FailedGetScale',
  'AbleToScale/FailedUpdateScale',
  'ScalingActive/FailedGetResourceMetric',
  'ScalingActive/FailedGetObjectMetric',
  'ScalingActive/FailedGetPodsMetric',
  'ScalingActive/FailedGetExternalMetric',
  'ScalingActive/FailedComputeMetricsReplicas',
  'ScalingActive/InvalidSelector',
]);
const HPA_HEALTHY_TYPES: ReadonlySet<string> = new Set(['AbleToScale', 'ScalingLimited']);
const HPA_WAITING = health('Progressing', 'Waiting to Autoscale');
const HPA_V1_CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';

/** HPA conditions: status.conditions (autoscaling/v2) or the v1 conditions annotation. */
function hpaConditions(obj: KubeObject): Json[] {
  if (obj.apiVersion !== 'autoscaling/v1') return list(obj, 'status', 'conditions');
  const annotation = obj.metadata.annotations?.[HPA_V1_CONDITIONS];
  if (annotation === undefined) return [];
  const parsed: unknown = JSON.parse(annotation);
  if (!Array.isArray(parsed)) throw new Error('not a list');
  return list({ parsed }, 'parsed');
}

export function hpaHealth(obj: KubeObject): HealthStatus {
  let conditions: Json[];
  try {
    conditions = hpaConditions(obj);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return health('Unknown', `failed to convert conditions annotation to typed: ${detail}`);
  }
  const degraded = conditions.find((c) => HPA_DEGRADED.has(`${str(c, 'type')}/${str(c, 'reason')}`));
  if (degraded !== undefined) return health('Degraded', str(degraded, 'message'));
  const healthy = conditions.find((c) => HPA_HEALTHY_TYPES.has(str(c, 'type')) && c['status'] === 'True');
  if (healthy !== undefined) return health('Healthy', str(healthy, 'message'));
  return HPA_WAITING;
}

const KNOWN: ReadonlySet<string> = new Set([
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
]);

/**
 * A child Application (app-of-apps) reports its own `status.health`; Progressing until it has one.
 * Argo CD ships this rule as the documented `argoproj.io_Application` customization.
 */
export function applicationHealth(obj: KubeObject): HealthStatus {
  const status = str(obj, 'status', 'health', 'status');
  if (status === '') return health('Progressing');
  const code = KNOWN.has(status) ? (status as HealthStatusCode) : 'Unknown';
  return health(code, str(obj, 'status', 'health', 'message'));
}
