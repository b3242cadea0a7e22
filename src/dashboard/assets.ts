/**
 * The page's files: the dashboard's own ES modules and stylesheet (src/dashboard/web), and the
 * front-end library's modules straight from node_modules (preact, its hooks, htm), read once at
 * start. No bundler: an import map in index.html maps the bare names to /vendor/ URLs, and the
 * Content-Security-Policy allows that one inline script by its hash.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

export interface Assets {
  /** By URL path: `/static/...`, `/vendor/...`. */
  readonly files: ReadonlyMap<string, Asset>;
  /** The page shell every page route answers with. */
  readonly index: Asset;
  /** CSP source for the inline import map, e.g. `sha256-...`. */
  readonly importMapHash: string;
}

const WEB_DIR = join(import.meta.dirname, 'web');

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const VENDOR: Readonly<Record<string, string>> = {
  preact: '/vendor/preact.mjs',
  'preact/hooks': '/vendor/preact-hooks.mjs',
  htm: '/vendor/htm.mjs',
};

function asset(body: Buffer, path: string): Asset {
  const ext = path.slice(path.lastIndexOf('.'));
  return {
    body,
    type: TYPES[ext] ?? 'application/octet-stream',
    etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
  };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (!entry.name.endsWith('.json') && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

export async function loadAssets(): Promise<Assets> {
  const files = new Map<string, Asset>();
  for (const path of await walk(WEB_DIR)) {
    const url = `/static/${relative(WEB_DIR, path).split('\\').join('/')}`;
    if (url === '/static/index.html') continue;
    files.set(url, asset(await readFile(path), path));
  }
  for (const [specifier, url] of Object.entries(VENDOR)) {
    const path = fileURLToPath(import.meta.resolve(specifier));
    files.set(url, asset(await readFile(path), path));
  }
  const importMap = JSON.stringify({ imports: VENDOR });
  const importMapHash = `sha256-${createHash('sha256').update(importMap).digest('base64')}`;
  const shell = (await readFile(join(WEB_DIR, 'index.html'), 'utf8')).replace('{{IMPORT_MAP}}', importMap);
  return { files, index: asset(Buffer.from(shell), 'index.html'), importMapHash };
}
