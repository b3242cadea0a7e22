/**
 * Values (an index.yaml, a tag list) loaded at most once per refresh interval per key, with one
 * load in flight per key however many callers ask: a thousand Applications on one chart
 * repository fetch its index once. A failed load is not kept, so the next caller tries again.
 */
export class RefreshingCache<T> {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { value: Promise<T>; at: number; settled: boolean }>();

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** The cached value, or a fresh load; `fresh` skips a settled value (a hard refresh). */
  get(key: string, load: () => Promise<T>, fresh = false): Promise<T> {
    const entry = this.#entries.get(key);
    if (entry !== undefined && (!entry.settled || (!fresh && this.#now() - entry.at < this.#ttlMs))) {
      return entry.value;
    }
    const value = load();
    const next = { value, at: this.#now(), settled: false };
    this.#entries.set(key, next);
    value.then(
      () => {
        next.settled = true;
        next.at = this.#now();
      },
      () => {
        if (this.#entries.get(key) === next) this.#entries.delete(key);
      },
    );
    return value;
  }
}
