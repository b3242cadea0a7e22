import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { create } from 'tar';
import { SpokesError } from '../errors.ts';
import { chartFolder, extractArchive, packChart, readArchiveFiles } from './archive.ts';

async function tgz(cwd: string, entries: string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of create(
    { gzip: true, cwd, portable: true, preservePaths: true },
    entries,
  ) as AsyncIterable<Buffer>)
    chunks.push(c);
  return Buffer.concat(chunks);
}

describe('chart archives', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spokes-archive-'));
    await mkdir(join(dir, 'web', 'templates'), { recursive: true });
    await writeFile(join(dir, 'web', 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 1.0.0\n');
    await writeFile(join(dir, 'web', 'templates', 'cm.yaml'), 'kind: ConfigMap\n');
    await symlink('../../../etc/passwd', join(dir, 'web', 'templates', 'escape.yaml'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a chart folder packs under one top folder, and reads back', async () => {
    const bytes = await packChart(join(dir, 'web'), 'web');
    assert.equal(await chartFolder(bytes, 'web'), 'web');
    const files = await readArchiveFiles(bytes, (p) => p.endsWith('Chart.yaml'), 'web');
    assert.match(files.get('web/Chart.yaml')?.toString() ?? '', /name: web/);
  });

  test('extraction refuses a link leaving the destination', async () => {
    const bytes = await tgz(dir, ['web']);
    const dest = await mkdtemp(join(dir, 'out-'));
    await assert.rejects(
      extractArchive(bytes, dest, { maxBytes: 1e6 }, 'web'),
      (err: unknown) =>
        err instanceof SpokesError && err.code === 'PathOutsideRepo' && /escape\.yaml/.test(err.message),
    );
  });

  test('extraction refuses an archive larger than the bound, before writing', async () => {
    await rm(join(dir, 'web', 'templates', 'escape.yaml'));
    const bytes = await tgz(dir, ['web']);
    const dest = await mkdtemp(join(dir, 'big-'));
    await assert.rejects(extractArchive(bytes, dest, { maxBytes: 10 }, 'web'), /more than the 10 allowed/);
    await extractArchive(bytes, dest, { maxBytes: 1e6 }, 'web');
    assert.equal(await readFile(join(dest, 'web', 'templates', 'cm.yaml'), 'utf8'), 'kind: ConfigMap\n');
  });

  test('what is not a gzipped tar says so', async () => {
    await assert.rejects(chartFolder(Buffer.from('<html>'), 'x'), /not a readable gzipped tar/);
  });
});
