/**
 * The order a sync applies things in, as Argo CD's sync engine orders its tasks: by phase
 * (PreSync, Sync, PostSync, SyncFail), then wave (`argocd.argoproj.io/sync-wave`, else Helm's
 * `helm.sh/hook-weight`, else 0), then kind (Namespaces, then policies, accounts, config, storage,
 * CRDs, RBAC, Services, workloads, ... and unknown kinds last), then name. Afterwards a Namespace is
 * moved up to just before the first task in it, and a CRD to just before the first custom
 * resource of its kind, taking that task's phase and wave, so neither is ever applied too late.
 */
import type { KubeObject } from '../kube/types.ts';
import { ANNOTATION_SYNC_WAVE, hookTypes, isHook, isSkipped, type HookType } from './annotations.ts';
import { groupOf } from '../kube/types.ts';

export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';

const PHASE_ORDER: Readonly<Record<SyncPhase, number>> = { PreSync: -1, Sync: 0, PostSync: 1, SyncFail: 2 };

const KINDS = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];
/** Listed kinds rank below zero in list order; any other kind ranks 0 (after them all). */
const KIND_ORDER: ReadonlyMap<string, number> = new Map(KINDS.map((kind, i) => [kind, i - KINDS.length]));

export interface SyncTask {
  readonly phase: SyncPhase;
  readonly wave: number;
  /** The object to apply (target) or, for a prune, the live object. */
  readonly obj: KubeObject;
  /** True when the task deletes a live object that is no longer rendered. */
  readonly prune: boolean;
}

function integer(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?\d+$/.test(text.trim())) return undefined;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/** An object's wave: the sync-wave annotation, else Helm's hook weight, else 0. */
export function waveOf(obj: KubeObject): number {
  const annotations = obj.metadata.annotations ?? {};
  return integer(annotations[ANNOTATION_SYNC_WAVE]) ?? integer(annotations['helm.sh/hook-weight']) ?? 0;
}

/** One task per phase an object takes part in: Sync for resources, each hook type for hooks (Skip none). */
export function tasksFor(obj: KubeObject, prune = false): SyncTask[] {
  if (isSkipped(obj)) return [];
  const wave = waveOf(obj);
  if (!isHook(obj)) return [{ phase: 'Sync', wave, obj, prune }];
  return hookTypes(obj)
    .filter((t): t is Exclude<HookType, 'Skip'> => t !== 'Skip')
    .map((phase) => ({ phase, wave, obj, prune }));
}

function compare(a: SyncTask, b: SyncTask): number {
  return (
    PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] ||
    a.wave - b.wave ||
    (KIND_ORDER.get(a.obj.kind) ?? 0) - (KIND_ORDER.get(b.obj.kind) ?? 0) ||
    (a.obj.metadata.name < b.obj.metadata.name ? -1 : a.obj.metadata.name > b.obj.metadata.name ? 1 : 0)
  );
}

type KeyOf = (obj: KubeObject) => string | undefined;

/**
 * Moves each dependency (a task `isDep` keys) to just before the first task that refers to its key
 * (`refersTo`), giving it that task's phase and wave. Prune tasks neither move nor count.
 */
function adjustDependencies(tasks: SyncTask[], isDep: KeyOf, refersTo: KeyOf): void {
  const firstUse = new Map<string, number>();
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    if (task.prune) continue;
    const depKey = isDep(task.obj);
    if (depKey !== undefined) {
      const index = firstUse.get(depKey);
      if (index === undefined) continue;
      const user = tasks[index]!;
      tasks.splice(i, 1);
      tasks.splice(index, 0, { ...task, phase: user.phase, wave: user.wave });
      for (const [key, at] of firstUse) if (at >= index) firstUse.set(key, at + 1);
      continue;
    }
    const refKey = refersTo(task.obj);
    if (refKey !== undefined && !firstUse.has(refKey)) firstUse.set(refKey, i);
  }
}

const namespaceDep: KeyOf = (obj) =>
  obj.kind === 'Namespace' && groupOf(obj.apiVersion) === '' ? obj.metadata.name : undefined;
const inNamespace: KeyOf = (obj) => obj.metadata.namespace || undefined;

function crdDep(obj: KubeObject): string | undefined {
  if (obj.kind !== 'CustomResourceDefinition' || groupOf(obj.apiVersion) !== 'apiextensions.k8s.io')
    return undefined;
  const spec = obj['spec'] as { group?: unknown; names?: { kind?: unknown } } | undefined;
  const group = spec?.group;
  const kind = spec?.names?.kind;
  return typeof group === 'string' && typeof kind === 'string' ? `${group}/${kind}` : undefined;
}
const groupKind: KeyOf = (obj) => `${groupOf(obj.apiVersion)}/${obj.kind}`;

/** The tasks in Argo CD's order (a new array). */
export function orderTasks(tasks: readonly SyncTask[]): SyncTask[] {
  const sorted = [...tasks].sort(compare);
  adjustDependencies(sorted, namespaceDep, inNamespace);
  adjustDependencies(sorted, crdDep, groupKind);
  return sorted;
}

export interface WaveGroup {
  readonly phase: SyncPhase;
  readonly wave: number;
  readonly tasks: readonly SyncTask[];
}

/** Ordered tasks cut into consecutive (phase, wave) groups: each group waits for the one before. */
export function groupWaves(ordered: readonly SyncTask[]): WaveGroup[] {
  const groups: { phase: SyncPhase; wave: number; tasks: SyncTask[] }[] = [];
  for (const task of ordered) {
    const last = groups.at(-1);
    if (last !== undefined && last.phase === task.phase && last.wave === task.wave) last.tasks.push(task);
    else groups.push({ phase: task.phase, wave: task.wave, tasks: [task] });
  }
  return groups;
}
