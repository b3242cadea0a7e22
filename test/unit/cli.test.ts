import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../src/cli/main.ts';

async function spokes(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'spokes-cli-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const good = file(
  'good.yaml',
  `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: good, namespace: argocd}
spec:
  generators: [{list: {elements: [{name: a}, {name: b}]}}]
  template:
    metadata: {name: '{{name}}'}
    spec: {project: default, destination: {server: https://kubernetes.default.svc, namespace: x}}
`,
);
const emptyClusters = mkdtempSync(join(tmpdir(), 'spokes-cli-clusters-'));

describe('spokes CLI', () => {
  test('generate prints a YAML stream by default', async () => {
    const r = await spokes('generate', good, '--clusters', emptyClusters);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^apiVersion: argoproj\.io\/v1alpha1\nkind: Application\nmetadata:\n {2}name: a\n/,
    );
    assert.match(
      r.stdout,
      /\n---\napiVersion: argoproj\.io\/v1alpha1\nkind: Application\nmetadata:\n {2}name: b\n/,
    );
  });

  test('generate --output json prints an array', async () => {
    const r = await spokes('generate', good, '--clusters', emptyClusters, '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { metadata: { name: string } }[]).map((a) => a.metadata.name),
      ['a', 'b'],
    );
  });

  const help: [string, string[], RegExp][] = [
    ['spokes --help', ['--help'], /Commands:\n {2}generate/],
    ['spokes generate --help', ['generate', '--help'], /Usage: spokes generate FILE\.\.\./],
  ];
  for (const [name, argv, text] of help) {
    test(`${name} prints help and exits 0`, async () => {
      const r = await spokes(...argv);
      assert.equal(r.code, 0);
      assert.match(r.stdout, text);
    });
  }

  const usage: [string, string[], RegExp][] = [
    ['no command', [], /Usage: spokes COMMAND/],
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['generate without a file', ['generate'], /no FILE given/],
    ['an unknown option', ['generate', good, '--bogus'], /Unknown option '--bogus'/],
    ['a bad --output', ['generate', good, '--output', 'xml'], /--output must be yaml or json, got "xml"/],
    ['a bad --repo', ['generate', good, '--repo', 'nopath'], /--repo expects URL=PATH, got "nopath"/],
    ['a bad --plugin', ['generate', good, '--plugin', 'nourl'], /--plugin must be NAME=URL, got "nourl"/],
  ];
  for (const [name, argv, text] of usage) {
    test(`usage error: ${name} exits 2`, async () => {
      const r = await spokes(...argv);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, text);
    });
  }

  const failures: [string, string, RegExp][] = [
    ['malformed YAML', 'kind: [ApplicationSet\n', /bad\.yaml: invalid YAML at line \d+, column \d+/],
    [
      'a document that is not an ApplicationSet',
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: x}\nspec: {}\n',
      /bad\.yaml › ApplicationSet argocd\/x: kind: expected "ApplicationSet"/,
    ],
    [
      'a spec without generators',
      'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: x}\nspec: {template: {}}\n',
      /bad\.yaml › ApplicationSet argocd\/x: spec\.generators: /,
    ],
    [
      'a generator missing its children',
      'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: x}\nspec:\n  generators: [{matrix: {}}]\n  template: {}\n',
      /bad\.yaml › ApplicationSet argocd\/x › spec\.generators\[0\]\.matrix: generators: expected array/,
    ],
  ];
  for (const [name, text, message] of failures) {
    test(`failure: ${name} exits 1, names the file and field, prints nothing on stdout`, async () => {
      const r = await spokes('generate', file('bad.yaml', text), '--clusters', emptyClusters);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  }

  test('failure: a file that does not exist', async () => {
    const r = await spokes('generate', join(dir, 'missing.yaml'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /missing\.yaml: cannot read: ENOENT/);
  });
});
