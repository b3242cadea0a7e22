/**
 * Chart archives on disk under the cache folder, bounded in size: each entry is one archive
 * (`<key digest>.tgz`) and its description (`.json`: repository, chart, version, content digest),
 * written atomically; the least recently used go first when the total passes the bound. Archives
 * hold no credentials. Concurrent requests for one key share one download.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.ts';

export interface StoredEntry {
  /** What the entry is, for humans and the digest check. */
  readonly label: string;
  /** The archive's content digest when the source told it (`sha256:…`). */
  readonly digest?: string;
  /** The tar holds a Helm chart in one top folder (as opposed to a plain OCI content layer). */
  readonly helmChart: boolean;
}

export interface Stored extends StoredEntry {
  readonly bytes: Buffer;
}

interface Held {
  size: number;
  used: number;
}

export class ArchiveStore {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #log: Logger;
  readonly #held = new Map<string, Held>();
  readonly #inflight = new Map<string, Promise<Stored>>();
  #total = 0;
  #scanned: Promise<void> | undefined;
  #clock = 0;

  constructor(options: { readonly dir: string; readonly maxBytes: number; readonly log: Logger }) {
    this.#dir = options.dir;
    this.#maxBytes = options.maxBytes;
    this.#log = options.log;
  }

  /** Archives already on disk (from an earlier run) count towards the bound, oldest first. */
  #scan(): Promise<void> {
    this.#scanned ??= (async () => {
      await mkdir(this.#dir, { recursive: true });
      const files = (await readdir(this.#dir)).filter((f) => f.endsWith('.tgz'));
      const found = await Promise.all(
        files.map(async (f) => ({
          name: f.slice(0, -4),
          info: await stat(join(this.#dir, f)).catch(() => undefined),
        })),
      );
      for (const { name, info } of found.sort((a, b) => (a.info?.mtimeMs ?? 0) - (b.info?.mtimeMs ?? 0))) {
        if (info === undefined) continue;
        this.#held.set(name, { size: info.size, used: ++this.#clock });
        this.#total += info.size;
      }
    })();
    return this.#scanned;
  }

  static keyOf(parts: readonly string[]): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  }

  async #read(name: string): Promise<Stored | undefined> {
    try {
      const meta = JSON.parse(await readFile(join(this.#dir, `${name}.json`), 'utf8')) as StoredEntry;
      const bytes = await readFile(join(this.#dir, `${name}.tgz`));
      return { ...meta, bytes };
    } catch {
      return undefined;
    }
  }

  /**
   * The archive stored under `key`, else the one `download` brings (then stored). A stored entry
   * whose digest differs from `digest` (when given) is replaced: the version was republished.
   */
  async get(key: string, digest: string | undefined, download: () => Promise<Stored>): Promise<Stored> {
    await this.#scan();
    const flight = `${key}\0${digest ?? ''}`;
    let pending = this.#inflight.get(flight);
    if (pending === undefined) {
      pending = this.#getOrFetch(key, digest, download).finally(() => this.#inflight.delete(flight));
      this.#inflight.set(flight, pending);
    }
    return pending;
  }

  async #getOrFetch(
    key: string,
    digest: string | undefined,
    download: () => Promise<Stored>,
  ): Promise<Stored> {
    const held = this.#held.get(key);
    if (held !== undefined) {
      const stored = await this.#read(key);
      if (
        stored !== undefined &&
        (digest === undefined || stored.digest === undefined || stored.digest === digest)
      ) {
        held.used = ++this.#clock;
        return stored;
      }
    }
    const fresh = await download();
    await this.#put(key, fresh);
    return fresh;
  }

  async #put(key: string, entry: Stored): Promise<void> {
    const { bytes, ...meta } = entry;
    const tmp = join(this.#dir, `.${key}.${process.pid}.${++this.#clock}`);
    try {
      await writeFile(`${tmp}.tgz`, bytes);
      await writeFile(`${tmp}.json`, JSON.stringify(meta));
      await rename(`${tmp}.json`, join(this.#dir, `${key}.json`));
      await rename(`${tmp}.tgz`, join(this.#dir, `${key}.tgz`));
    } catch (err) {
      // A full or read-only disk costs the cache, not the render.
      this.#log.warn('chart cache write failed', { error: err });
      await Promise.all([rm(`${tmp}.tgz`, { force: true }), rm(`${tmp}.json`, { force: true })]);
      return;
    }
    const previous = this.#held.get(key);
    this.#total += bytes.length - (previous?.size ?? 0);
    this.#held.set(key, { size: bytes.length, used: ++this.#clock });
    await this.#evict(key);
  }

  async #evict(keep: string): Promise<void> {
    while (this.#total > this.#maxBytes) {
      let victim: string | undefined;
      let oldest = Infinity;
      for (const [name, held] of this.#held) {
        if (name !== keep && held.used < oldest) [victim, oldest] = [name, held.used];
      }
      if (victim === undefined) return;
      this.#total -= this.#held.get(victim)!.size;
      this.#held.delete(victim);
      await Promise.all([
        rm(join(this.#dir, `${victim}.tgz`), { force: true }),
        rm(join(this.#dir, `${victim}.json`), { force: true }),
      ]);
    }
  }

  /** Bytes held on disk now (for tests and metrics). */
  get totalBytes(): number {
    return this.#total;
  }
}
