/**
 * Resource health (Argo CD's built-in checks) and its aggregation into an Application's health.
 */
import { groupOf, type KubeObject } from '../../kube/types.ts';
import {
  ANNOTATION_IGNORE_HEALTH_CHECK,
  HOOK_FINALIZER,
  isHook,
  isIgnored,
  isSkipped,
} from '../annotations.ts';
import { podHealth } from './pod.ts';
import {
  applicationHealth,
  hpaHealth,
  ingressHealth,
  jobHealth,
  pvcHealth,
  serviceHealth,
} from './simple.ts';
import { daemonSetHealth, deploymentHealth, replicaSetHealth, statefulSetHealth } from './workloads.ts';
import { health, isWorse, type HealthStatus, type HealthStatusCode } from './types.ts';

export { HEALTH_ORDER, isWorse, type HealthStatus, type HealthStatusCode } from './types.ts';

type Check = (obj: KubeObject) => HealthStatus;

/** Built-in checks by `group/kind` (core group: empty). */
const CHECKS: ReadonlyMap<string, Check> = new Map<string, Check>([
  ['apps/Deployment', deploymentHealth],
  ['apps/StatefulSet', statefulSetHealth],
  ['apps/DaemonSet', daemonSetHealth],
  ['apps/ReplicaSet', replicaSetHealth],
  ['/Pod', podHealth],
  ['/Service', serviceHealth],
  ['/PersistentVolumeClaim', pvcHealth],
  ['networking.k8s.io/Ingress', ingressHealth],
  ['extensions/Ingress', ingressHealth],
  ['batch/Job', jobHealth],
  ['autoscaling/HorizontalPodAutoscaler', hpaHealth],
  ['argoproj.io/Application', applicationHealth],
]);

/**
 * The health of one live object, or undefined when no check applies (such objects do not affect the
 * Application). An object being deleted is Progressing, unless only a hook finalizer holds it.
 */
export function resourceHealth(obj: KubeObject): HealthStatus | undefined {
  const finalizers = obj.metadata.finalizers ?? [];
  if (obj.metadata.deletionTimestamp !== undefined && !finalizers.includes(HOOK_FINALIZER)) {
    return health('Progressing', 'Pending deletion');
  }
  const check = CHECKS.get(`${groupOf(obj.apiVersion)}/${obj.kind}`);
  if (check === undefined) return undefined;
  try {
    return check(obj);
  } catch (err) {
    return health('Unknown', err instanceof Error ? err.message : String(err));
  }
}

/** One managed resource: what git renders (`target`) and what the cluster has (`live`). */
export interface ManagedResource {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly target?: KubeObject;
  readonly live?: KubeObject;
}

export interface AppHealth {
  readonly status: HealthStatusCode;
  /** "Caused by group/Kind:ns/name, …" when not Healthy and a resource is to blame. */
  readonly message?: string;
  /** Per-resource health, index-aligned with the input; undefined where none was assessed. */
  readonly resources: readonly (HealthStatus | undefined)[];
}

const MAX_CAUSES = 3;

interface Assessed {
  readonly res: ManagedResource;
  readonly health: HealthStatus;
}

/** True for resources that take no part in health: skipped or hook resources. */
function excluded(res: ManagedResource): boolean {
  if (res.target !== undefined && isSkipped(res.target)) return true;
  return res.live !== undefined && (isHook(res.live) || isIgnored(res.live));
}

function assess(res: ManagedResource, selfKey: string | undefined): HealthStatus | undefined {
  if (res.live === undefined) return health('Missing');
  if (res.live.metadata.annotations?.[ANNOTATION_IGNORE_HEALTH_CHECK] === 'true') return undefined;
  if (selfKey !== undefined && keyOf(res) === selfKey) return undefined;
  return resourceHealth(res.live);
}

/** Whether an assessed resource moves the Application's health (Missing never does; a child app's Unknown neither). */
function counts(a: Assessed): boolean {
  if (a.health.status === 'Missing') return false;
  const childApp = a.res.group === 'argoproj.io' && a.res.kind === 'Application';
  return !(childApp && a.health.status === 'Unknown');
}

function keyOf(res: { group: string; kind: string; namespace: string; name: string }): string {
  return `${res.group}/${res.kind}/${res.namespace}/${res.name}`;
}

/**
 * The Application's health: the worst of its resources' (Argo's order), skipping hooks, resources
 * marked ignore-healthcheck and the Application itself (`self`, for an app that manages itself).
 * Missing resources show per resource but leave the aggregate alone, unless nothing rendered exists
 * live at all, when the Application is Missing.
 */
export function aggregateHealth(
  resources: readonly ManagedResource[],
  self?: { namespace: string; name: string },
): AppHealth {
  const selfKey =
    self === undefined ? undefined : keyOf({ group: 'argoproj.io', kind: 'Application', ...self });
  const perResource: (HealthStatus | undefined)[] = [];
  let status: HealthStatusCode = 'Healthy';
  let causes: ManagedResource[] = [];
  let anyResource = false;
  let anyLive = false;
  for (const res of resources) {
    if (excluded(res)) {
      perResource.push(undefined);
      continue;
    }
    anyResource = true;
    anyLive ||= res.live !== undefined;
    const h = assess(res, selfKey);
    perResource.push(h);
    if (h === undefined || !counts({ res, health: h })) continue;
    if (isWorse(status, h.status)) {
      status = h.status;
      causes = [res];
    } else if (status === h.status && status !== 'Healthy') {
      causes.push(res);
    }
  }
  if (anyResource && !anyLive && isWorse(status, 'Missing'))
    return { status: 'Missing', resources: perResource };
  const message = formatCauses(causes);
  return message === undefined
    ? { status, resources: perResource }
    : { status, message, resources: perResource };
}

function formatCauses(causes: readonly ManagedResource[]): string | undefined {
  if (causes.length === 0) return undefined;
  const shown = causes.slice(0, MAX_CAUSES).map((c) => {
    const gk = c.group === '' ? c.kind : `${c.group}/${c.kind}`;
    const name = c.namespace === '' ? c.name : `${c.namespace}/${c.name}`;
    return `${gk}:${name}`;
  });
  const more = causes.length > MAX_CAUSES ? ` and ${causes.length - MAX_CAUSES} more` : '';
  return `Caused by ${shown.join(', ')}${more}`;
}
