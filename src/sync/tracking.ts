/**
 * Resource tracking as Argo CD does it with its annotation method, so Spokes and Argo CD identify
 * the same resources: `argocd.argoproj.io/tracking-id: <app>:<group>/<Kind>:<namespace>/<name>`,
 * where `<app>` is the Application's name (or `namespace_name` when the Application lives
 * outside the control-plane namespace) and `<namespace>` is the object's own namespace or, when
 * it sets none (cluster-scoped objects included), the destination namespace. An object counts
 * as the Application's only when the id names the Application and matches the object itself,
 * so an annotation copied onto another object does not make it managed (and pruned).
 */
import type { KubeObject } from '../kube/types.ts';
import { ANNOTATION_TRACKING_ID } from './annotations.ts';
import { groupOf } from '../kube/types.ts';

export const ANNOTATION_INSTALLATION_ID = 'argocd.argoproj.io/installation-id';

export interface TrackingId {
  readonly app: string;
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** The `<app>` part: the name, prefixed `namespace_` outside the control-plane namespace. */
export function instanceName(
  app: { readonly name: string; readonly namespace?: string },
  controlNamespace: string,
): string {
  const ns = app.namespace ?? '';
  return ns === '' || ns === controlNamespace ? app.name : `${ns}_${app.name}`;
}

export function formatTrackingId(id: TrackingId): string {
  return `${id.app}:${id.group}/${id.kind}:${id.namespace}/${id.name}`;
}

/** The id an annotation holds, or undefined when it is not in the `a:g/k:ns/n` shape. */
export function parseTrackingId(value: string): TrackingId | undefined {
  const first = value.indexOf(':');
  const second = value.indexOf(':', first + 1);
  if (first < 0 || second < 0) return undefined;
  const groupKind = value.slice(first + 1, second).split('/');
  const nsName = value.slice(second + 1).split('/');
  if (groupKind.length !== 2 || nsName.length !== 2) return undefined;
  return {
    app: value.slice(0, first),
    group: groupKind[0]!,
    kind: groupKind[1]!,
    namespace: nsName[0]!,
    name: nsName[1]!,
  };
}

/** The id a rendered object gets: its namespace, or the destination namespace when it has none. */
export function trackingIdFor(obj: KubeObject, app: string, destinationNamespace: string): TrackingId {
  return {
    app,
    group: groupOf(obj.apiVersion),
    kind: obj.kind,
    namespace: obj.metadata.namespace || destinationNamespace,
    name: obj.metadata.name,
  };
}

/** A copy of the object carrying the tracking annotation (and no installation id). */
export function withTracking(obj: KubeObject, app: string, destinationNamespace: string): KubeObject {
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  delete annotations[ANNOTATION_INSTALLATION_ID];
  annotations[ANNOTATION_TRACKING_ID] = formatTrackingId(trackingIdFor(obj, app, destinationNamespace));
  return { ...obj, metadata: { ...obj.metadata, annotations } };
}

/** The tracking id on a live object, if any and well-formed. */
export function trackingOf(obj: KubeObject): TrackingId | undefined {
  const value = obj.metadata.annotations?.[ANNOTATION_TRACKING_ID];
  return value === undefined ? undefined : parseTrackingId(value);
}

/** True when the id describes this very object (a cluster-scoped object matches any namespace). */
export function describesObject(obj: KubeObject, id: TrackingId): boolean {
  const ns = obj.metadata.namespace ?? '';
  return (
    (ns === '' || ns === id.namespace) &&
    obj.metadata.name === id.name &&
    groupOf(obj.apiVersion) === id.group &&
    obj.kind === id.kind
  );
}

/** True when a live object is tracked by the Application named `app` (its `instanceName`). */
export function isTrackedBy(obj: KubeObject, app: string): boolean {
  const id = trackingOf(obj);
  return id !== undefined && id.app === app && describesObject(obj, id);
}

/**
 * The namespace an object is applied in: its own or the destination's for namespaced kinds;
 * none for cluster-scoped kinds (whatever the manifest says).
 */
export function applyNamespace(obj: KubeObject, destinationNamespace: string, namespaced: boolean): string {
  return namespaced ? obj.metadata.namespace || destinationNamespace : '';
}

/** The key matching a rendered object to a live one: group/Kind/namespace/name. */
export function resourceKey(obj: KubeObject, namespace: string): string {
  return `${groupOf(obj.apiVersion)}/${obj.kind}/${namespace}/${obj.metadata.name}`;
}
