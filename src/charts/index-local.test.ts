import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SpokesError } from '../errors.ts';
import { packChart } from './archive.ts';
import { archiveURL, indexURL, parseIndex } from './helm-index.ts';
import { parseChartRepoMappings } from './local.ts';
import { createChartSource } from './source.ts';

describe('index.yaml', () => {
  test('versions stay strings as Helm keeps them; entries keep URLs and digests', () => {
    const index = parseIndex(
      'apiVersion: v1\nentries:\n  web:\n  - version: 1.10\n    urls: [web-1.10.tgz]\n    digest: abc\n  - version: 1.2.0\n    urls: ["https://cdn.example/web-1.2.0.tgz"]\n',
      'test',
    );
    assert.deepEqual(index.get('web'), [
      { version: '1.10', urls: ['web-1.10.tgz'], digest: 'abc' },
      { version: '1.2.0', urls: ['https://cdn.example/web-1.2.0.tgz'] },
    ]);
  });
  test('not an index: a clear error', () => {
    assert.throws(
      () => parseIndex('<html>hello</html>', 'https://x'),
      /https:\/\/x: index.yaml has no entries/,
    );
  });
  test('index and archive URLs under the repository URL', () => {
    assert.equal(indexURL('https://h/charts/'), 'https://h/charts/index.yaml');
    const entry = { version: '1', urls: ['web-1.tgz'] };
    assert.equal(archiveURL('https://h/charts', entry, 'x'), 'https://h/charts/web-1.tgz');
    assert.equal(
      archiveURL('https://h/charts', { version: '1', urls: ['https://o/w.tgz'] }, 'x'),
      'https://o/w.tgz',
    );
    assert.equal(
      archiveURL('https://h/charts', { version: '1', urls: ['/abs/w.tgz'] }, 'x'),
      'https://h/abs/w.tgz',
    );
  });
});

describe('--chart-repo URL=DIR: charts from a local folder, never the network', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spokes-localcharts-'));
    for (const version of ['1.2.0', '1.3.0']) {
      const chart = join(dir, 'src', version);
      await mkdir(chart, { recursive: true });
      await writeFile(join(chart, 'Chart.yaml'), `apiVersion: v2\nname: web\nversion: ${version}\n`);
      await mkdir(join(dir, 'packed'), { recursive: true });
      await writeFile(join(dir, 'packed', `web-${version}.tgz`), await packChart(chart, 'web'));
    }
    await mkdir(join(dir, 'folders', 'web'), { recursive: true });
    await writeFile(join(dir, 'folders', 'web', 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 2.0.0\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('mappings: URL=DIR, the last = splits; anything else is a usage error', () => {
    assert.deepEqual(
      [...parseChartRepoMappings(['https://h/c/=/x', 'oci://r/p?a=b=/y'])],
      [
        ['https://h/c', '/x'],
        ['r/p?a=b', '/y'],
      ],
    );
    assert.throws(
      () => parseChartRepoMappings(['nope']),
      (e: unknown) => e instanceof SpokesError && e.code === 'Usage',
    );
  });

  test('packaged charts and chart folders resolve and archive offline', async () => {
    const source = createChartSource({
      cacheDir: join(dir, 'cache'),
      localRepos: parseChartRepoMappings([
        `https://charts.example.com=${join(dir, 'packed')}`,
        `ghcr.io/org=${join(dir, 'folders')}`,
      ]),
      proxy: 'http://127.0.0.1:9',
    });
    const packed = await source.resolve({
      repoURL: 'https://charts.example.com',
      chart: 'web',
      revision: '~1.2',
    });
    assert.equal(packed.version, '1.2.0');
    assert.equal((await source.archive({ ...packed, version: '1.2.0' })).helmChart, true);
    const folder = await source.resolve({ repoURL: 'ghcr.io/org', chart: 'web', revision: '>=2' });
    assert.equal(folder.version, '2.0.0');
    assert.ok((await source.archive(folder)).bytes.length > 0);
    await assert.rejects(
      source.resolve({ repoURL: 'https://charts.example.com', chart: 'api', revision: '1.0.0' }),
      /chart "api" of https:\/\/charts.example.com: not found in .* \(--chart-repo\)/,
    );
    assert.deepEqual(source.stats, { indexFetches: 0, tagListings: 0, archiveDownloads: 0 });
    await source.close();
  });
});
