// Poll-until helpers for asynchronous outcomes in e2e tests.
import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
}

/**
 * Calls `probe` until it returns something other than undefined/false and returns that. Errors
 * thrown by `probe` count as "not yet"; the last one is reported on timeout.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: PollOptions = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 200, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}
