/**
 * The dashboard's HTTP plumbing: routes that say who may call them, strict security headers on
 * every answer, the session cookie, and the checks every API call passes (a live session; for
 * actions also the same origin and the session's CSRF token).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Logger } from '../log.ts';
import { reviewToken } from './auth/identity.ts';
import type { Session, Sessions } from './auth/sessions.ts';
import { csrfMatches } from './auth/sessions.ts';
import type { KubeClient } from '../kube/client.ts';

/** The shape the process serves (src/process/component.ts's Route; components do not import the process). */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly access: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export const SESSION_COOKIE = 'spokes_session';
export const CSRF_HEADER = 'x-spokes-csrf';

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  /** The body already encoded (JSON, and gzip), sent as is. */
  readonly encoded?: { readonly json: Buffer; readonly gzip: Buffer };
}

export const reply = (status: number, body: unknown): Reply => ({ status, body });
export const problem = (status: number, message: string): Reply => ({ status, body: { error: message } });

/** Headers on every dashboard answer: a strict CSP (scripts and styles only from this origin, nothing inline). */
export function securityHeaders(res: ServerResponse): void {
  res.setHeader(
    'content-security-policy',
    [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self'",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
}

export function sendJson(req: IncomingMessage, res: ServerResponse, answer: Reply): void {
  securityHeaders(res);
  res.statusCode = answer.status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  const text = answer.encoded?.json ?? Buffer.from(JSON.stringify(answer.body ?? {}));
  if (text.length > 8192 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    res.setHeader('content-encoding', 'gzip');
    res.setHeader('vary', 'accept-encoding');
    res.end(answer.encoded?.gzip ?? gzipSync(text, { level: 4 }));
    return;
  }
  res.end(text);
}

export function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** The cookie is Secure whenever the browser reached us over TLS (directly or through a proxy). */
function isSecure(req: IncomingMessage, forceSecure: boolean): boolean {
  return (
    forceSecure ||
    (req.socket as { encrypted?: boolean }).encrypted === true ||
    req.headers['x-forwarded-proto'] === 'https'
  );
}

export function setSessionCookie(
  req: IncomingMessage,
  res: ServerResponse,
  value: string,
  options: { maxAgeSeconds: number; forceSecure: boolean },
): void {
  const parts = [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${value === '' ? 0 : options.maxAgeSeconds}`,
  ];
  if (isSecure(req, options.forceSecure)) parts.push('Secure');
  res.setHeader('set-cookie', parts.join('; '));
}

/**
 * A request the browser made from this dashboard's own pages: `Sec-Fetch-Site` (sent by every
 * current browser) is same-origin, and an `Origin`, when sent, names the host the request came to.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return site === 'same-origin';
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export async function readJson(req: IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
  } catch {
    return undefined;
  }
}

export interface GuardOptions {
  readonly sessions: Sessions;
  readonly hub: KubeClient;
  readonly log: Logger;
}

/** The request's live session: its token is reviewed again when due, and a rejected token ends it. */
export async function sessionOf(req: IncomingMessage, options: GuardOptions): Promise<Session | undefined> {
  const session = options.sessions.get(cookies(req).get(SESSION_COOKIE));
  if (session === undefined) return undefined;
  if (options.sessions.needsReview(session)) {
    const user = await reviewToken(options.hub, session.token!).catch(() => undefined);
    if (user?.username !== session.user.username) {
      options.sessions.delete(session.id);
      return undefined;
    }
    options.sessions.reviewed(session);
  }
  return session;
}

export interface ApiRequest {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly session: Session;
  /** The path after the route's prefix, split on `/` and decoded. */
  readonly parts: readonly string[];
}

/**
 * An API route: no session → 401; for POST also a cross-site request → 403 and a missing or wrong
 * CSRF token → 403. Errors answer 500 without detail (the log has it).
 */
export function apiRoute(
  spec: { method: 'GET' | 'POST'; path: string; access: string },
  guard: GuardOptions,
  handler: (request: ApiRequest) => Promise<Reply>,
): Route {
  return {
    ...spec,
    async handle(req, res) {
      const answer = await answerApi(req, spec, guard, handler).catch((err: unknown) => {
        guard.log.error('dashboard request failed', { path: spec.path, error: err });
        return problem(500, 'internal error');
      });
      sendJson(req, res, answer);
    },
  };
}

async function answerApi(
  req: IncomingMessage,
  spec: { method: 'GET' | 'POST'; path: string },
  guard: GuardOptions,
  handler: (request: ApiRequest) => Promise<Reply>,
): Promise<Reply> {
  if (spec.method === 'POST' && !isSameOrigin(req)) return problem(403, 'cross-site request refused');
  const session = await sessionOf(req, guard);
  if (session === undefined) return problem(401, 'sign in first');
  if (spec.method === 'POST' && !csrfMatches(session, headerOf(req, CSRF_HEADER)))
    return problem(403, 'missing or wrong CSRF token');
  const url = new URL(req.url ?? '/', 'http://dashboard');
  const rest = url.pathname.slice(spec.path.length);
  const parts = rest === '' ? [] : rest.split('/').map((p) => decodeURIComponent(p));
  return handler({ req, url, session, parts });
}

export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The client address for rate limiting: the socket's peer (proxies are not trusted to say). */
export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
