/**
 * Chart servers on 127.0.0.1 for the e2e tests, both over HTTPS with a CA of their own and both
 * requiring credentials:
 * - a Helm chart repository: a small static file server behind HTTP Basic auth, serving charts
 *   packaged with the real `helm package` and an index made by the real `helm repo index`;
 * - an OCI registry: go-containerregistry's registry (built from its Go module, see bins.ts)
 *   behind a proxy that answers with a Bearer challenge and runs the token service (Basic
 *   credentials → token), as ghcr.io and Docker Hub do; charts go in with the real `helm push`.
 * Both count the requests they serve and can be stopped and started again on the same port.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { requireBinaries } from './bins.ts';
import { makeClusterPki, type ClusterPki } from './certs.ts';
import { startProcess, type ManagedProcess } from './processes.ts';
import { runTool } from './tools.ts';

export interface ChartCredentials {
  readonly username: string;
  readonly password: string;
}

/** A CA and a serving certificate for 127.0.0.1, shared by both servers. */
export async function makeChartPki(dir: string): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true });
  return makeClusterPki(dir, 'charts');
}

function basicOK(header: string | undefined, creds: ChartCredentials): boolean {
  const expected = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  return header === expected;
}

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** `helm package DIR --destination OUT`; returns the archive's path. */
export async function packageChart(chartDir: string, out: string): Promise<string> {
  await mkdir(out, { recursive: true });
  const { stdout } = await runTool('helm', ['package', chartDir, '--destination', out]);
  const saved = /saved it to: (.+\.tgz)/.exec(stdout)?.[1];
  if (saved === undefined) throw new Error(`helm package printed no archive: ${stdout}`);
  return saved.trim();
}

export interface ChartRepository {
  /** The repository URL (`https://127.0.0.1:PORT/charts`). */
  readonly url: string;
  /** Packages the chart folder into the repository and re-indexes it; returns the archive name. */
  publish(chartDir: string): Promise<string>;
  /** Requests served, by kind. */
  readonly served: { index: number; archives: number; unauthorized: number };
  stop(): Promise<void>;
  /** Starts again on the same port. */
  start(): Promise<void>;
}

/** A Helm chart repository serving `dir` under `/charts/`. */
export async function startChartRepository(options: {
  readonly dir: string;
  readonly pki: ClusterPki;
  readonly credentials: ChartCredentials;
}): Promise<ChartRepository> {
  const { dir, pki, credentials } = options;
  await mkdir(dir, { recursive: true });
  const served = { index: 0, archives: 0, unauthorized: 0 };
  const tls = { cert: await readFile(pki.certFile), key: await readFile(pki.keyFile) };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (!basicOK(req.headers.authorization, credentials)) {
      served.unauthorized++;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end();
      return;
    }
    const name = decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname).replace(/^\/charts\//, '');
    if (name.includes('/') || name.startsWith('.')) {
      res.writeHead(404).end();
      return;
    }
    const file = path.join(dir, name);
    stat(file).then(
      (info) => {
        if (name === 'index.yaml') served.index++;
        else served.archives++;
        res.writeHead(200, { 'content-length': info.size });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  };
  let server = createHttpsServer(tls, handler);
  const port = await listen(server);
  return {
    url: `https://127.0.0.1:${port}/charts`,
    served,
    async publish(chartDir) {
      const archive = await packageChart(chartDir, dir);
      await runTool('helm', ['repo', 'index', dir]);
      return path.basename(archive);
    },
    stop: () => close(server),
    async start() {
      server = createHttpsServer(tls, handler);
      await listen(server, port);
    },
  };
}

export interface OciRegistry {
  /** `127.0.0.1:PORT`: what repoURLs name (`127.0.0.1:PORT/charts`, `oci://127.0.0.1:PORT/charts`). */
  readonly host: string;
  /** Packages the chart folder and `helm push`es it under `oci://HOST/<repository>`. */
  push(chartDir: string, repository: string): Promise<void>;
  readonly served: {
    manifests: number;
    blobs: number;
    tagLists: number;
    tokens: number;
    unauthorized: number;
  };
  /** Stops the registry and its proxy (the registry keeps its content in memory: it is lost). */
  stop(): Promise<void>;
  /** Starts both again, on the same port, and pushes everything pushed before. */
  start(): Promise<void>;
}

const SERVICE = 'spokes-e2e-registry';

function repositoryOf(pathname: string): string | undefined {
  return /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(pathname)?.[1];
}

async function startRegistryProcess(logDir: string): Promise<{ process: ManagedProcess; port: number }> {
  const binary = requireBinaries(['registry']).registry;
  const logFile = path.join(logDir, 'registry.log');
  await writeFile(logFile, '');
  const managed = startProcess('registry', binary, ['-port', '0'], { logFile });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const m = /serving on port (\d+)/.exec(await readFile(logFile, 'utf8'));
    if (m !== null) return { process: managed, port: Number(m[1]) };
    if (managed.done() || Date.now() > deadline) {
      await managed.stop();
      throw new Error(`registry did not start: ${managed.logTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function forwardHeaders(headers: IncomingHttpHeaders, backend: number): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ...headers, host: `localhost:${backend}` };
  delete out.authorization;
  return out;
}

/** An OCI registry behind a Bearer-token proxy (see the module comment). */
export async function startOciRegistry(options: {
  readonly pki: ClusterPki;
  readonly credentials: ChartCredentials;
}): Promise<OciRegistry> {
  const { pki, credentials } = options;
  const served = { manifests: 0, blobs: 0, tagLists: 0, tokens: 0, unauthorized: 0 };
  const tokens = new Set<string>();
  const pushed: { archive: string; repository: string }[] = [];
  const tls = { cert: await readFile(pki.certFile), key: await readFile(pki.keyFile) };
  const logDir = path.dirname(pki.caFile);
  let backend = await startRegistryProcess(logDir);
  let port = 0;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://x');
    if (url.pathname === '/token') {
      if (!basicOK(req.headers.authorization, credentials)) {
        served.unauthorized++;
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      served.tokens++;
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined || !tokens.has(bearer)) {
      const repo = repositoryOf(url.pathname);
      const scope = repo === undefined ? '' : `,scope="repository:${repo}:pull,push"`;
      res
        .writeHead(401, {
          'www-authenticate': `Bearer realm="https://127.0.0.1:${port}/token",service="${SERVICE}"${scope}`,
          'content-type': 'application/json',
        })
        .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    if (req.method === 'GET' && url.pathname.includes('/manifests/')) served.manifests++;
    if (req.method === 'GET' && url.pathname.includes('/blobs/')) served.blobs++;
    if (req.method === 'GET' && url.pathname.endsWith('/tags/list')) served.tagLists++;
    const upstream = httpRequest(
      {
        host: 'localhost',
        port: backend.port,
        method: req.method,
        path: req.url,
        headers: forwardHeaders(req.headers, backend.port),
      },
      (up) => {
        const headers = { ...up.headers };
        if (typeof headers.location === 'string') {
          headers.location = headers.location.replace(/^https?:\/\/[^/]+/, `https://127.0.0.1:${port}`);
        }
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  };

  let server = createHttpsServer(tls, handler);
  port = await listen(server);
  const host = `127.0.0.1:${port}`;
  const helmPush = (archive: string, repository: string): Promise<unknown> =>
    runTool('helm', [
      'push',
      archive,
      `oci://${host}/${repository}`,
      '--ca-file',
      pki.caFile,
      '--username',
      credentials.username,
      '--password',
      credentials.password,
    ]);
  return {
    host,
    served,
    async push(chartDir, repository) {
      const out = path.join(path.dirname(pki.caFile), 'oci-archives');
      const archive = await packageChart(chartDir, out);
      await helmPush(archive, repository);
      pushed.push({ archive, repository });
    },
    async stop() {
      await close(server);
      await backend.process.stop();
    },
    async start() {
      backend = await startRegistryProcess(logDir);
      server = createHttpsServer(tls, handler);
      await listen(server, port);
      for (const p of pushed) await helmPush(p.archive, p.repository);
    },
  };
}

/** The archives a chart repository folder holds (for assertions). */
export async function archivesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.tgz')).sort();
}
