/**
 * The HTTP side of every SCM provider, shared by the whole process so many ApplicationSets on one
 * organisation or repository make one set of calls:
 * - one cache keyed by URL and credential (a hash of it: a token never becomes a key or a log
 *   field); an answer younger than `freshSeconds` is reused as is, an older one is revalidated
 *   with `If-None-Match` / `If-Modified-Since` (GitHub does not count a 304 against the rate
 *   limit);
 * - concurrent identical requests wait for the one in flight;
 * - `invalidate()` (a pull request webhook) makes every answer stale, so the next call revalidates;
 * - rate limits (429, or 403 with `x-ratelimit-remaining: 0`) become a RateLimited error that says
 *   when to retry; answers are bounded in size and time.
 */
import { createHash } from 'node:crypto';
import { Agent, request, type Dispatcher } from 'undici';
import { SpokesError } from '../errors.ts';

export interface ScmRequest {
  readonly url: string;
  /** Authorization and provider headers; values are never logged or put in errors. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Skip TLS verification (the provider block's `insecure`). */
  readonly insecure?: boolean;
  /** Extra trusted CA certificates, PEM (the provider block's `caRef`). */
  readonly ca?: string;
}

export interface ScmResponse {
  readonly status: number;
  /** Lower-cased response headers (link, x-next-page, x-total-pages, ...). */
  readonly headers: Readonly<Record<string, string>>;
  /** The decoded JSON body (undefined for an empty one). */
  readonly body: unknown;
}

export interface ScmHttpOptions {
  /** How long an answer is reused without asking again (default 10 s). */
  readonly freshSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly maxResponseBytes?: number;
  /** Answers kept at most (least recently used dropped first). */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export interface ScmHttpStats {
  /** Requests sent to providers. */
  readonly requests: number;
  /** Of those, answered 304 Not Modified from the cache. */
  readonly notModified: number;
  /** Calls answered from the cache without a request. */
  readonly cacheHits: number;
}

interface Entry {
  readonly response: ScmResponse;
  readonly etag?: string;
  readonly lastModified?: string;
  fetchedAt: number;
  generation: number;
}

const USER_AGENT = 'spokes-applicationset';
const KEPT_HEADERS = ['link', 'x-next-page', 'x-total-pages', 'x-page', 'x-total-count'];

export class ScmHttp {
  readonly #freshMs: number;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<ScmResponse>>();
  readonly #agents = new Map<string, Agent>();
  #generation = 0;
  #stats = { requests: 0, notModified: 0, cacheHits: 0 };

  constructor(options: ScmHttpOptions = {}) {
    this.#freshMs = (options.freshSeconds ?? 10) * 1000;
    this.#timeoutMs = (options.timeoutSeconds ?? 30) * 1000;
    this.#maxBytes = options.maxResponseBytes ?? 32 * 1024 * 1024;
    this.#maxEntries = options.maxEntries ?? 20_000;
    this.#now = options.now ?? Date.now;
  }

  get stats(): ScmHttpStats {
    return { ...this.#stats };
  }

  /** Every cached answer becomes stale: the next call for it revalidates. */
  invalidate(): void {
    this.#generation++;
  }

  /** GET `req.url`: a cached, fresh answer, or one revalidated or fetched now. */
  get(req: ScmRequest): Promise<ScmResponse> {
    const key = cacheKey(req);
    const entry = this.#cache.get(key);
    if (entry !== undefined && this.#isFresh(entry)) {
      this.#stats.cacheHits++;
      this.#touch(key, entry);
      return Promise.resolve(entry.response);
    }
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) {
      this.#stats.cacheHits++;
      return pending;
    }
    const fetching = this.#fetch(key, req, entry).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, fetching);
    return fetching;
  }

  close(): void {
    for (const agent of this.#agents.values()) void agent.close();
    this.#agents.clear();
  }

  #isFresh(entry: Entry): boolean {
    return entry.generation === this.#generation && this.#now() - entry.fetchedAt < this.#freshMs;
  }

  #touch(key: string, entry: Entry): void {
    this.#cache.delete(key);
    this.#cache.set(key, entry);
  }

  async #fetch(key: string, req: ScmRequest, cached: Entry | undefined): Promise<ScmResponse> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': USER_AGENT,
      ...req.headers,
    };
    if (cached?.etag) headers['if-none-match'] = cached.etag;
    if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
    this.#stats.requests++;
    const started = this.#now();
    const { status, responseHeaders, text } = await this.#send(req, headers);
    if (status === 304 && cached !== undefined) {
      this.#stats.notModified++;
      cached.fetchedAt = started;
      cached.generation = this.#generation;
      this.#touch(key, cached);
      return cached.response;
    }
    rejectRateLimited(status, responseHeaders, req.url);
    if (status >= 500) throw new SpokesError('ScmRequestFailed', `GET ${redactUrl(req.url)}: HTTP ${status}`);
    const response: ScmResponse = {
      status,
      headers: Object.fromEntries(
        KEPT_HEADERS.filter((h) => responseHeaders[h] !== undefined).map((h) => [h, responseHeaders[h]!]),
      ),
      body: parseBody(text, status, req.url),
    };
    this.#store(key, {
      response,
      ...(responseHeaders.etag ? { etag: responseHeaders.etag } : {}),
      ...(responseHeaders['last-modified'] ? { lastModified: responseHeaders['last-modified'] } : {}),
      fetchedAt: started,
      generation: this.#generation,
    });
    return response;
  }

  #store(key: string, entry: Entry): void {
    this.#cache.delete(key);
    this.#cache.set(key, entry);
    while (this.#cache.size > this.#maxEntries) this.#cache.delete(this.#cache.keys().next().value!);
  }

  async #send(
    req: ScmRequest,
    headers: Record<string, string>,
  ): Promise<{ status: number; responseHeaders: Record<string, string>; text: string }> {
    try {
      const response = await request(req.url, {
        method: 'GET',
        headers,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
        ...(req.insecure || req.ca ? { dispatcher: this.#agentFor(req) } : {}),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.#maxBytes) {
          throw new SpokesError(
            'ResponseTooLarge',
            `GET ${redactUrl(req.url)}: the answer is larger than ${this.#maxBytes} bytes; refused`,
          );
        }
        chunks.push(chunk);
      }
      return {
        status: response.statusCode,
        responseHeaders: flatHeaders(response.headers),
        text: Buffer.concat(chunks).toString('utf8'),
      };
    } catch (err) {
      if (err instanceof SpokesError) throw err;
      throw new SpokesError('ScmRequestFailed', `GET ${redactUrl(req.url)}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  #agentFor(req: ScmRequest): Dispatcher {
    const key = `${req.insecure === true}|${req.ca ?? ''}`;
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      agent = new Agent({
        connect: { rejectUnauthorized: req.insecure !== true, ...(req.ca ? { ca: req.ca } : {}) },
      });
      this.#agents.set(key, agent);
    }
    return agent;
  }
}

/** URL + a hash of the credentials: answers are shared only between callers with the same access. */
function cacheKey(req: ScmRequest): string {
  const headers = req.headers ?? {};
  const credential = Object.keys(headers)
    .sort()
    .map((k) => `${k.toLowerCase()}:${headers[k]}`)
    .join('\n');
  const hash = createHash('sha256').update(credential).digest('base64url').slice(0, 22);
  return `${req.url}#${hash}`;
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function rejectRateLimited(status: number, headers: Record<string, string>, url: string): void {
  const exhausted = status === 403 && headers['x-ratelimit-remaining'] === '0';
  if (status !== 429 && !exhausted) return;
  const reset = Number(headers['x-ratelimit-reset']);
  const retryAfter = Number(headers['retry-after']);
  const when =
    Number.isFinite(retryAfter) && retryAfter > 0
      ? `retry after ${retryAfter}s`
      : Number.isFinite(reset) && reset > 0
        ? `the limit resets at ${new Date(reset * 1000).toISOString()}`
        : 'retry later';
  throw new SpokesError(
    'RateLimited',
    `GET ${redactUrl(url)}: rate limited by the SCM provider (HTTP ${status}); ${when}`,
  );
}

function parseBody(text: string, status: number, url: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (status >= 400) return text.slice(0, 500);
    throw new SpokesError('ScmRequestFailed', `GET ${redactUrl(url)}: the answer is not JSON`);
  }
}

/** URLs carry no credentials here, but drop any userinfo and query tokens to be safe. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const key of [...parsed.searchParams.keys()])
      if (/token|key|secret|password/i.test(key)) parsed.searchParams.set(key, 'redacted');
    return parsed.toString();
  } catch {
    return url;
  }
}
