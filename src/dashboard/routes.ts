/**
 * Every dashboard endpoint and who may call it. Pages and their static files are public (they hold
 * no data); every /api/ call needs a session, and each read or action is then authorised for the
 * session's user by the hub's RBAC (see views.ts and actions.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeClient } from '../kube/client.ts';
import type { Logger } from '../log.ts';
import type { Actions } from './actions.ts';
import { Conflict } from './actions.ts';
import type { Assets } from './assets.ts';
import { reviewToken, type User } from './auth/identity.ts';
import type { SignInLimiter } from './auth/rate-limit.ts';
import type { Sessions } from './auth/sessions.ts';
import {
  apiRoute,
  clientAddress,
  cookies,
  isSameOrigin,
  problem,
  readJson,
  reply,
  securityHeaders,
  sendJson,
  SESSION_COOKIE,
  sessionOf,
  setSessionCookie,
  type ApiRequest,
  type GuardOptions,
  type Reply,
  type Route,
} from './http.ts';
import { serveStream } from './stream.ts';
import type { FleetStore } from './store.ts';
import { Forbidden, NotFound, type Views } from './views.ts';

export interface RouteDeps {
  readonly hub: KubeClient;
  readonly store: FleetStore;
  readonly views: Views;
  readonly actions: Actions;
  readonly sessions: Sessions;
  readonly limiter: SignInLimiter;
  readonly assets: () => Promise<Assets>;
  readonly log: Logger;
  readonly forceSecureCookie: boolean;
  /** Standalone: a one-time sign-in code for the kubeconfig's identity (undefined: tokens only). */
  readonly oneTimeSignIn?: { take(code: string): Promise<User | undefined> };
}

const PAGE_ACCESS =
  'anyone: the page shell and its scripts hold no data; data comes from /api/ with a session';

/** Maps the typed failures of views and actions to HTTP answers. */
async function answer(work: () => Promise<unknown>): Promise<Reply> {
  try {
    return reply(200, await work());
  } catch (err) {
    if (err instanceof Forbidden) return problem(403, err.message);
    if (err instanceof NotFound) return problem(404, err.message);
    if (err instanceof Conflict) return problem(409, err.message);
    throw err;
  }
}

function pageRoutes(deps: RouteDeps): Route[] {
  const page = async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const assets = await deps.assets();
    securityHeaders(res);
    res.setHeader('content-type', assets.index.type);
    res.setHeader('cache-control', 'no-store');
    res.end(assets.index.body);
  };
  const file = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const assets = await deps.assets();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const found = assets.files.get(path);
    securityHeaders(res);
    if (found === undefined) {
      res.statusCode = 404;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end('not found\n');
      return;
    }
    res.setHeader('etag', found.etag);
    res.setHeader('cache-control', 'no-cache');
    if (req.headers['if-none-match'] === found.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('content-type', found.type);
    res.end(found.body);
  };
  return [
    ...['/', '/login', '/apps/', '/appsets/', '/clusters/'].map((path): Route => ({
      method: 'GET',
      path,
      access: PAGE_ACCESS,
      handle: page,
    })),
    { method: 'GET', path: '/static/', access: PAGE_ACCESS, handle: file },
    { method: 'GET', path: '/vendor/', access: PAGE_ACCESS, handle: file },
  ];
}

function signInRoutes(deps: RouteDeps, guard: GuardOptions): Route[] {
  const start = (req: IncomingMessage, res: ServerResponse, user: User, token?: string): void => {
    const session = deps.sessions.create(user, token);
    setSessionCookie(req, res, session.id, {
      maxAgeSeconds: deps.sessions.maxAgeSeconds,
      forceSecure: deps.forceSecureCookie,
    });
    deps.log.info('dashboard sign-in', { user: user.username });
    sendJson(req, res, reply(200, { user: publicUser(user), csrf: session.csrf }));
  };
  const signIn = (
    check: (body: Record<string, unknown>) => Promise<{ user?: User; token?: string }>,
  ): ((req: IncomingMessage, res: ServerResponse) => Promise<void>) => {
    return async (req, res) => {
      if (!isSameOrigin(req)) return sendJson(req, res, problem(403, 'cross-site request refused'));
      const wait = deps.limiter.attempt(clientAddress(req));
      if (wait > 0) {
        res.setHeader('retry-after', String(wait));
        return sendJson(req, res, problem(429, `too many sign-in attempts; try again in ${wait} s`));
      }
      const body = await readJson(req);
      if (typeof body !== 'object' || body === null)
        return sendJson(req, res, problem(400, 'expected a JSON object'));
      const { user, token } = await check(body as Record<string, unknown>);
      if (user === undefined) {
        deps.log.warn('dashboard sign-in refused', { client: clientAddress(req) });
        return sendJson(req, res, problem(401, 'the hub did not accept these credentials'));
      }
      start(req, res, user, token);
    };
  };
  const routes: Route[] = [
    {
      method: 'POST',
      path: '/api/login',
      access:
        'anyone from this origin, rate-limited: the bearer token is verified with the hub’s TokenReview',
      handle: signIn(async (body) => {
        const token = typeof body['token'] === 'string' ? body['token'].trim() : '';
        if (token === '' || token.length > 16_384) return {};
        const user = await reviewToken(deps.hub, token).catch((err: unknown) => {
          deps.log.error('TokenReview failed', { error: err });
          return undefined;
        });
        return user === undefined ? {} : { user, token };
      }),
    },
    apiRoute(
      { method: 'POST', path: '/api/logout', access: 'a signed-in user, with the CSRF token' },
      guard,
      async ({ session }) => {
        deps.sessions.delete(session.id);
        return Promise.resolve(reply(200, {}));
      },
    ),
    {
      method: 'GET',
      path: '/api/session',
      access: 'anyone: answers 401 without a session, else who is signed in and the CSRF token',
      handle: async (req, res) => {
        const session = await sessionOf(req, guard);
        if (session === undefined) {
          if (cookies(req).has(SESSION_COOKIE))
            setSessionCookie(req, res, '', { maxAgeSeconds: 0, forceSecure: deps.forceSecureCookie });
          return sendJson(req, res, {
            ...problem(401, 'sign in first'),
            body: { error: 'sign in first', oneTimeSignIn: deps.oneTimeSignIn !== undefined },
          });
        }
        sendJson(req, res, reply(200, { user: publicUser(session.user), csrf: session.csrf }));
      },
    },
  ];
  const oneTime = deps.oneTimeSignIn;
  if (oneTime !== undefined) {
    routes.push({
      method: 'POST',
      path: '/api/login/link',
      access:
        'whoever holds the one-time code the standalone command printed (signs in as the kubeconfig identity)',
      handle: signIn(async (body) => {
        const code = typeof body['code'] === 'string' ? body['code'] : '';
        const user = code === '' ? undefined : await oneTime.take(code);
        return user === undefined ? {} : { user };
      }),
    });
  }
  return routes;
}

function publicUser(user: User): { username: string; groups: readonly string[] } {
  return { username: user.username, groups: user.groups };
}

function dataRoutes(deps: RouteDeps, guard: GuardOptions): Route[] {
  const { views, actions } = deps;
  const target = (parts: readonly string[]): { namespace: string; name: string } => ({
    namespace: parts[0] ?? '',
    name: parts[1] ?? '',
  });
  const appGet = ({ session, parts, url }: ApiRequest): Promise<Reply> => {
    const { namespace, name } = target(parts);
    const user = session.user;
    if (parts.length === 2) return answer(() => views.app(user, namespace, name));
    if (parts[2] === 'tree') return answer(() => views.tree(user, namespace, name));
    if (parts[2] === 'diff') return answer(() => views.diff(user, namespace, name, url.searchParams));
    return Promise.resolve(problem(404, 'not found'));
  };
  const appPost = async ({ session, parts, req }: ApiRequest): Promise<Reply> => {
    const body = ((await readJson(req)) ?? {}) as Record<string, unknown>;
    const at = target(parts);
    if (parts[2] === 'sync')
      return answer(() => actions.sync(session.user, at, { prune: body['prune'] === true }));
    if (parts[2] === 'refresh')
      return answer(() => actions.refresh(session.user, at, { hard: body['hard'] === true }));
    return problem(404, 'not found');
  };
  return [
    apiRoute(
      {
        method: 'GET',
        path: '/api/fleet',
        access: 'a signed-in user; Applications of namespaces where they may get applications',
      },
      guard,
      async ({ session }) => ({ status: 200, body: undefined, encoded: await views.fleetBody(session.user) }),
    ),
    {
      method: 'GET',
      path: '/api/fleet/events',
      access: 'a signed-in user; live changes of the Applications they may get, rights rechecked every 15 s',
      handle: async (req, res) => {
        const session = await sessionOf(req, guard);
        if (session === undefined) return sendJson(req, res, problem(401, 'sign in first'));
        await serveStream(req, res, session, { store: deps.store, views, sessions: deps.sessions });
      },
    },
    apiRoute(
      {
        method: 'GET',
        path: '/api/apps/',
        access: 'a signed-in user who may get that Application (tree and diff too)',
      },
      guard,
      appGet,
    ),
    apiRoute(
      {
        method: 'POST',
        path: '/api/apps/',
        access: 'a signed-in user who may update that Application, same origin, with the CSRF token',
      },
      guard,
      appPost,
    ),
    apiRoute(
      {
        method: 'POST',
        path: '/api/appsets/',
        access:
          'a signed-in user who may update that ApplicationSet, same origin, with the CSRF token (rollout resume)',
      },
      guard,
      ({ session, parts }) => {
        if (parts[2] !== 'resume') return Promise.resolve(problem(404, 'not found'));
        return answer(async () => ({ resumed: await actions.resume(session.user, target(parts)) }));
      },
    ),
    apiRoute(
      { method: 'GET', path: '/api/appsets/', access: 'a signed-in user who may get that ApplicationSet' },
      guard,
      ({ session, parts }) => {
        const { namespace, name } = target(parts);
        if (parts[2] === 'params') return answer(() => views.params(session.user, namespace, name));
        return answer(() => views.appSet(session.user, namespace, name));
      },
    ),
    apiRoute(
      {
        method: 'GET',
        path: '/api/clusters/',
        access: 'a signed-in user who may get clusters.argoproj.io of that name',
      },
      guard,
      ({ session, parts }) => answer(() => views.cluster(session.user, parts[0] ?? '')),
    ),
  ];
}

export function dashboardRoutes(deps: RouteDeps): Route[] {
  const guard: GuardOptions = { sessions: deps.sessions, hub: deps.hub, log: deps.log };
  return [...pageRoutes(deps), ...signInRoutes(deps, guard), ...dataRoutes(deps, guard)];
}
