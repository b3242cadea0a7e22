/**
 * A keyed work queue: a key waits at most once however often it is added, a key being processed
 * is never processed twice at once (an add meanwhile runs it again afterwards), failures retry
 * with per-key exponential backoff, and at most `concurrency` keys run together.
 */
import { Backoff } from './backoff.ts';

export interface WorkResult {
  /** Run this key again after this long, even if nothing triggers it (e.g. git polling). */
  readonly requeueAfterMs?: number;
}

export interface WorkQueueOptions {
  readonly concurrency: number;
  readonly handler: (key: string) => Promise<WorkResult | void>;
  readonly onError?: (key: string, err: unknown, retryInMs: number) => void;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /**
   * Hold every key until `resume()`: a controller's queue takes keys from its informers' first
   * lists, but no key may run before every cache its handler reads is synced.
   */
  readonly paused?: boolean;
}

export class WorkQueue {
  readonly #options: WorkQueueOptions;
  readonly #ready: string[] = [];
  readonly #queued = new Set<string>();
  readonly #running = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #failures = new Map<string, Backoff>();
  #active = 0;
  #stopped = false;
  #paused: boolean;
  #idle: (() => void)[] = [];
  #settled: { match: (key: string) => boolean; resolve: () => void }[] = [];

  constructor(options: WorkQueueOptions) {
    this.#options = options;
    this.#paused = options.paused === true;
  }

  /** Starts running the keys held so far (and every key from now on). */
  resume(): void {
    this.#paused = false;
    this.#pump();
  }

  /** Keys waiting to run. */
  get depth(): number {
    return this.#ready.length;
  }

  /** The keys waiting to run, in order. */
  keys(): readonly string[] {
    return [...this.#ready];
  }

  add(key: string): void {
    if (this.#stopped) return;
    this.#clearTimer(key);
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#ready.push(key);
    this.#pump();
  }

  /** Adds the key after `ms`; an earlier pending time for the same key wins. */
  addAfter(key: string, ms: number): void {
    if (this.#stopped) return;
    const at = Date.now() + ms;
    const pending = this.#timers.get(key);
    if (pending !== undefined && pending.at <= at) return;
    this.#clearTimer(key);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.#timers.set(key, { at, timer });
  }

  /** Stops taking work and waits for running handlers to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const key of [...this.#timers.keys()]) this.#clearTimer(key);
    this.#ready.length = 0;
    this.#queued.clear();
    await this.whenIdle();
  }

  /** Resolves when nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (this.#active === 0 && this.#ready.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Resolves when no running key matches (keys still waiting do not count). */
  whenSettled(match: (key: string) => boolean): Promise<void> {
    if (![...this.#running].some(match)) return Promise.resolve();
    return new Promise((resolve) => this.#settled.push({ match, resolve }));
  }

  #clearTimer(key: string): void {
    const pending = this.#timers.get(key);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    this.#timers.delete(key);
  }

  #pump(): void {
    while (
      !this.#stopped &&
      !this.#paused &&
      this.#active < this.#options.concurrency &&
      this.#ready.length > 0
    ) {
      const key = this.#ready.shift()!;
      this.#queued.delete(key);
      this.#running.add(key);
      this.#active++;
      void this.#process(key);
    }
  }

  async #process(key: string): Promise<void> {
    try {
      const result = await this.#options.handler(key);
      this.#failures.delete(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      const backoff = this.#backoffFor(key);
      const delay = backoff.next();
      this.#options.onError?.(key, err, delay);
      this.addAfter(key, delay);
    } finally {
      this.#running.delete(key);
      this.#active--;
      if (this.#dirty.delete(key)) this.add(key);
      this.#pump();
      if (this.#active === 0 && this.#ready.length === 0)
        for (const resolve of this.#idle.splice(0)) resolve();
      this.#wakeSettled();
    }
  }

  #wakeSettled(): void {
    if (this.#settled.length === 0) return;
    const running = [...this.#running];
    this.#settled = this.#settled.filter((waiter) => {
      if (running.some(waiter.match)) return true;
      waiter.resolve();
      return false;
    });
  }

  #backoffFor(key: string): Backoff {
    let backoff = this.#failures.get(key);
    if (backoff === undefined) {
      backoff = new Backoff(this.#options.retryBaseMs ?? 500, this.#options.retryMaxMs ?? 300_000);
      this.#failures.set(key, backoff);
    }
    return backoff;
  }
}
