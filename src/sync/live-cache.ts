/**
 * The live state of one spoke: an informer per resource type the Applications on it use (started
 * on first use, cluster-wide; in namespaced mode one per managed namespace, and cluster-scoped
 * types only with clusterResources), and an index of live objects by the Application that tracks
 * them. Every change to a tracked object is reported, which is what self-heal and health updates
 * run on.
 */
import type { KubeClient } from '../kube/client.ts';
import { Informer } from '../kube/informer.ts';
import { type KubeObject, type ResourceType } from '../kube/types.ts';
import type { Logger } from '../log.ts';
import type { ClusterScope } from './destinations.ts';
import { trackingOf } from './tracking.ts';

export type TrackedChange = (app: string, obj: KubeObject) => void;

export interface ClusterCacheEvents {
  /** A tracked object changed: the Application (instance name) it belongs to. */
  readonly onChange: TrackedChange;
  /** The cluster stopped answering (some watch is failing) or answers again. */
  readonly onReachability?: (reachable: boolean) => void;
  /** A watch event was processed (any object, tracked or not): `argocd_cluster_events_total`. */
  readonly onEvent?: (type: ResourceType) => void;
}

/** How long a first list may take before the cluster counts as unreachable for this reconcile. */
const SYNC_TIMEOUT_MS = 10_000;

export class ClusterUnreachableError extends Error {
  override readonly name = 'ClusterUnreachableError';
}

export function typeKey(type: ResourceType): string {
  return `${type.group}/${type.version}/${type.plural}`;
}

interface Watched {
  readonly type: ResourceType;
  /** One cluster-wide, one per managed namespace (namespaced mode), or none (not managed). */
  readonly informers: readonly Informer<KubeObject>[];
}

export class ClusterCache {
  readonly client: KubeClient;
  readonly scope: ClusterScope | undefined;
  readonly #log: Logger;
  readonly #events: ClusterCacheEvents;
  #reachable = true;
  readonly #informers = new Map<string, Watched>();
  /** app instance name → type key → object key → live object. */
  readonly #byApp = new Map<string, Map<string, Map<string, KubeObject>>>();

  constructor(client: KubeClient, log: Logger, events: ClusterCacheEvents, scope?: ClusterScope) {
    this.client = client;
    this.scope = scope;
    this.#log = log;
    this.#events = events;
  }

  /** Starts watching these types (if not yet) and waits for their first lists. */
  async watch(types: readonly ResourceType[]): Promise<void> {
    if (this.#informers.size === 0) this.#learnVersion();
    const waits = types.flatMap((type) => this.#watchedFor(type).informers.map((i) => i.synced));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ClusterUnreachableError(`${this.client.server}: no answer to list/watch`)),
        SYNC_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([Promise.all(waits), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * False when a watch of any of these types (default: every type watched) is failing: what the
   * cache holds of them may be stale. A watch still in its first list is not failing.
   */
  reachable(types?: readonly ResourceType[]): boolean {
    const keys = types === undefined ? [...this.#informers.keys()] : types.map(typeKey);
    return keys.every((key) => !(this.#informers.get(key)?.informers ?? []).some((i) => i.failing));
  }

  /** The apiserver's version (gitVersion), learnt on the first watch; empty until then. */
  k8sVersion = '';

  /** How many objects the cache holds. */
  get objectCount(): number {
    let count = 0;
    for (const { informers } of this.#informers.values()) for (const i of informers) count += i.size;
    return count;
  }

  /** The types watched so far. */
  get types(): ResourceType[] {
    return [...this.#informers.values()].map((entry) => entry.type);
  }

  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    for (const informer of this.#informers.get(typeKey(type))?.informers ?? []) {
      const found = informer.get(type.namespaced ? namespace : undefined, name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Every live object whose tracking id names `app`, with its type. */
  trackedBy(app: string): { type: ResourceType; obj: KubeObject }[] {
    const found: { type: ResourceType; obj: KubeObject }[] = [];
    for (const [key, objects] of this.#byApp.get(app) ?? []) {
      const type = this.#informers.get(key)?.type;
      if (type !== undefined) for (const obj of objects.values()) found.push({ type, obj });
    }
    return found;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.#informers.values()].flatMap(({ informers }) => informers.map((i) => i.stop())),
    );
    this.#informers.clear();
    this.#byApp.clear();
  }

  /** The list scopes of a type: cluster-wide, each managed namespace, or none (not managed). */
  #listScopes(type: ResourceType): { namespace?: string }[] {
    if (this.scope === undefined) return [{}];
    if (type.namespaced) return this.scope.namespaces.map((namespace) => ({ namespace }));
    return this.scope.clusterResources ? [{}] : [];
  }

  #watchedFor(type: ResourceType): Watched {
    const key = typeKey(type);
    const existing = this.#informers.get(key);
    if (existing !== undefined) return existing;
    const watched = {
      type,
      informers: this.#listScopes(type).map((scope) => this.#startInformer(key, type, scope)),
    };
    this.#informers.set(key, watched);
    return watched;
  }

  #startInformer(key: string, type: ResourceType, scope: { namespace?: string }): Informer<KubeObject> {
    const informer = new Informer<KubeObject>(this.client, type, scope, this.#log);
    const index = (obj: KubeObject, old?: KubeObject): void => {
      if (old !== undefined) this.#unindex(key, old);
      const app = trackingOf(obj)?.app;
      if (app === undefined) return;
      let types = this.#byApp.get(app);
      if (types === undefined) this.#byApp.set(app, (types = new Map<string, Map<string, KubeObject>>()));
      let objects = types.get(key);
      if (objects === undefined) types.set(key, (objects = new Map<string, KubeObject>()));
      objects.set(objectKeyOf(obj), obj);
    };
    const report = (obj: KubeObject, old?: KubeObject): void => {
      this.#events.onEvent?.(type);
      for (const o of old === undefined ? [obj] : [obj, old]) {
        const app = trackingOf(o)?.app;
        if (app !== undefined) this.#events.onChange(app, o);
      }
    };
    informer.on({
      add: (obj) => {
        index(obj);
        report(obj);
      },
      update: (obj, old) => {
        index(obj, old);
        report(obj, old);
      },
      delete: (obj) => {
        this.#unindex(key, obj);
        report(obj);
      },
    });
    informer.onFailingChange(() => this.#reachabilityChanged());
    informer.start();
    return informer;
  }

  #learnVersion(): void {
    this.client.request<{ gitVersion?: string }>('GET', '/version').then(
      (v) => (this.k8sVersion = v.gitVersion ?? ''),
      () => undefined,
    );
  }

  #reachabilityChanged(): void {
    const reachable = this.reachable();
    if (reachable === this.#reachable) return;
    this.#reachable = reachable;
    if (reachable) this.#log.info('cluster reachable again');
    else this.#log.warn('cluster unreachable: its watches are failing');
    this.#events.onReachability?.(reachable);
  }

  #unindex(key: string, obj: KubeObject): void {
    const app = trackingOf(obj)?.app;
    if (app !== undefined) this.#byApp.get(app)?.get(key)?.delete(objectKeyOf(obj));
  }
}

function objectKeyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}
