/**
 * An Application's comparison: its rendered targets against the live objects on its spoke, giving
 * each resource's sync status and health, the resources to prune, and the Application's overall
 * sync status and health. Live objects come from the spoke's informer cache (no request), and
 * objects just applied by an operation override older cached copies.
 */
import type { KubeObject, ResourceType } from '../kube/types.ts';
import { isHook } from './annotations.ts';
import type { DiffCache } from './diff.ts';
import { withIgnoredFromLive, type ResourceIgnoreRule } from '../ignore-differences.ts';
import { hashOf, isSubset, sameAsLive } from './diff.ts';
import { aggregateHealth, type HealthStatus, type ManagedResource } from './health/index.ts';
import { groupOf } from '../kube/types.ts';
import type { ClusterCache } from './live-cache.ts';
import { FIELD_MANAGER } from './operation.ts';
import type { StatusResource } from './status.ts';
import { liveKey, type Target } from './targets.ts';
import { isTrackedBy } from './tracking.ts';

export interface ResourceState {
  readonly key: string;
  readonly type: ResourceType;
  readonly target?: Target;
  readonly live?: KubeObject;
  readonly status: 'Synced' | 'OutOfSync';
  readonly health?: HealthStatus;
  readonly requiresPruning: boolean;
}

export interface Comparison {
  readonly status: 'Synced' | 'OutOfSync';
  readonly resources: readonly ResourceState[];
  readonly health: { readonly status: string; readonly message?: string };
  /** Keys of non-hook targets that differ from live. */
  readonly outOfSync: ReadonlySet<string>;
  readonly orphans: readonly { readonly type: ResourceType; readonly obj: KubeObject }[];
}

export interface CompareInput {
  readonly instance: string;
  readonly self: { readonly namespace: string; readonly name: string };
  readonly targets: readonly Target[];
  readonly cache: ClusterCache;
  readonly ignore: readonly ResourceIgnoreRule[];
  readonly diffCache: DiffCache;
  /** Target hash last applied per resource key (a changed target may drop fields: dry-run it). */
  readonly lastApplied: ReadonlyMap<string, string>;
  readonly overrides?: {
    readonly applied: ReadonlyMap<string, KubeObject>;
    readonly pruned: ReadonlySet<string>;
  };
}

function newest(a: KubeObject | undefined, b: KubeObject | undefined): KubeObject | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return Number(a.metadata.resourceVersion ?? 0) >= Number(b.metadata.resourceVersion ?? 0) ? a : b;
}

export async function compareApp(input: CompareInput): Promise<Comparison> {
  const { cache, targets, overrides } = input;
  const states: ResourceState[] = [];
  const outOfSync = new Set<string>();
  const targetKeys = new Set(targets.map((t) => t.key));
  await Promise.all(
    targets.map(async (target) => {
      if (isHook(target.obj)) return;
      const cached = cache.get(target.type, target.obj.metadata.namespace ?? '', target.obj.metadata.name);
      const live = overrides?.pruned.has(target.key)
        ? undefined
        : newest(cached, overrides?.applied.get(target.key));
      const inSync = live !== undefined && (await isInSync(target, live, input));
      if (!inSync) outOfSync.add(target.key);
      states.push({
        key: target.key,
        type: target.type,
        target,
        ...(live === undefined ? {} : { live }),
        status: inSync ? 'Synced' : 'OutOfSync',
        requiresPruning: false,
      });
    }),
  );
  const orphans = cache
    .trackedBy(input.instance)
    .filter(({ obj }) => isTrackedBy(obj, input.instance) && !isHook(obj))
    .filter(({ obj }) => !targetKeys.has(liveKey(obj)) && !overrides?.pruned.has(liveKey(obj)));
  for (const { type, obj } of orphans) {
    states.push({ key: liveKey(obj), type, live: obj, status: 'OutOfSync', requiresPruning: true });
  }
  states.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const managed: ManagedResource[] = states.map((s) => ({
    group: s.type.group,
    kind: s.type.kind,
    namespace: s.live?.metadata.namespace ?? s.target?.obj.metadata.namespace ?? '',
    name: s.live?.metadata.name ?? s.target?.obj.metadata.name ?? '',
    ...(s.target ? { target: s.target.obj } : {}),
    ...(s.live ? { live: s.live } : {}),
  }));
  const health = aggregateHealth(managed, input.self);
  const resources = states.map((s, i) => {
    const h = health.resources[i];
    return h === undefined ? s : { ...s, health: h };
  });
  return {
    status: outOfSync.size > 0 || orphans.length > 0 ? 'OutOfSync' : 'Synced',
    resources,
    health: { status: health.status, ...(health.message ? { message: health.message } : {}) },
    outOfSync,
    orphans,
  };
}

async function isInSync(target: Target, live: KubeObject, input: CompareInput): Promise<boolean> {
  const want = withIgnoredFromLive(target.obj, live, input.ignore);
  const last = input.lastApplied.get(target.key);
  if ((last === undefined || last === target.hash) && isSubset(want, live)) return true;
  const wantHash = want === target.obj ? target.hash : hashOf(want);
  const known = input.diffCache.get(wantHash, live);
  if (known !== undefined) return known;
  if (target.pendingCrd) return false;
  let verdict: boolean;
  try {
    const dryRun = await input.cache.client.patch<KubeObject>(
      target.type,
      { namespace: target.obj.metadata.namespace, name: target.obj.metadata.name },
      want,
      { type: 'apply', fieldManager: FIELD_MANAGER, force: true, dryRun: true },
    );
    verdict = sameAsLive(dryRun, live);
  } catch {
    // A target the apiserver rejects is not in sync; the sync operation reports why.
    verdict = false;
  }
  input.diffCache.set(wantHash, live, verdict);
  return verdict;
}

export function resourceStatusEntry(state: ResourceState): StatusResource & Record<string, unknown> {
  const obj = state.live ?? state.target!.obj;
  return {
    group: groupOf(obj.apiVersion),
    version: state.type.version,
    kind: state.type.kind,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    name: obj.metadata.name,
    status: state.status,
    ...(state.health ? { health: { ...state.health } } : {}),
    ...(state.requiresPruning ? { requiresPruning: true } : {}),
  };
}
