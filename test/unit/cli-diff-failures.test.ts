// `spokes diff` on a real git repository: one ApplicationSet that fails to expand does not hide
// the others, and its Applications are left out of both sides (never shown as removed).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main.ts';

const exec = promisify(execFile);
const env = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@t',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@t',
};

function appSet(name: string, elements: string, generator = 'list'): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: ${name}, namespace: argocd}
spec:
  generators: [{${generator}: {elements: [${elements}]}}]
  template:
    metadata: {name: '${name}-{{id}}'}
    spec:
      project: default
      source: {repoURL: https://example.com/r.git, path: apps}
      destination: {server: https://kubernetes.default.svc, namespace: x}
`;
}

let root = '';
async function commit(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await exec('git', ['add', '-A'], { cwd: root, env });
  await exec('git', ['commit', '--quiet', '-m', 'c'], { cwd: root, env });
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'spokes-diff-failures-'));
  await exec('git', ['init', '--quiet', '--initial-branch', 'main', '.'], { cwd: root, env });
  await commit({
    'appsets/good.yaml': appSet('good', "{id: '1'}"),
    'appsets/flaky.yaml': appSet('flaky', "{id: '1'}"),
  });
  await commit({
    'appsets/good.yaml': appSet('good', "{id: '1'}, {id: '2'}"),
    'appsets/flaky.yaml': appSet('flaky', "{id: '1'}", 'bogus'),
  });
});
after(async () => {
  if (root !== '') await rm(root, { recursive: true, force: true });
});

test('a failing ApplicationSet is reported; the others are still compared; exit 1', async () => {
  let stdout = '';
  let stderr = '';
  const code = await main(['diff', '-C', root, '--base', 'HEAD~1', '--head', 'HEAD', '-o', 'json'], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  assert.equal(code, 1);
  assert.match(
    stderr,
    /spokes diff: error: head \(HEAD\) › appsets\/flaky\.yaml › .*unknown generator "bogus"/,
  );
  const report = JSON.parse(stdout) as { added: { name: string }[]; removed: unknown[] };
  assert.deepEqual(
    report.added.map((a) => a.name),
    ['good-2'],
  );
  assert.deepEqual(report.removed, [], "the failed ApplicationSet's Applications are not shown as removed");
});
