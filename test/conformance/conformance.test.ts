/**
 * Runs every shared conformance case through the library API and through the `spokes generate`
 * CLI, comparing with the output Argo CD gives.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { generateFromFiles, parseGenerateArgs } from '../../src/cli/generate.ts';
import { createCaseRepos } from '../harness/git-repo.ts';
import { comparable, loadCases, type ConformanceCase } from './cases.ts';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/spokes.js');
const EMPTY_DIR = mkdtempSync(join(tmpdir(), 'spokes-no-clusters-'));

const cases = loadCases();

test('the shared conformance cases are found', () => {
  assert.ok(cases.length >= 10, `expected the shared cases, found ${cases.length}`);
});

for (const c of cases) {
  describe(`conformance: ${c.name}`, () => {
    // Git cases: a real repository per repos.yaml entry, passed as --repo URL=PATH.
    let repos = new Map<string, string>();
    let reposDir: string | undefined;
    before(async () => {
      if (!c.hasRepos) return;
      reposDir = mkdtempSync(join(tmpdir(), 'spokes-case-repos-'));
      repos = await createCaseRepos(c.dir, reposDir);
    });
    after(() => reposDir && rmSync(reposDir, { recursive: true, force: true }));

    test('library API', async () => {
      const external = parseGenerateArgs([c.appSetFile, ...c.externalFlags]);
      const options = {
        ...(external === 'help' ? {} : external),
        files: [c.appSetFile],
        clustersDir: c.clustersDir ?? EMPTY_DIR,
        repos,
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
      const result = await runCli(c, repos);
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

async function runCli(
  c: ConformanceCase,
  repos: ReadonlyMap<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [BIN, 'generate', c.appSetFile, '--clusters', c.clustersDir ?? EMPTY_DIR, '--output', 'json'];
  for (const [url, path] of repos) args.push('--repo', `${url}=${path}`);
  args.push(...c.externalFlags);
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: c.dir });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
