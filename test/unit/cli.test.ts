import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
    ['spokes generate --help', ['generate', '--help'], /Usage: spokes generate PATH\.\.\./],
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
      'an ApplicationSet of the wrong apiVersion',
      'apiVersion: argoproj.io/v1\nkind: ApplicationSet\nmetadata: {name: x}\nspec: {generators: [{list: {elements: []}}], template: {metadata: {}, spec: {project: p, destination: {}}}}\n',
      /bad\.yaml › ApplicationSet argocd\/x: apiVersion: /,
    ],
    [
      'a spec without generators',
      'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: x}\nspec: {template: {metadata: {}, spec: {project: p, destination: {}}}}\n',
      /bad\.yaml › ApplicationSet argocd\/x: The ApplicationSet "x" is invalid: spec\.generators: Required value/,
    ],
    [
      'a generator missing its children',
      'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: x}\nspec:\n  generators: [{matrix: {generators: {}}}]\n  template: {}\n',
      /bad\.yaml › ApplicationSet argocd\/x: The ApplicationSet "x" is invalid: \n\* spec\.generators\[0\]\.matrix\.generators: Invalid value: "object": spec\.generators\[0\]\.matrix\.generators in body must be of type array: "object"\n\* spec\.template\.metadata: Required value\n\* spec\.template\.spec: Required value/,
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
    assert.match(r.stderr, /missing\.yaml: cannot read: no such file or directory/);
    assert.doesNotMatch(r.stderr, /ENOENT|EISDIR/);
  });

  test('a folder: YAML files found recursively, in path order; other kinds skipped with one note per kind', async () => {
    const root = mkdtempSync(join(tmpdir(), 'spokes-cli-tree-'));
    mkdirSync(join(root, 'b', '.hidden'), { recursive: true });
    mkdirSync(join(root, 'a'));
    const appSet = (name: string): string =>
      `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: ${name}}\nspec:\n  generators: [{list: {elements: [{x: '1'}]}}]\n  template:\n    metadata: {name: '${name}-app'}\n    spec: {project: default, destination: {server: https://kubernetes.default.svc, namespace: x}}\n`;
    writeFileSync(join(root, 'b', 'z.yml'), appSet('second'));
    writeFileSync(join(root, 'b', '.hidden', 'h.yaml'), appSet('hidden'));
    writeFileSync(
      join(root, 'a', 'one.yaml'),
      `${appSet('first')}---\nkind: AppProject\nmetadata: {name: p}\n---\nkind: Application\nmetadata: {name: x}\n---\nkind: Application\nmetadata: {name: y}\n`,
    );
    writeFileSync(join(root, 'README.md'), 'not yaml');
    const r = await spokes('generate', root, '--clusters', emptyClusters, '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { metadata: { name: string } }[]).map((a) => a.metadata.name),
      ['first-app', 'second-app'],
    );
    assert.equal(
      r.stderr,
      'spokes generate: note: skipped 1 AppProject document (not an ApplicationSet)\n' +
        'spokes generate: note: skipped 2 Application documents (not an ApplicationSet)\n',
    );
  });

  test('one failing ApplicationSet does not hide the others: all rendered printed, each failure its own message, exit 1', async () => {
    const root = mkdtempSync(join(tmpdir(), 'spokes-cli-fail-'));
    const bad = (name: string): string =>
      `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: ${name}}\nspec:\n  generators: [{bogus: {}}]\n  template: {metadata: {}, spec: {project: p, destination: {}}}\n`;
    writeFileSync(join(root, '1.yaml'), bad('bad-one'));
    writeFileSync(join(root, '2.yaml'), 'kind: [broken\n');
    const r = await spokes(
      'generate',
      root,
      good,
      join(root, 'missing'),
      '--clusters',
      emptyClusters,
      '-o',
      'json',
    );
    assert.equal(r.code, 1);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { metadata: { name: string } }[]).map((a) => a.metadata.name),
      ['a', 'b'],
    );
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('spokes generate: error: '));
    assert.equal(errors.length, 3, r.stderr);
    assert.match(errors[0]!, /missing: cannot read: no such file or directory/);
    // Reading failures first (paths, then files), then each ApplicationSet that failed to expand.
    assert.match(errors[1]!, /2\.yaml: invalid YAML/);
    assert.match(errors[2]!, /1\.yaml › ApplicationSet argocd\/bad-one › spec\.generators\[0\]: /);
  });
});
