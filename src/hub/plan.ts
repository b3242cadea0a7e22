/**
 * What a reconcile should do to the hub, decided without touching it: the ApplicationSet's
 * generated Applications against the live ones. Pure, so every policy and preservation rule is
 * unit-tested; the controller only carries the actions out.
 */
import isEqual from 'lodash/isEqual.js';
import type { Application } from '../api/application.ts';
import type { ApplicationsSyncPolicy } from '../api/applicationset.ts';
import type { KubeObject, OwnerReference } from '../kube/types.ts';
import { compileIgnoreRules, type IgnoreRule } from '../ignore-differences.ts';

/** Live Applications as the hub has them (with resourceVersion, ownerReferences, status). */
export type LiveApplication = Application & KubeObject;

/** A generated Application with its ownerReference to the ApplicationSet. */
export type OwnedApplication = Application & { metadata: { ownerReferences: OwnerReference[] } };

export interface AppSetIdentity {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
}

export interface PlanInput {
  readonly appSet: AppSetIdentity;
  readonly desired: readonly Application[];
  /** Live Applications in the ApplicationSet's namespace: those it owns and those sharing a desired name. */
  readonly live: readonly LiveApplication[];
  readonly policy: Permissions;
  readonly preservedAnnotations?: readonly string[];
  readonly preservedLabels?: readonly string[];
  readonly ignoreDifferences?: readonly IgnoreRule[];
}

export type Action =
  | {
      readonly kind: 'create';
      readonly app: Application & { metadata: { ownerReferences: OwnerReference[] } };
    }
  | { readonly kind: 'update'; readonly app: LiveApplication }
  | { readonly kind: 'delete'; readonly app: LiveApplication }
  /** A live Application with a desired name that this ApplicationSet does not own: left alone. */
  | { readonly kind: 'conflict'; readonly name: string; readonly owner: string };

export interface Permissions {
  readonly update: boolean;
  readonly delete: boolean;
}

const POLICY_PERMISSIONS: Readonly<Record<ApplicationsSyncPolicy, Permissions>> = {
  'create-only': { update: false, delete: false },
  'create-update': { update: true, delete: false },
  'create-delete': { update: false, delete: true },
  sync: { update: true, delete: true },
};

/** The controller's policy and the ApplicationSet's own: each permission only when both grant it. */
export function effectivePermissions(
  controller: ApplicationsSyncPolicy,
  appSet: ApplicationsSyncPolicy | undefined,
): Permissions {
  const a = POLICY_PERMISSIONS[controller];
  const b = POLICY_PERMISSIONS[appSet ?? 'sync'];
  return { update: a.update && b.update, delete: a.delete && b.delete };
}

/** Annotations Argo CD always keeps on update (notifications state, refresh and hydrate requests). */
export const ALWAYS_PRESERVED_ANNOTATIONS = [
  'notified.notifications.argoproj.io',
  'argocd.argoproj.io/refresh',
  'argocd.argoproj.io/hydrate',
];
/** Finalizers (by prefix) that belong to a deletion in progress, kept on update. */
const PRESERVED_FINALIZER_PREFIXES = [
  'pre-delete-finalizer.argocd.argoproj.io',
  'post-delete-finalizer.argocd.argoproj.io',
];

export function ownerReferenceFor(appSet: AppSetIdentity): OwnerReference {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    name: appSet.name,
    uid: appSet.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The ApplicationSet that controls `app`, as "kind name", or undefined. */
export function controllerOf(app: KubeObject): OwnerReference | undefined {
  return app.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

export function isOwnedBy(app: KubeObject, appSet: AppSetIdentity): boolean {
  const owner = controllerOf(app);
  return owner !== undefined && owner.kind === 'ApplicationSet' && owner.uid === appSet.uid;
}

export function planReconcile(input: PlanInput): Action[] {
  const liveByName = new Map(input.live.map((app) => [app.metadata.name, app]));
  const keepLive = compileIgnoreRules(input.ignoreDifferences ?? []);
  const actions: Action[] = [];
  const desiredNames = new Set<string>();
  for (const desired of input.desired) {
    desiredNames.add(desired.metadata.name);
    const live = liveByName.get(desired.metadata.name);
    if (live?.metadata.deletionTimestamp !== undefined) {
      // Still being deleted (its finalizer waits for the resources to go): recreated once it is gone.
      continue;
    } else if (live === undefined) {
      actions.push({ kind: 'create', app: withOwner(desired, input.appSet) });
    } else if (!isOwnedBy(live, input.appSet)) {
      const owner = controllerOf(live);
      actions.push({
        kind: 'conflict',
        name: live.metadata.name,
        owner: owner ? `${owner.kind} ${owner.name}` : 'nobody',
      });
    } else if (input.policy.update) {
      const updated = mergeIntoLive(desired, live, input);
      const normalized = keepLive(updated, live, live.metadata.name) as LiveApplication;
      if (!sameManagedFields(normalized, live)) actions.push({ kind: 'update', app: normalized });
    }
  }
  if (input.policy.delete) {
    for (const live of input.live) {
      const stale = !desiredNames.has(live.metadata.name) && isOwnedBy(live, input.appSet);
      if (stale && live.metadata.deletionTimestamp === undefined) actions.push({ kind: 'delete', app: live });
    }
  }
  return actions;
}

function withOwner(
  app: Application,
  appSet: AppSetIdentity,
): Action & { kind: 'create' } extends { app: infer A } ? A : never {
  return { ...app, metadata: { ...app.metadata, ownerReferences: [ownerReferenceFor(appSet)] } };
}

/** The live object with everything the ApplicationSet manages taken from `desired`, preserved fields kept. */
function mergeIntoLive(desired: Application, live: LiveApplication, input: PlanInput): LiveApplication {
  const keepAnnotations = [...(input.preservedAnnotations ?? []), ...ALWAYS_PRESERVED_ANNOTATIONS];
  const annotations = withLiveKeys(desired.metadata.annotations, live.metadata.annotations, keepAnnotations);
  const labels = withLiveKeys(desired.metadata.labels, live.metadata.labels, input.preservedLabels ?? []);
  const finalizers = [
    ...(desired.metadata.finalizers ?? []),
    ...(live.metadata.finalizers ?? []).filter((f) =>
      PRESERVED_FINALIZER_PREFIXES.some((p) => f.startsWith(p)),
    ),
  ];
  const metadata = { ...live.metadata };
  setOrDelete(metadata, 'annotations', Object.keys(annotations).length > 0 ? annotations : undefined);
  setOrDelete(metadata, 'labels', Object.keys(labels).length > 0 ? labels : undefined);
  setOrDelete(metadata, 'finalizers', finalizers.length > 0 ? finalizers : undefined);
  const others = (live.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== input.appSet.uid);
  metadata.ownerReferences = [...others, ownerReferenceFor(input.appSet)];
  const merged: LiveApplication = { ...live, metadata, spec: desired.spec };
  if (desired.operation !== undefined) merged.operation = desired.operation;
  return merged;
}

/** `desired` plus the live values of the `keep` keys. */
function withLiveKeys(
  desired: Readonly<Record<string, string>> | undefined,
  live: Readonly<Record<string, string>> | undefined,
  keep: readonly string[],
): Record<string, string> {
  const out = { ...desired };
  for (const key of keep) {
    const value = live?.[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function setOrDelete<K extends string>(target: Partial<Record<K, unknown>>, key: K, value: unknown): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

function sameManagedFields(a: LiveApplication, b: LiveApplication): boolean {
  return (
    isEqual(a.spec, b.spec) &&
    isEqual(a.operation, b.operation) &&
    isEqual(a.metadata.labels ?? {}, b.metadata.labels ?? {}) &&
    isEqual(a.metadata.annotations ?? {}, b.metadata.annotations ?? {}) &&
    isEqual(a.metadata.finalizers ?? [], b.metadata.finalizers ?? []) &&
    isEqual(a.metadata.ownerReferences ?? [], b.metadata.ownerReferences ?? [])
  );
}
