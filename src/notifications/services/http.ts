/**
 * HTTP delivery with the retry rules Argo CD's services use (hashicorp/go-retryablehttp's
 * defaults): a connection error, a 429 or a 5xx other than 501 is retried up to `retryMax` times
 * (3), waiting `retryWaitMin` (1 s) doubled each attempt up to `retryWaitMax` (5 s), or what a 429/503
 * `Retry-After` asks for. Anything else is the final answer.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { sleep } from '../../kube/backoff.ts';

export interface RetryPolicy {
  readonly retryMax: number;
  readonly waitMinMs: number;
  readonly waitMaxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retryMax: 3, waitMinMs: 1000, waitMaxMs: 5000 };

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A delivery that failed for good; `retryable` says whether a later attempt could succeed. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
}

const REQUEST_TIMEOUT_MS = 30_000;
const insecureAgent = new Agent({ connect: { rejectUnauthorized: false } });

export function dispatcherFor(insecureSkipVerify: boolean): Dispatcher | undefined {
  return insecureSkipVerify ? insecureAgent : undefined;
}

function retryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/** The wait before attempt `attempt + 1`: Retry-After on 429/503, else min·2^attempt capped at max. */
export function backoffMs(policy: RetryPolicy, attempt: number, response?: HttpResponse): number {
  if (response !== undefined && (response.status === 429 || response.status === 503)) {
    const header = response.headers['retry-after'];
    const seconds = Number(Array.isArray(header) ? header[0] : header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  }
  return Math.min(policy.waitMinMs * 2 ** attempt, policy.waitMaxMs);
}

/** Sends `req`, retrying as above; resolves with the last response, throws DeliveryError when no response came. */
export async function sendWithRetry(
  req: HttpRequest,
  policy: RetryPolicy,
  options: { readonly dispatcher?: Dispatcher | undefined; readonly signal?: AbortSignal } = {},
): Promise<HttpResponse> {
  const attempts = policy.retryMax + 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    let response: HttpResponse | undefined;
    try {
      response = await once(req, options.dispatcher);
      if (!retryableStatus(response.status)) return response;
    } catch (err) {
      lastError = err;
    }
    if (attempt === attempts - 1) {
      if (response !== undefined) return response;
      break;
    }
    await sleep(backoffMs(policy, attempt, response), options.signal);
    if (options.signal?.aborted) break;
  }
  const cause =
    lastError instanceof Error
      ? lastError.cause instanceof Error
        ? lastError.cause.message
        : lastError.message
      : String(lastError);
  throw new DeliveryError(`${req.method} ${req.url} giving up after ${attempts} attempt(s): ${cause}`);
}

async function once(req: HttpRequest, dispatcher: Dispatcher | undefined): Promise<HttpResponse> {
  const response = await request(req.url, {
    method: req.method,
    headers: req.headers,
    // Go sends a body with any method (Argo's webhook default is GET with the message as body).
    ...(req.body !== undefined && req.body !== '' && req.method !== 'HEAD' ? { body: req.body } : {}),
    ...(dispatcher ? { dispatcher } : {}),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body };
}

/** Options given as Go durations (`1s`, `500ms`) or as nanoseconds (what time.Duration reads from JSON). */
export function durationMs(value: unknown, fallbackMs: number): number {
  if (typeof value === 'number' && value > 0) return value / 1e6;
  if (typeof value === 'string' && value !== '') {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(value.trim());
    if (m === null) throw new Error(`expected a duration such as 1s or 500ms, got ${JSON.stringify(value)}`);
    const scale: Record<string, number> = {
      ns: 1e-6,
      us: 1e-3,
      µs: 1e-3,
      ms: 1,
      s: 1000,
      m: 60_000,
      h: 3_600_000,
    };
    return Number(m[1]) * scale[m[2]!]!;
  }
  return fallbackMs;
}
