/**
 * Runs every shared conformance case through the library API and through the `spokes generate`
 * CLI, comparing with the output Argo CD gives.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { generateFromFiles } from '../../src/cli/generate.ts';
import { comparable, loadCases, type ConformanceCase } from './cases.ts';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/spokes.js');
const EMPTY_DIR = mkdtempSync(join(tmpdir(), 'spokes-no-clusters-'));

const cases = loadCases();

test('the shared conformance cases are found', () => {
  assert.ok(cases.length >= 10, `expected the shared cases, found ${cases.length}`);
});

for (const c of cases) {
  // Git cases need the git generators (issue 3); they run once those land.
  const pending = c.hasRepos ? 'needs the git generators' : false;
  describe(`conformance: ${c.name}`, { todo: pending }, () => {
    test('library API', async () => {
      const options = {
        files: [c.appSetFile],
        clustersDir: c.clustersDir ?? EMPTY_DIR,
        repos: new Map(),
        output: 'yaml',
      } as const;
      if ('error' in c.expected) {
        await assert.rejects(generateFromFiles(options), (err: Error) =>
          includesText(err.message, c.expected),
        );
      } else {
        assert.deepEqual(comparable(await generateFromFiles(options)), comparable(c.expected.apps));
      }
    });

    test('spokes generate CLI', async () => {
      const result = await runCli(c);
      if ('error' in c.expected) {
        assert.notEqual(result.code, 0, 'exit code');
        assert.equal(result.stdout, '', 'nothing on stdout');
        assert.ok(includesText(result.stderr, c.expected), `stderr: ${result.stderr}`);
      } else {
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(comparable(JSON.parse(result.stdout) as unknown[]), comparable(c.expected.apps));
      }
    });
  });
}

function includesText(message: string, expected: ConformanceCase['expected']): boolean {
  return 'error' in expected && message.toLowerCase().includes(expected.error.toLowerCase());
}

async function runCli(c: ConformanceCase): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [BIN, 'generate', c.appSetFile, '--clusters', c.clustersDir ?? EMPTY_DIR, '--output', 'json'];
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: c.dir });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
