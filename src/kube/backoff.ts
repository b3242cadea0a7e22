/** Exponential backoff with full jitter: base·2^n, capped, randomised to spread retries out. */
export class Backoff {
  #attempt = 0;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #random: () => number;

  constructor(baseMs: number, maxMs: number, random: () => number = Math.random) {
    this.#baseMs = baseMs;
    this.#maxMs = maxMs;
    this.#random = random;
  }

  /** The delay before the next try; each call doubles the ceiling. */
  next(): number {
    const ceiling = Math.min(this.#maxMs, this.#baseMs * 2 ** this.#attempt);
    this.#attempt++;
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  reset(): void {
    this.#attempt = 0;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
