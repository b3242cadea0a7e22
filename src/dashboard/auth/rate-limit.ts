/**
 * Sign-in attempts, limited: a fixed window per client address and one for everyone, so guessing
 * tokens is slow and a flood of attempts cannot turn the hub's TokenReview API into a target.
 */
export interface RateLimitOptions {
  readonly perClient: number;
  readonly overall: number;
  readonly windowMs: number;
  readonly now?: () => number;
}

export class SignInLimiter {
  readonly #options: RateLimitOptions;
  readonly #now: () => number;
  #windowStart = 0;
  #overall = 0;
  #byClient = new Map<string, number>();

  constructor(options: RateLimitOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Counts an attempt; returns the seconds to wait when over the limit, else 0. */
  attempt(client: string): number {
    const now = this.#now();
    if (now - this.#windowStart >= this.#options.windowMs) {
      this.#windowStart = now;
      this.#overall = 0;
      this.#byClient = new Map();
    }
    const mine = (this.#byClient.get(client) ?? 0) + 1;
    this.#byClient.set(client, mine);
    this.#overall++;
    if (mine <= this.#options.perClient && this.#overall <= this.#options.overall) return 0;
    return Math.max(1, Math.ceil((this.#windowStart + this.#options.windowMs - now) / 1000));
  }
}
