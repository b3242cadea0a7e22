/**
 * Browser sessions, in memory: a random id in an HttpOnly, SameSite=Strict cookie, and a CSRF
 * token the page must send back on every action. A session ends after `idleMs` without use or
 * `maxAgeMs` in all; a token-based session has its token reviewed again every `reviewMs`, so a
 * deleted service account or an expired token ends it too. Nothing here is ever logged.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { User } from './identity.ts';

export interface Session {
  readonly id: string;
  readonly user: User;
  readonly csrf: string;
  readonly createdAt: number;
  lastSeenAt: number;
  reviewedAt: number;
  /** The bearer token the user signed in with (absent for the kubeconfig identity). */
  readonly token?: string;
}

export interface SessionOptions {
  readonly idleMs?: number;
  readonly maxAgeMs?: number;
  readonly reviewMs?: number;
  /** At most this many sessions; the oldest go first. */
  readonly limit?: number;
  readonly now?: () => number;
}

const randomId = (): string => randomBytes(32).toString('base64url');

export class Sessions {
  readonly #sessions = new Map<string, Session>();
  readonly #idleMs: number;
  readonly #maxAgeMs: number;
  readonly reviewMs: number;
  readonly #limit: number;
  readonly #now: () => number;

  constructor(options: SessionOptions = {}) {
    this.#idleMs = options.idleMs ?? 60 * 60_000;
    this.#maxAgeMs = options.maxAgeMs ?? 12 * 60 * 60_000;
    this.reviewMs = options.reviewMs ?? 5 * 60_000;
    this.#limit = options.limit ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get maxAgeSeconds(): number {
    return Math.floor(this.#maxAgeMs / 1000);
  }

  create(user: User, token?: string): Session {
    const now = this.#now();
    const session: Session = {
      id: randomId(),
      user,
      csrf: randomId(),
      createdAt: now,
      lastSeenAt: now,
      reviewedAt: now,
      ...(token === undefined ? {} : { token }),
    };
    while (this.#sessions.size >= this.#limit) this.#sessions.delete(this.#sessions.keys().next().value!);
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id (its idle clock reset), or undefined. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined || id === '') return undefined;
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    const now = this.#now();
    if (now - session.lastSeenAt > this.#idleMs || now - session.createdAt > this.#maxAgeMs) {
      this.#sessions.delete(id);
      return undefined;
    }
    session.lastSeenAt = now;
    return session;
  }

  needsReview(session: Session): boolean {
    return session.token !== undefined && this.#now() - session.reviewedAt > this.reviewMs;
  }

  reviewed(session: Session): void {
    session.reviewedAt = this.#now();
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  get size(): number {
    return this.#sessions.size;
  }
}

/** Constant-time comparison of a sent CSRF token with the session's. */
export function csrfMatches(session: Session, sent: string | undefined): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
