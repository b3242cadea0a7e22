/** The README's shell blocks are all annotated (run by the quickstart e2e test, or why not). */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readmeShellBlocks } from '../support/readme.ts';

test('every README shell block says whether the quickstart test runs it', () => {
  const blocks = readmeShellBlocks();
  const steps = blocks.flatMap((b) => (b.step === undefined ? [] : [b.step]));
  assert.ok(steps.length >= 5, 'the quickstart has run steps');
  assert.equal(new Set(steps).size, steps.length, 'step names are unique');
  for (const b of blocks) assert.ok(b.script.trim() !== '', `README.md:${b.line} is not empty`);
});

test('an unannotated shell block is an error naming its line', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'spokes-readme-'));
  try {
    const file = path.join(dir, 'README.md');
    await writeFile(file, '# x\n\n<!-- run: a -->\n```sh\necho a\n```\n\ntext\n```sh\necho b\n```\n');
    assert.throws(() => readmeShellBlocks(file), /README\.md:9: a ```sh block needs "<!-- run: STEP -->"/);
    await writeFile(file, '<!-- not run: covered elsewhere -->\n```sh\necho a\n```\n');
    assert.deepEqual(readmeShellBlocks(file), [
      { step: undefined, reason: 'covered elsewhere', script: 'echo a', line: 2 },
    ]);
  } finally {
    await rm(dir, { recursive: true });
  }
});
