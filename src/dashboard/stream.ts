/**
 * The live feed to one browser, as Server-Sent Events: the store's changes after the snapshot the
 * page holds (`?since=SEQ`), filtered to the namespaces the user may see, one message per batch.
 * When the page cannot be caught up (it is too far behind, clusters changed, or the user's rights
 * changed) it is told to `reset`: fetch a fresh snapshot. The stream ends with the session.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Session, Sessions } from './auth/sessions.ts';
import { toWire, type WireApp } from './fleet.ts';
import { securityHeaders } from './http.ts';
import type { Change, FleetStore } from './store.ts';
import type { Views } from './views.ts';

export interface StreamDeps {
  readonly store: FleetStore;
  readonly views: Views;
  readonly sessions: Sessions;
  /** How often rights and the session are checked again (default 15 s). */
  readonly recheckMs?: number;
}

const MAX_BUFFERED = 8 * 1024 * 1024;

interface Batch {
  readonly seq: number;
  readonly apps: WireApp[];
  readonly deleted: [string, string][];
}

export async function serveStream(
  req: IncomingMessage,
  res: ServerResponse,
  session: Session,
  deps: StreamDeps,
): Promise<void> {
  const { store, views, sessions } = deps;
  const since = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('since') ?? 'NaN');
  securityHeaders(res);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  const send = (event: string, data: unknown): void => {
    // A browser that stops reading is cut off rather than buffered for without end; it comes
    // back with a fresh snapshot.
    if (res.writableLength > MAX_BUFFERED) return void res.end();
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  let visible = await views.visibleNamespaces(session.user, namespacesOf(store));
  const filter = (changes: readonly Change[]): Batch | 'reset' => {
    const batch: Batch = { seq: changes.at(-1)?.seq ?? since, apps: [], deleted: [] };
    for (const c of changes) {
      if (c.type === 'clusters') return 'reset';
      if (c.type === 'app' && visible.has(c.app.namespace)) batch.apps.push(toWire(c.app));
      if (c.type === 'deleted' && visible.has(c.namespace)) batch.deleted.push([c.namespace, c.name]);
    }
    return batch;
  };
  const deliver = (changes: readonly Change[]): void => {
    if (changes.length === 0) return;
    const batch = filter(changes);
    if (batch === 'reset') send('reset', {});
    else send('changes', batch);
  };
  const backlog = Number.isFinite(since) ? store.changesSince(since) : undefined;
  if (backlog === undefined) send('reset', {});
  else deliver(backlog);
  const unsubscribe = store.subscribe(deliver);
  const recheck = setInterval(() => {
    if (sessions.get(session.id) === undefined) {
      res.end();
      return;
    }
    void views.visibleNamespaces(session.user, namespacesOf(store)).then((now) => {
      if (sameSet(now, visible)) return res.write(': keep-alive\n\n');
      visible = now;
      send('reset', {});
      return true;
    });
  }, deps.recheckMs ?? 15_000);
  await new Promise<void>((resolve) => {
    res.once('close', resolve);
    req.once('close', resolve);
  });
  clearInterval(recheck);
  unsubscribe();
}

function namespacesOf(store: FleetStore): Set<string> {
  const out = new Set<string>();
  for (const s of store.summaries()) out.add(s.namespace);
  return out;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
