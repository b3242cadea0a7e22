/**
 * HTTP GETs for chart repositories and registries (undici): one connection pool per TLS setting,
 * redirects followed by hand so credentials never travel to another origin, bodies read up to a
 * bound, and failures turned into typed errors that name what was asked for, never a credential.
 */
import { createHash } from 'node:crypto';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { SpokesError } from '../errors.ts';
import type { Redacted } from '../redact.ts';
import { displayChartURL } from './url.ts';

export type HttpAuth =
  | { readonly kind: 'basic'; readonly username: string; readonly password: Redacted<string> }
  | { readonly kind: 'bearer'; readonly token: Redacted<string> };

export interface TlsSettings {
  /** PEM CA certificates to trust (in addition to none: they replace the system store). */
  readonly ca?: string;
  readonly cert?: Redacted<string>;
  readonly key?: Redacted<string>;
  readonly insecure: boolean;
}

export interface GetOptions {
  readonly tls: TlsSettings;
  /** Sent to the first URL's origin only (redirects elsewhere go without it). */
  readonly auth?: HttpAuth;
  readonly accept?: string;
  /** The most body bytes read; more is a `ResponseTooLarge` error. */
  readonly maxBytes: number;
  /** What is being fetched, for messages: `index of https://charts.example.com`. */
  readonly what: string;
  readonly method?: 'GET' | 'HEAD';
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** The URL that answered, after redirects. */
  readonly url: string;
}

const MAX_REDIRECTS = 10;
/** Error bodies are read this far at most (they only feed messages). */
const ERROR_BODY_BYTES = 64 * 1024;

function authHeader(auth: HttpAuth): string {
  if (auth.kind === 'bearer') return `Bearer ${auth.token.reveal()}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password.reveal()}`).toString('base64')}`;
}

const TLS_CODES =
  /^(ERR_TLS_\w+|CERT_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_\w+)$/;

/** The reason a request could not be made, without URLs' userinfo. */
function networkReason(err: unknown): string {
  const tlsCode = (err as { code?: unknown }).code;
  if (typeof tlsCode === 'string' && TLS_CODES.test(tlsCode)) {
    return `TLS: the server's certificate is not trusted (${tlsCode}): add its CA to argocd-tls-certs-cm, or set insecure: "true" in its repository Secret`;
  }
  const code =
    (err as { code?: unknown; cause?: { code?: unknown } }).code ??
    (err as { cause?: { code?: unknown } }).cause?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

async function readBounded(body: AsyncIterable<Uint8Array>, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new SpokesError('ResponseTooLarge', `${what} is larger than ${maxBytes} bytes: refused`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export class HttpClient {
  readonly #agents = new Map<string, Dispatcher>();
  readonly #timeoutMs: number;
  readonly #proxy: string | undefined;

  /** `proxy`: an HTTP(S) proxy every request goes through (`http://proxy:3128`). */
  constructor(options: { readonly timeoutMs?: number; readonly proxy?: string } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#proxy = options.proxy;
  }

  /** One pool per TLS setting; keyed by a digest so no key material sits in map keys. */
  #agent(tls: TlsSettings): Dispatcher {
    const key = createHash('sha256')
      .update(JSON.stringify([tls.ca ?? '', tls.cert?.reveal() ?? '', tls.key?.reveal() ?? '', tls.insecure]))
      .digest('hex');
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      const connect = {
        ...(tls.ca ? { ca: tls.ca } : {}),
        ...(tls.cert ? { cert: tls.cert.reveal() } : {}),
        ...(tls.key ? { key: tls.key.reveal() } : {}),
        rejectUnauthorized: !tls.insecure,
        timeout: Math.min(this.#timeoutMs, 15_000),
      };
      const timeouts = { headersTimeout: this.#timeoutMs, bodyTimeout: this.#timeoutMs };
      agent =
        this.#proxy === undefined
          ? new Agent({ connect, ...timeouts })
          : new ProxyAgent({ uri: this.#proxy, requestTls: connect, ...timeouts });
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /** GETs `url`; any status is returned (callers decide), network failures throw `RepoUnreachable`. */
  async get(url: string, options: GetOptions): Promise<HttpResponse> {
    const origin = new URL(url).origin;
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const sameOrigin = new URL(current).origin === origin;
      const headers: Record<string, string> = { 'user-agent': 'spokes' };
      if (options.accept) headers['accept'] = options.accept;
      if (options.auth && sameOrigin) headers['authorization'] = authHeader(options.auth);
      let res;
      try {
        res = await request(current, {
          method: options.method ?? 'GET',
          headers,
          dispatcher: this.#agent(sameOrigin ? options.tls : { insecure: false }),
        });
      } catch (err) {
        throw new SpokesError(
          'RepoUnreachable',
          `${options.what} unreachable: ${displayChartURL(current)}: ${networkReason(err)}`,
          { cause: err },
        );
      }
      const location = res.headers['location'];
      if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
        await res.body.dump();
        current = new URL(location, current).toString();
        continue;
      }
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      let body: Buffer;
      try {
        body = await readBounded(res.body, ok ? options.maxBytes : ERROR_BODY_BYTES, options.what);
      } catch (err) {
        res.body.destroy();
        if (err instanceof SpokesError) throw err;
        throw new SpokesError(
          'RepoUnreachable',
          `${options.what}: reading the response failed: ${networkReason(err)}`,
          {
            cause: err,
          },
        );
      }
      return { status: res.statusCode, headers: res.headers, body, url: current };
    }
    throw new SpokesError('RepoUnreachable', `${options.what}: more than ${MAX_REDIRECTS} redirects`);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#agents.values()].map((a) => a.close()));
    this.#agents.clear();
  }
}

/** A short reason for a failed status: `401 Unauthorized`. */
export function statusText(status: number): string {
  const names: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  };
  return `${status}${names[status] ? ` ${names[status]}` : ''}`;
}

/** The error for a failed status: auth failures and missing things have their own codes. */
export function statusError(res: HttpResponse, what: string): SpokesError {
  const why = statusText(res.status);
  if (res.status === 401 || res.status === 403) {
    return new SpokesError('Unauthorized', `${what}: ${why}: check the credentials of its repository Secret`);
  }
  if (res.status === 404) return new SpokesError('ChartNotFound', `${what}: ${why}`);
  if (res.status >= 500 || res.status === 429) return new SpokesError('RepoUnreachable', `${what}: ${why}`);
  return new SpokesError('RenderFailed', `${what}: ${why}`);
}
