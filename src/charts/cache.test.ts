import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../log.ts';
import { RefreshingCache } from './refreshing.ts';
import { ArchiveStore, type Stored } from './store.ts';

describe('index and tag lists: refreshed at most once per interval, one load in flight', () => {
  test('concurrent callers share one load; the value is reused until it is stale', async () => {
    let now = 0;
    let loads = 0;
    const cache = new RefreshingCache<number>(1000, () => now);
    const load = (): Promise<number> => Promise.resolve(++loads);
    assert.deepEqual(
      await Promise.all(Array.from({ length: 100 }, () => cache.get('repo', load))),
      Array(100).fill(1),
    );
    now = 999;
    assert.equal(await cache.get('repo', load), 1);
    now = 2000;
    assert.equal(await cache.get('repo', load), 2);
    assert.equal(await cache.get('repo', load, true), 3, 'a hard refresh loads again');
  });
  test('a failed load is not kept', async () => {
    const cache = new RefreshingCache<string>(60_000);
    await assert.rejects(
      cache.get('repo', () => Promise.reject(new Error('down'))),
      /down/,
    );
    assert.equal(await cache.get('repo', () => Promise.resolve('up')), 'up');
  });
});

describe('the archive store: bounded, least recently used out, one download per key', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'spokes-store-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  const archive = (n: number, digest?: string): Stored => ({
    label: `a${n}`,
    helmChart: true,
    bytes: Buffer.alloc(400, n),
    ...(digest ? { digest } : {}),
  });

  test('one download however many ask; then from disk', async () => {
    const store = new ArchiveStore({ dir: join(dir, 'one'), maxBytes: 10_000, log: silentLogger });
    let downloads = 0;
    const fetch = (): Promise<Stored> => {
      downloads++;
      return Promise.resolve(archive(1));
    };
    await Promise.all(Array.from({ length: 50 }, () => store.get('k', undefined, fetch)));
    assert.equal((await store.get('k', undefined, fetch)).bytes[0], 1);
    assert.equal(downloads, 1);
    // A new store over the same folder (a restart) finds it on disk.
    const again = new ArchiveStore({ dir: join(dir, 'one'), maxBytes: 10_000, log: silentLogger });
    await again.get('k', undefined, fetch);
    assert.equal(downloads, 1);
  });

  test('past the bound the least recently used archive goes', async () => {
    const store = new ArchiveStore({ dir: join(dir, 'lru'), maxBytes: 1000, log: silentLogger });
    await store.get('a', undefined, () => Promise.resolve(archive(1)));
    await store.get('b', undefined, () => Promise.resolve(archive(2)));
    await store.get('a', undefined, () => Promise.resolve(archive(9))); // touches a
    await store.get('c', undefined, () => Promise.resolve(archive(3))); // 1200 bytes: b goes
    assert.equal(store.totalBytes, 800);
    assert.deepEqual((await readdir(join(dir, 'lru'))).filter((f) => f.endsWith('.tgz')).length, 2);
    assert.equal(
      (await store.get('b', undefined, () => Promise.resolve(archive(7)))).bytes[0],
      7,
      'b was evicted',
    );
  });

  test('a republished version (another digest) is downloaded again', async () => {
    const store = new ArchiveStore({ dir: join(dir, 'digest'), maxBytes: 10_000, log: silentLogger });
    await store.get('v', 'sha256:1', () => Promise.resolve(archive(1, 'sha256:1')));
    assert.equal(
      (await store.get('v', 'sha256:1', () => Promise.resolve(archive(5, 'sha256:1')))).bytes[0],
      1,
    );
    assert.equal(
      (await store.get('v', 'sha256:2', () => Promise.resolve(archive(2, 'sha256:2')))).bytes[0],
      2,
    );
  });
});
