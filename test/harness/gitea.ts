// A real Gitea for the pullRequest and scmProvider e2e tests: built from its Go module (Debian
// has no Gitea package), cached under $SPOKES_CACHE_DIR/bin/gitea-<version>/, started on
// 127.0.0.1 with SQLite (the pure-Go driver, so CGO stays off) in a temp folder, an admin user
// and an API token made through its CLI and API.
//
// Gitea's module declares `module gitea.dev` while the proxy serves it as code.gitea.io/gitea, so
// it cannot be required from a wrapper go.mod like the other tools: its zip is downloaded and
// built as the main module, in its own folder, with its own go.sum and replace lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { cacheDir, goEnv } from './bins.ts';
import { pollUntil } from './poll.ts';

export const GITEA_MODULE = 'code.gitea.io/gitea';
export const GITEA_VERSION = 'v1.27.3';

export function giteaBinary(): string {
  return path.join(cacheDir(), 'bin', `gitea-${GITEA_VERSION}`, 'gitea');
}

/** Builds Gitea into the cache unless it is there; returns the binary. */
export async function buildGitea(log: (line: string) => void = console.log): Promise<string> {
  const binary = giteaBinary();
  if (existsSync(binary)) {
    log(`have gitea: ${binary}`);
    return binary;
  }
  const started = Date.now();
  log(`building gitea ${GITEA_VERSION} (${GITEA_MODULE}, as its own main module)`);
  const scratch = await mkdtemp(path.join(tmpdir(), 'spokes-gitea-dl-'));
  try {
    const info = JSON.parse(
      await output('go', ['mod', 'download', '-json', `${GITEA_MODULE}@${GITEA_VERSION}`], scratch),
    ) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new Error(`go mod download ${GITEA_MODULE}: ${info.Error ?? 'no folder'}`);
    await mkdir(path.dirname(binary), { recursive: true });
    const staging = `${binary}.build-${process.pid}`;
    const ldflags = `-s -w -X main.Version=${GITEA_VERSION.slice(1)}`;
    await output('go', ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', staging, '.'], info.Dir);
    await rename(staging, binary);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  log(`built gitea in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return binary;
}

/** The module's own folder (templates and options Gitea reads at run time). */
async function moduleDir(): Promise<string> {
  const info = JSON.parse(
    await output('go', ['mod', 'download', '-json', `${GITEA_MODULE}@${GITEA_VERSION}`], tmpdir()),
  ) as { Dir: string };
  return info.Dir;
}

function output(command: string, args: readonly string[], cwd: string, env = goEnv()): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${command} ${args.join(' ')} (exit ${code}): ${err.slice(-2000)}`)),
    );
  });
}

export interface Gitea {
  /** http://127.0.0.1:PORT (no trailing slash). */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** An API token with every scope. */
  readonly token: string;
  /** Calls the API as the admin user (token auth); throws on a non-2xx status. */
  api<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startGitea(): Promise<Gitea> {
  const binary = giteaBinary();
  if (!existsSync(binary))
    throw new Error(`gitea missing (${binary}); run \`npm run test:bins\` (needs Go) first`);
  const dir = await mkdtemp(path.join(tmpdir(), 'spokes-gitea-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = path.join(dir, 'app.ini');
  await writeFile(config, appIni(dir, port, await moduleDir()));
  const run = (args: string[]): Promise<string> =>
    output(binary, [...args, '--config', config], dir, { ...process.env, GITEA_WORK_DIR: dir, HOME: dir });
  await run(['migrate']);
  const username = 'spokes-admin';
  const password = 'spokes-Passw0rd!';
  await run([
    'admin',
    'user',
    'create',
    '--admin',
    '--username',
    username,
    '--password',
    password,
    '--email',
    'admin@example.com',
    '--must-change-password=false',
  ]);
  const child = spawn(binary, ['web', '--config', config], {
    cwd: dir,
    env: { ...process.env, GITEA_WORK_DIR: dir, HOME: dir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await pollUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`gitea exited (${child.exitCode}): ${stderr}`);
        return (await fetch(`${url}/api/v1/version`).catch(() => undefined))?.ok === true;
      },
      { what: 'gitea to serve its API', timeoutMs: 60_000, intervalMs: 200 },
    );
    const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const created = await call<{ sha1: string }>(url, basic, 'POST', `/api/v1/users/${username}/tokens`, {
      name: 'spokes-e2e',
      scopes: ['all'],
    });
    const token = created.sha1;
    return {
      url,
      username,
      password,
      token,
      api: (method, apiPath, body) => call(url, `token ${token}`, method, apiPath, body),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function call<T>(
  base: string,
  authorization: string,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(base + apiPath, {
    method,
    headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`gitea ${method} ${apiPath}: HTTP ${response.status}: ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

function appIni(dir: string, port: number, staticRoot: string): string {
  // CI runs as root: Gitea refuses that unless told (a throwaway server on loopback).
  return `APP_NAME = spokes-e2e
RUN_MODE = prod
WORK_PATH = ${dir}
RUN_USER = ${userInfo().username}
I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = ${process.getuid?.() === 0}

[database]
DB_TYPE = sqlite3
PATH = ${dir}/gitea.db

[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = ${port}
ROOT_URL = http://127.0.0.1:${port}/
DISABLE_SSH = true
OFFLINE_MODE = true
STATIC_ROOT_PATH = ${staticRoot}
APP_DATA_PATH = ${dir}/data
LFS_START_SERVER = false

[repository]
ROOT = ${dir}/repositories

[security]
INSTALL_LOCK = true
SECRET_KEY = spokes-e2e-secret-key-not-for-production
INTERNAL_TOKEN = eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYmYiOjE3MDAwMDAwMDB9.c3Bva2VzLWUyZS1pbnRlcm5hbC10b2tlbg

[service]
DISABLE_REGISTRATION = true
REQUIRE_SIGNIN_VIEW = false

[webhook]
ALLOWED_HOST_LIST = loopback
DELIVER_TIMEOUT = 5

[mailer]
ENABLED = false

[session]
PROVIDER = memory

[cache]
ADAPTER = memory

[indexer]
ISSUE_INDEXER_TYPE = db
REPO_INDEXER_ENABLED = false

[cron]
ENABLED = false

[log]
MODE = console
LEVEL = Warn
`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
