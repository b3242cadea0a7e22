/**
 * Git remotes on 127.0.0.1 for fetch tests: `git daemon` (git://, counts upload-pack requests,
 * i.e. fetches) and smart HTTP through `git http-backend` behind HTTP Basic auth.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

export interface GitDaemon {
  /** The git:// URL of a repository folder under the daemon's base folder. */
  url(name: string): string;
  /** How many fetches (upload-pack requests) the daemon has served. */
  uploadPacks(): number;
  stop(): Promise<void>;
}

export async function startGitDaemon(baseDir: string): Promise<GitDaemon> {
  const port = await freePort();
  const child = spawn(
    'git',
    [
      'daemon',
      '--verbose',
      '--export-all',
      '--reuseaddr',
      '--listen=127.0.0.1',
      `--port=${port}`,
      `--base-path=${baseDir}`,
      baseDir,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`git daemon did not start: ${log}`)), 10_000);
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to rumble')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`git daemon exited (${code}): ${log}`)));
  });
  return {
    url: (name) => `git://127.0.0.1:${port}/${name}`,
    uploadPacks: () => log.match(/Request upload-pack/g)?.length ?? 0,
    stop: () => stopProcess(child),
  };
}

export interface GitHttpServer {
  url(name: string): string;
  stop(): Promise<void>;
}

/** Smart HTTP for the repositories under `root`, requiring `username`/`password` (Basic auth). */
export async function startGitHttpServer(
  root: string,
  credentials: { readonly username: string; readonly password: string },
): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const server = createHttpServer((req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    serveGit(root, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Runs `git http-backend` as a CGI program for one request. */
function serveGit(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_USER: 'test',
      REMOTE_ADDR: '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    const headers = head.subarray(0, end).toString().split('\r\n');
    let status = 200;
    for (const line of headers) {
      const [name, ...rest] = line.split(':');
      const value = rest.join(':').trim();
      if (name!.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(name!, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  child.stdout.on('end', () => res.end());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}
