/**
 * Chart archives (gzipped tars) read and written: listed and bounded before anything is
 * written (total size and entry count), extracted without absolute paths, `..` or links that
 * leave the destination, single files read straight from the archive, and chart folders packed
 * the way `helm package` lays them out (one top folder named after the chart).
 */
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create, extract, Parser, type ReadEntry } from 'tar';
import { SpokesError } from '../errors.ts';

export interface ArchiveLimits {
  /** Bytes the extracted files may take in all. */
  readonly maxBytes: number;
  readonly maxEntries?: number;
}

interface Listing {
  readonly files: Map<string, Buffer>;
  readonly topFolders: Set<string>;
  readonly size: number;
  readonly entries: number;
}

/** Walks every entry; keeps the bytes of those `keep` asks for. */
async function walk(bytes: Buffer, keep: (path: string) => boolean, what: string): Promise<Listing> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new SpokesError('RenderFailed', `${what}: not a readable gzipped tar (no gzip header)`);
  }
  const files = new Map<string, Buffer>();
  const topFolders = new Set<string>();
  let size = 0;
  let entries = 0;
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      entries++;
      size += entry.size;
      const path = entry.path.replace(/^\.\//, '');
      const top = path.split('/')[0];
      if (top !== undefined && top !== '' && (path.includes('/') || entry.type === 'Directory'))
        topFolders.add(top);
      if (entry.type === 'File' && keep(path)) {
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => files.set(path, Buffer.concat(chunks)));
      } else {
        entry.resume();
      }
    },
  });
  try {
    await pipeline(Readable.from([bytes]), parser);
  } catch (err) {
    throw new SpokesError(
      'RenderFailed',
      `${what}: not a readable gzipped tar: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return { files, topFolders, size, entries };
}

/** The files whose paths `keep` accepts, by path inside the archive. */
export async function readArchiveFiles(
  bytes: Buffer,
  keep: (path: string) => boolean,
  what: string,
): Promise<Map<string, Buffer>> {
  return (await walk(bytes, keep, what)).files;
}

/** The one top folder a chart archive holds (its chart's folder). */
export async function chartFolder(bytes: Buffer, what: string): Promise<string> {
  const { topFolders } = await walk(bytes, () => false, what);
  if (topFolders.size !== 1) {
    throw new SpokesError(
      'RenderFailed',
      `${what}: a chart archive holds one folder, this one holds ${topFolders.size}`,
    );
  }
  return [...topFolders][0]!;
}

function escapes(entry: ReadEntry): boolean {
  const path = entry.path.replace(/^\.\//, '');
  if (posix.isAbsolute(path) || posix.normalize(path).startsWith('..')) return true;
  if (entry.type !== 'SymbolicLink' && entry.type !== 'Link') return false;
  const target = entry.linkpath ?? '';
  if (posix.isAbsolute(target)) return true;
  const from = entry.type === 'Link' ? '' : posix.dirname(path);
  return posix.normalize(posix.join(from, target)).startsWith('..');
}

/** Extracts `bytes` into `dest` after checking its size; refuses paths and links leaving `dest`. */
export async function extractArchive(
  bytes: Buffer,
  dest: string,
  limits: ArchiveLimits,
  what: string,
): Promise<void> {
  const listing = await walk(bytes, () => false, what);
  if (listing.size > limits.maxBytes) {
    throw new SpokesError(
      'ResponseTooLarge',
      `${what}: extracts to ${listing.size} bytes, more than the ${limits.maxBytes} allowed`,
    );
  }
  if (listing.entries > (limits.maxEntries ?? 100_000)) {
    throw new SpokesError('ResponseTooLarge', `${what}: holds ${listing.entries} entries, more than allowed`);
  }
  let refused: string | undefined;
  const unpack = extract({
    cwd: dest,
    strict: true,
    noChmod: true,
    filter: (_path, entry) => {
      if (!('type' in entry) || !escapes(entry)) return true;
      refused ??= entry.path;
      return false;
    },
  });
  await pipeline(Readable.from([bytes]), unpack);
  if (refused !== undefined)
    throw new SpokesError('PathOutsideRepo', `${what}: "${refused}" leaves the archive: refused`);
}

/** A folder packed as a gzipped tar, its files under `prefix/` when given. */
export async function packFolder(dir: string, prefix?: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = create({ gzip: true, cwd: dir, portable: true, ...(prefix ? { prefix } : {}) }, ['.']);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A chart folder packed as `helm package` lays it out: under one top folder named after the chart. */
export function packChart(dir: string, name: string): Promise<Buffer> {
  return packFolder(dir, name);
}
