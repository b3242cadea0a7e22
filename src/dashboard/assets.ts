/**
 * The page's files: the dashboard's own ES modules and stylesheet (src/dashboard/web), and the
 * front-end library's modules straight from node_modules (preact, its hooks, htm), read once at
 * start. No bundler: the bare module names (`from 'preact'`) are pointed at their /vendor/ URLs as
 * the files are read, so the page needs no inline import map and the Content-Security-Policy
 * allows scripts from this origin only.
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

const SPECIFIER = /(\bfrom\s*|\bimport\s*)(['"])(preact|preact\/hooks|htm)\2/g;

/** `from 'preact'` → `from '/vendor/preact.mjs'` in a JavaScript module. */
export function pointAtVendor(source: string): string {
  return source.replace(
    SPECIFIER,
    (_, keyword: string, quote: string, name: string) => `${keyword}${quote}${VENDOR[name]}${quote}`,
  );
}

function readModule(body: Buffer, path: string): Buffer {
  return path.endsWith('.js') || path.endsWith('.mjs')
    ? Buffer.from(pointAtVendor(body.toString('utf8')))
    : body;
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
    files.set(url, asset(readModule(await readFile(path), path), path));
  }
  for (const [specifier, url] of Object.entries(VENDOR)) {
    const path = fileURLToPath(import.meta.resolve(specifier));
    files.set(url, asset(readModule(await readFile(path), path), path));
  }
  // Every module is announced up front, so the browser fetches them at once, not import by import.
  const preload = [...files.keys()]
    .filter((url) => url.endsWith('.js') || url.endsWith('.mjs'))
    .map((url) => `<link rel="modulepreload" href="${url}" />`)
    .join('\n    ');
  const shell = (await readFile(join(WEB_DIR, 'index.html'), 'utf8')).replace('<!--MODULES-->', preload);
  return { files, index: asset(Buffer.from(shell), 'index.html') };
}
