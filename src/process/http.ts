/**
 * The process's one HTTP server: its own endpoints (/healthz, /readyz, /metrics, the git webhook)
 * and the routes components serve. Every route states who may call it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../log.ts';
import { inSpan, noopTracer, type Tracer } from '../observability/tracing.ts';
import { displayURL } from '../git/url.ts';
import { handleWebhook, type WebhookSecrets } from '../webhook/push.ts';
import type { PullRequestEvent } from '../webhook/pull-request.ts';
import type { Route } from './component.ts';

export interface ProcessRoutesOptions {
  readonly ready: () => boolean;
  readonly metrics: Registry;
  /** A verified push starts a trace; the reconciles it queues join it. */
  readonly tracer?: Tracer;
  readonly webhookSecrets: WebhookSecrets;
  /** A verified push: returns how many objects were queued. */
  readonly onPush: (repoURLs: readonly string[]) => number;
  /** A verified pull request event: returns how many objects were queued. */
  readonly onPullRequest?: (event: PullRequestEvent) => number;
  readonly log: Logger;
}

const MAX_BODY = 5 * 1024 * 1024;

/** The endpoints every controller process serves. */
export function processRoutes(options: ProcessRoutesOptions): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      access: 'anyone who reaches the port (liveness probe); tells nothing but "ok"',
      handle: (_req, res) => Promise.resolve(send(res, 200, 'ok\n')),
    },
    {
      method: 'GET',
      path: '/readyz',
      access: 'anyone who reaches the port (readiness probe); tells only ready or not',
      handle: (_req, res) =>
        Promise.resolve(options.ready() ? send(res, 200, 'ok\n') : send(res, 503, 'not ready\n')),
    },
    {
      method: 'GET',
      path: '/metrics',
      access: 'anyone who reaches the port (Prometheus scrape, as Argo CD); metrics carry no secrets',
      handle: async (_req, res) => {
        res.setHeader('content-type', options.metrics.contentType);
        send(res, 200, await options.metrics.metrics());
      },
    },
    {
      method: 'POST',
      path: '/api/webhook',
      access:
        "git providers holding the webhook secret (pushes, pull requests): each request's signature or token is verified",
      handle: (req, res) => receivePush(req, res, options),
    },
  ];
}

async function receivePush(
  req: IncomingMessage,
  res: ServerResponse,
  options: ProcessRoutesOptions,
): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) return send(res, 413, 'payload too large\n');
  const result = handleWebhook(req.headers, body, options.webhookSecrets);
  if (result.kind === 'rejected') {
    options.log.warn('webhook rejected', { reason: result.reason });
    return send(res, 401, `${result.reason}\n`);
  }
  if (result.kind === 'ignored') return send(res, 200, `ignored: ${result.reason}\n`);
  if (result.kind === 'pullRequest') {
    const queued = options.onPullRequest?.(result.event) ?? 0;
    const { provider, event } = result;
    options.log.info('pull request event received', { provider, action: event.action, queued });
    return send(res, 200, `queued ${queued} object(s)\n`);
  }
  const attributes = {
    'spokes.webhook.provider': result.provider,
    'spokes.git.repo_urls': result.repoURLs.map(displayURL).join(','),
  };
  const queued = await inSpan(
    options.tracer ?? noopTracer,
    'spokes.webhook.push',
    { attributes, root: true },
    (span) => {
      const count = options.onPush(result.repoURLs);
      span.setAttribute('spokes.queued', count);
      return Promise.resolve(count);
    },
  );
  options.log.info('git push received', { provider: result.provider, repos: result.repoURLs, queued });
  return send(res, 200, `queued ${queued} object(s)\n`);
}

/** A server dispatching to `routes` by method and path (exact, or prefix for paths ending in `/`). */
export function createHttpServer(routes: readonly Route[], log: Logger): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const matching = routes.filter((r) => (r.path.endsWith('/') ? path.startsWith(r.path) : path === r.path));
    // The most specific path wins: `/api/fleet` before a page route `/`.
    const route = matching
      .filter((r) => r.method === req.method)
      .sort((a, b) => b.path.length - a.path.length)[0];
    if (route === undefined) {
      if (matching.length > 0) res.setHeader('allow', [...new Set(matching.map((r) => r.method))].join(', '));
      return send(
        res,
        matching.length > 0 ? 405 : 404,
        matching.length > 0 ? 'method not allowed\n' : 'not found\n',
      );
    }
    route.handle(req, res).catch((err: unknown) => {
      log.error('http handler failed', { error: err, path });
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.end();
    });
  });
}

/** Listens on `host:port` (`:8080` for every interface); resolves with the bound port. */
export async function listen(server: Server, address: string): Promise<number> {
  const colon = address.lastIndexOf(':');
  const host = colon <= 0 ? undefined : address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export function send(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(body);
}

/** The request body, or undefined when it is larger than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
