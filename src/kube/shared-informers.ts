/**
 * One informer per resource type and scope for the whole process. The components of a
 * `spokes controller` (ApplicationSets, sync, rollouts, notifications, the dashboard) watch many
 * of the same hub objects; sharing gives each of those one list, one watch and one copy in
 * memory (at 10,000 Applications, a copy is hundreds of megabytes). Each component gets its own
 * handle and starts and stops it as before; the informer runs from the first start to the last
 * stop.
 *
 * The objects are shared too: a component must never modify what an informer holds.
 */
import type { Logger } from '../log.ts';
import type { KubeClient, ListOptions } from './client.ts';
import { Informer, type InformerHandlers, type InformerView } from './informer.ts';
import type { KubeObject, ResourceType } from './types.ts';

interface Entry {
  readonly informer: Informer<KubeObject>;
  /** Handles started and not stopped. */
  users: number;
}

export class SharedInformers {
  readonly #client: KubeClient;
  readonly #log: Logger;
  readonly #entries = new Map<string, Entry>();

  constructor(client: KubeClient, log: Logger) {
    this.#client = client;
    this.#log = log;
  }

  /** A handle on the process's informer of `type` with exactly these list options. */
  informer<T extends KubeObject>(type: ResourceType, options: ListOptions): InformerView<T> {
    const key = JSON.stringify([
      type.group,
      type.version,
      type.plural,
      options.namespace ?? '',
      options.labelSelector ?? '',
      options.fieldSelector ?? '',
    ]);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { informer: new Informer<KubeObject>(this.#client, type, options, this.#log), users: 0 };
      this.#entries.set(key, entry);
    }
    return new Handle<T>(entry);
  }
}

/** One component's use of a shared informer. */
class Handle<T extends KubeObject> implements InformerView<T> {
  readonly #entry: Entry;
  // The cache holds whatever the apiserver sends for this type; T is the caller's view of it.
  readonly #informer: Informer<T>;
  #started = false;

  constructor(entry: Entry) {
    this.#entry = entry;
    this.#informer = entry.informer as unknown as Informer<T>;
  }

  get synced(): Promise<void> {
    return this.#informer.synced;
  }

  get failing(): boolean {
    return this.#informer.failing;
  }

  get size(): number {
    return this.#informer.size;
  }

  on(handlers: InformerHandlers<T>): void {
    this.#informer.on(handlers);
  }

  onFailingChange(listener: (failing: boolean) => void): void {
    this.#informer.onFailingChange(listener);
  }

  list(): T[] {
    return this.#informer.list();
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.#informer.get(namespace, name);
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#entry.users++;
    this.#informer.start();
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    if (--this.#entry.users === 0) await this.#informer.stop();
  }
}

/** The process's shared informers when given, else a component's own (tests, the CLI). */
export function informersOr(
  given: SharedInformers | undefined,
  client: KubeClient,
  log: Logger,
): SharedInformers {
  return given ?? new SharedInformers(client, log);
}
