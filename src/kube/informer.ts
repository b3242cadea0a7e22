/**
 * An informer: a local cache of one resource type kept in step with the apiserver by list + watch.
 * Watches resume from the last resourceVersion (bookmarks keep it fresh); a 410 Gone, or any
 * connection failure, leads to a re-list that reconciles the cache and reports what changed in
 * between, so handlers never miss an add, update or delete.
 */
import type { Logger } from '../log.ts';
import { Backoff, sleep } from './backoff.ts';
import type { KubeClient, ListOptions, WatchEvent } from './client.ts';
import { isGone } from './errors.ts';
import { objectKey, type KubeObject, type ResourceType } from './types.ts';

export interface InformerHandlers<T> {
  add?(obj: T): void;
  update?(obj: T, old: T): void;
  delete?(obj: T): void;
}

/** What a component uses of an informer (its own, or its handle on a shared one). */
export type InformerView<T extends KubeObject> = Pick<
  Informer<T>,
  'synced' | 'on' | 'start' | 'stop' | 'failing' | 'onFailingChange' | 'list' | 'size' | 'get'
>;

export class Informer<T extends KubeObject> {
  readonly #client: KubeClient;
  readonly #type: ResourceType;
  readonly #options: ListOptions;
  readonly #log: Logger;
  readonly #store = new Map<string, T>();
  readonly #handlers: InformerHandlers<T>[] = [];
  readonly #backoff = new Backoff(200, 10_000);
  readonly #stopped = new AbortController();
  #resourceVersion = '';
  #stopWatch: (() => void) | undefined;
  #markSynced!: () => void;
  #loop: Promise<void> | undefined;
  #failing = false;
  readonly #onFailing: ((failing: boolean) => void)[] = [];
  /** Resolves once the first list is in the cache. */
  readonly synced: Promise<void>;

  constructor(client: KubeClient, type: ResourceType, options: ListOptions, log: Logger) {
    this.#client = client;
    this.#type = type;
    this.#options = options;
    this.#log = log.child({
      informer: type.plural,
      ...(options.namespace ? { namespace: options.namespace } : {}),
    });
    this.synced = new Promise((resolve) => (this.#markSynced = resolve));
  }

  /**
   * Adds handlers. On an informer that already holds objects (one shared by several components,
   * see shared-informers.ts), they are told of each as an add first, so they see what the others saw.
   */
  on(handlers: InformerHandlers<T>): void {
    this.#handlers.push(handlers);
    for (const obj of this.#store.values()) handlers.add?.(obj);
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped.abort();
    this.#stopWatch?.();
    await this.#loop;
  }

  /**
   * True from a failed list or watch until the next successful list: the cache may be stale. An
   * informer still in its first list is not failing, only not yet synced.
   */
  get failing(): boolean {
    return this.#failing;
  }

  /** Calls `listener` whenever `failing` changes. */
  onFailingChange(listener: (failing: boolean) => void): void {
    this.#onFailing.push(listener);
  }

  #setFailing(failing: boolean): void {
    if (this.#failing === failing) return;
    this.#failing = failing;
    for (const listener of this.#onFailing) listener(failing);
  }

  list(): T[] {
    return [...this.#store.values()];
  }

  /** How many objects are held. */
  get size(): number {
    return this.#store.size;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.#store.get(namespace ? `${namespace}/${name}` : name);
  }

  async #run(): Promise<void> {
    let needList = true;
    while (!this.#stopped.signal.aborted) {
      try {
        if (needList) await this.#relist();
        needList = await this.#watchOnce();
        this.#backoff.reset();
      } catch (err) {
        if (this.#stopped.signal.aborted) return;
        needList = true;
        // 410 Gone only means the watch's resourceVersion expired: re-list, nothing failed.
        if (!isGone(err)) {
          this.#setFailing(true);
          const delay = this.#backoff.next();
          this.#log.warn('list/watch failed; retrying', { error: err, retryInMs: delay });
          await sleep(delay, this.#stopped.signal);
        }
      }
    }
  }

  async #relist(): Promise<void> {
    const { items, resourceVersion } = await this.#client.list<T>(this.#type, this.#options);
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      this.#apply(key, item);
    }
    for (const [key, old] of this.#store) {
      if (!seen.has(key)) {
        this.#store.delete(key);
        this.#emit((h) => h.delete?.(old));
      }
    }
    this.#resourceVersion = resourceVersion;
    this.#setFailing(false);
    this.#markSynced();
  }

  /** One watch until the server ends it; returns whether a re-list is needed. */
  async #watchOnce(): Promise<boolean> {
    let gone = false;
    const handle = this.#client.watch<T>(
      this.#type,
      { ...this.#options, resourceVersion: this.#resourceVersion },
      (event) => {
        if (event.type === 'ERROR') {
          // Any error event (410 Gone above all) ends this watch; a re-list brings the cache back in step.
          gone = true;
          this.#log.debug('watch error event', { status: event.object });
          handle.stop();
          return;
        }
        this.#onEvent(event);
      },
    );
    this.#stopWatch = () => handle.stop();
    // stop() during the list found no watch to end: end this one now.
    if (this.#stopped.signal.aborted) handle.stop();
    await handle.done;
    return gone;
  }

  #onEvent(event: WatchEvent<T>): void {
    const obj = event.object;
    if (obj.metadata.resourceVersion) this.#resourceVersion = obj.metadata.resourceVersion;
    if (event.type === 'BOOKMARK') return;
    const key = objectKey(obj);
    if (event.type === 'DELETED') {
      const old = this.#store.get(key) ?? obj;
      this.#store.delete(key);
      this.#emit((h) => h.delete?.(old));
      return;
    }
    this.#apply(key, obj);
  }

  #apply(key: string, obj: T): void {
    const old = this.#store.get(key);
    if (old?.metadata.resourceVersion === obj.metadata.resourceVersion && old !== undefined) return;
    this.#store.set(key, obj);
    if (old === undefined) this.#emit((h) => h.add?.(obj));
    else this.#emit((h) => h.update?.(obj, old));
  }

  #emit(call: (handlers: InformerHandlers<T>) => void): void {
    for (const handlers of this.#handlers) {
      try {
        call(handlers);
      } catch (err) {
        this.#log.error('informer handler failed', { error: err });
      }
    }
  }
}
