/**
 * Rendered manifests made ready to apply: each object's resource type found by API discovery (or
 * from a CRD in the same render, for kinds it defines), the destination namespace given to
 * namespaced objects that set none (and taken from cluster-scoped ones), and the tracking
 * annotation that marks it as the Application's.
 */
import { SpokesError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import type { KubeObject, ResourceType } from '../kube/types.ts';
import { groupOf } from '../kube/types.ts';
import { hashOf } from './diff.ts';
import { applyNamespace, resourceKey, withTracking } from './tracking.ts';

export interface Target {
  readonly key: string;
  readonly type: ResourceType;
  readonly obj: KubeObject;
  /** The type is defined by a CRD in this render and not served yet (dry runs skip it). */
  readonly pendingCrd: boolean;
  readonly hash: string;
}

interface CrdNames {
  readonly plural: string;
  readonly namespaced: boolean;
  readonly versions: readonly string[];
}

/** Kinds defined by CustomResourceDefinitions in the render: `group/Kind` → names. */
function crdsIn(objects: readonly KubeObject[]): Map<string, CrdNames> {
  const found = new Map<string, CrdNames>();
  for (const obj of objects) {
    if (obj.kind !== 'CustomResourceDefinition' || groupOf(obj.apiVersion) !== 'apiextensions.k8s.io')
      continue;
    const spec = (obj['spec'] ?? {}) as {
      group?: string;
      scope?: string;
      names?: { kind?: string; plural?: string };
      versions?: { name?: string }[];
    };
    if (spec.group === undefined || spec.names?.kind === undefined || spec.names.plural === undefined)
      continue;
    found.set(`${spec.group}/${spec.names.kind}`, {
      plural: spec.names.plural,
      namespaced: spec.scope !== 'Cluster',
      versions: (spec.versions ?? []).flatMap((v) => (v.name === undefined ? [] : [v.name])),
    });
  }
  return found;
}

async function typeOf(
  client: KubeClient,
  obj: KubeObject,
  crds: Map<string, CrdNames>,
): Promise<{ type: ResourceType; pendingCrd: boolean }> {
  try {
    return { type: await client.resourceFor(obj.apiVersion, obj.kind), pendingCrd: false };
  } catch (err) {
    const group = groupOf(obj.apiVersion);
    const crd = crds.get(`${group}/${obj.kind}`);
    if (!isNotFound(err) || crd === undefined) {
      if (isNotFound(err)) {
        throw new SpokesError(
          'InvalidManifest',
          `${obj.kind} ${obj.metadata.name}: the cluster serves no kind ${obj.kind} in ${obj.apiVersion}`,
        );
      }
      throw err;
    }
    const version = obj.apiVersion.slice(obj.apiVersion.indexOf('/') + 1);
    return {
      type: { group, version, kind: obj.kind, plural: crd.plural, namespaced: crd.namespaced },
      pendingCrd: true,
    };
  }
}

/**
 * The render's objects as apply targets, in render order; a later duplicate replaces an earlier one
 * (as Argo CD keeps the last), and `onRepeated` hears of each duplicated key and its count.
 */
export async function prepareTargets(
  client: KubeClient,
  objects: readonly KubeObject[],
  app: {
    readonly instance: string;
    readonly namespace: string;
    readonly onRepeated?: (key: string, count: number) => void;
  },
): Promise<Target[]> {
  const crds = crdsIn(objects);
  const byKey = new Map<string, Target>();
  const counts = new Map<string, number>();
  for (const obj of objects) {
    if (typeof obj.metadata?.name !== 'string' || obj.metadata.name === '') {
      if (typeof obj.metadata?.generateName !== 'string') {
        throw new SpokesError('InvalidManifest', `${obj.kind}: metadata.name is required`);
      }
    }
    const { type, pendingCrd } = await typeOf(client, obj, crds);
    const namespace = applyNamespace(obj, app.namespace, type.namespaced);
    const placed: KubeObject = {
      ...obj,
      metadata: { ...obj.metadata, ...(namespace === '' ? {} : { namespace }) },
    };
    if (namespace === '') delete (placed.metadata as { namespace?: string }).namespace;
    const tracked = withTracking(placed, app.instance, app.namespace);
    const key = resourceKey(tracked, namespace);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    byKey.delete(key);
    byKey.set(key, { key, type, obj: tracked, pendingCrd, hash: hashOf(tracked) });
  }
  for (const [key, count] of counts) if (count > 1) app.onRepeated?.(key, count);
  return [...byKey.values()];
}

/** The key of a live object (same shape as a target's). */
export function liveKey(obj: KubeObject): string {
  return resourceKey(obj, obj.metadata.namespace ?? '');
}
