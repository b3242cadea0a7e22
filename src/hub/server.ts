/** The controller's HTTP endpoints: /healthz, /readyz, /metrics and the git webhook /api/webhook. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../log.ts';
import { handleWebhook, type WebhookSecrets } from './webhook.ts';

export interface ServerOptions {
  readonly ready: () => boolean;
  readonly metrics: Registry;
  readonly webhookSecrets: WebhookSecrets;
  /** A verified push: returns how many ApplicationSets were queued. */
  readonly onPush: (repoURLs: readonly string[]) => number;
  readonly log: Logger;
}

const MAX_BODY = 5 * 1024 * 1024;

export function createHubServer(options: ServerOptions): Server {
  return createServer((req, res) => {
    route(req, res, options).catch((err: unknown) => {
      options.log.error('http handler failed', { error: err, path: req.url });
      send(res, 500, 'internal error\n');
    });
  });
}

async function route(req: IncomingMessage, res: ServerResponse, options: ServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') return send(res, 200, 'ok\n');
  if (path === '/readyz') return options.ready() ? send(res, 200, 'ok\n') : send(res, 503, 'not ready\n');
  if (path === '/metrics') {
    res.setHeader('content-type', options.metrics.contentType);
    return send(res, 200, await options.metrics.metrics());
  }
  if (path === '/api/webhook' && req.method === 'POST') {
    const body = await readBody(req);
    if (body === undefined) return send(res, 413, 'payload too large\n');
    const result = handleWebhook(req.headers, body, options.webhookSecrets);
    if (result.kind === 'rejected') {
      options.log.warn('webhook rejected', { reason: result.reason });
      return send(res, 401, `${result.reason}\n`);
    }
    if (result.kind === 'ignored') return send(res, 200, `ignored: ${result.reason}\n`);
    const queued = options.onPush(result.repoURLs);
    options.log.info('git push received', { provider: result.provider, repos: result.repoURLs, queued });
    return send(res, 200, `queued ${queued} ApplicationSet(s)\n`);
  }
  return send(res, 404, 'not found\n');
}

function send(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
