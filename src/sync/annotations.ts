/**
 * The annotations Argo CD reads on managed resources, and the hook classification built on them
 * (Argo hooks first; Helm hooks only when no Argo hook type is present).
 */
import type { KubeObject } from '../kube/types.ts';

export const ANNOTATION_HOOK = 'argocd.argoproj.io/hook';
export const ANNOTATION_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
export const ANNOTATION_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const ANNOTATION_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const ANNOTATION_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
export const ANNOTATION_IGNORE_HEALTH_CHECK = 'argocd.argoproj.io/ignore-healthcheck';
export const ANNOTATION_IGNORE_RESTART_POLICY = 'argocd.argoproj.io/ignore-restart-policy';
/** On an Application: a user asks for a refresh; removed once done (Argo CD's protocol). */
export const ANNOTATION_REFRESH = 'argocd.argoproj.io/refresh';
export const HELM_HOOK = 'helm.sh/hook';
export const HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';

export type HookType = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail' | 'Skip';

const HOOK_TYPES: ReadonlySet<string> = new Set<HookType>([
  'PreSync',
  'Sync',
  'PostSync',
  'SyncFail',
  'Skip',
]);
const HELM_HOOK_TYPES: Readonly<Record<string, HookType>> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};

/** The comma-separated values of an annotation, trimmed, empty ones dropped, first occurrence kept. */
export function annotationValues(obj: KubeObject, key: string): string[] {
  const raw = obj.metadata.annotations?.[key] ?? '';
  const values: string[] = [];
  for (const part of raw.split(',')) {
    const value = part.trim();
    if (value !== '' && !values.includes(value)) values.push(value);
  }
  return values;
}

/** The hook types an object declares: Argo's annotation, else Helm's (mapped to Argo's phases). */
export function hookTypes(obj: KubeObject): HookType[] {
  const argo = annotationValues(obj, ANNOTATION_HOOK).filter((t): t is HookType => HOOK_TYPES.has(t));
  if (argo.length > 0) return argo;
  const helm: HookType[] = [];
  for (const t of annotationValues(obj, HELM_HOOK)) {
    const mapped = HELM_HOOK_TYPES[t];
    if (mapped !== undefined) helm.push(mapped);
  }
  return helm;
}

/** True when the object's only hook type is `Skip`: it is neither synced nor assessed. */
export function isSkipped(obj: KubeObject): boolean {
  const types = hookTypes(obj);
  return types.length === 1 && types[0] === 'Skip';
}

/** True for hook resources (Argo or Helm); Helm's `crd-install` marks CRDs, which are not hooks. */
export function isHook(obj: KubeObject): boolean {
  const annotations = obj.metadata.annotations ?? {};
  if (ANNOTATION_HOOK in annotations) return !isSkipped(obj);
  const helm = annotations[HELM_HOOK];
  return helm !== undefined && helm !== 'crd-install';
}

/** A hook annotation with no type Spokes knows: Argo ignores such resources altogether. */
export function isIgnored(obj: KubeObject): boolean {
  return isHook(obj) && hookTypes(obj).length === 0;
}
