/**
 * `spokes diff` end to end through main(), on a real two-commit repository in a temp dir:
 * commit 1 has a list ApplicationSet, a git-directories × clusters ApplicationSet over this very
 * repository, and cluster Secrets; commit 2 adds a directory, relabels a cluster and changes a
 * targetRevision; the working tree then adds uncommitted changes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { main } from './main.ts';

const exec = promisify(execFile);
const SELF = 'https://git.spokes.invalid/org/fleet.git';

async function git(cwd: string, ...args: string[]): Promise<string> {
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@spokes.invalid',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@spokes.invalid',
  };
  return (await exec('git', args, { cwd, env })).stdout;
}

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

async function spokes(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function cluster(name: string, env: string): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: argocd
  labels: {argocd.argoproj.io/secret-type: cluster, env: ${env}}
stringData:
  name: ${name}
  server: https://${name}.spokes.invalid
  config: '{"bearerToken":"top-secret-token"}'
`;
}

function addons(logging: string, metrics = 'main'): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: addons, namespace: argocd}
spec:
  generators:
    - list:
        elements:
          - {name: logging, rev: ${logging}}
          - {name: metrics, rev: ${metrics}}
  template:
    metadata: {name: '{{name}}'}
    spec:
      project: default
      source: {repoURL: https://addons.spokes.invalid/addons.git, targetRevision: '{{rev}}', path: '{{name}}'}
      destination: {name: in-cluster, namespace: '{{name}}'}
`;
}

// The generator names the repository in another spelling than origin's, and a revision that is
// not the side's: both sides still read this repository at their own commit.
const apps = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: apps, namespace: argocd}
spec:
  goTemplate: true
  generators:
    - matrix:
        generators:
          - git:
              repoURL: https://Git.Spokes.invalid/org/fleet
              revision: release
              directories: [{path: 'apps/*'}]
          - clusters: {selector: {matchLabels: {env: prod}}}
  template:
    metadata: {name: '{{.path.basename}}-{{.name}}'}
    spec:
      project: default
      source: {repoURL: ${SELF}, targetRevision: HEAD, path: '{{.path.path}}'}
      destination: {name: '{{.name}}', namespace: '{{.path.basename}}'}
`;

function configMap(name: string, value: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {value: ${value}}\n`;
}

let root = '';
let commit1 = '';
let commit2 = '';
let outside = '';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'spokes-diff-'));
  outside = await mkdtemp(join(tmpdir(), 'spokes-diff-outside-'));
  await git(root, 'init', '--quiet', '--initial-branch', 'main', '.');
  await git(root, 'remote', 'add', 'origin', SELF);
  await write(root, {
    'appsets/addons.yaml': addons('main'),
    'appsets/apps.yaml': apps,
    'clusters/clusters.yaml': `${cluster('prod-1', 'prod')}---\n${cluster('prod-2', 'prod')}`,
    'apps/guestbook/cm.yaml': configMap('guestbook', 'one'),
    // Not YAML (a Helm template), and not an ApplicationSet: skipped.
    'charts/x/templates/cm.yaml': 'data: {{ .Values.data | toYaml }}\n',
    'README.md': '# fleet\n',
  });
  await git(root, 'add', '-A');
  await git(root, 'commit', '--quiet', '-m', 'one');
  commit1 = (await git(root, 'rev-parse', 'HEAD')).trim();
  await write(root, {
    'apps/web/cm.yaml': configMap('web', 'one'),
    'apps/guestbook/cm.yaml': configMap('guestbook', 'two'),
    'clusters/clusters.yaml': `${cluster('prod-1', 'prod')}---\n${cluster('prod-2', 'staging')}`,
    'appsets/addons.yaml': addons('v2'),
  });
  await git(root, 'add', '-A');
  await git(root, 'commit', '--quiet', '-m', 'two');
  commit2 = (await git(root, 'rev-parse', 'HEAD')).trim();
  // Uncommitted: a changed file, an untracked directory, a deleted one.
  await write(root, {
    'appsets/addons.yaml': addons('v2', 'v3'),
    'apps/api/cm.yaml': configMap('api', 'one'),
  });
  await rm(join(root, 'apps', 'guestbook'), { recursive: true });
});

after(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const short = (sha: string): string => sha.slice(0, 7);

describe('spokes diff', () => {
  test('between two commits: added (new directory), removed (relabelled cluster), changed', async () => {
    const r = await spokes('diff', '-C', root, '--base', 'main~1', '--head', 'main');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      `spokes diff: base main~1 (${short(commit1)}) → head main (${short(commit2)})
1 added, 1 removed, 1 changed, 2 unchanged

cluster in-cluster
  ~ argocd/logging
      spec.source.targetRevision: main → v2

cluster prod-1
  + argocd/web-prod-1

cluster prod-2
  - argocd/guestbook-prod-2
`,
    );
    assert.doesNotMatch(r.stdout + r.stderr, /top-secret-token/);
  });

  test('without --head: the working tree (changed, untracked and deleted files), left untouched', async () => {
    const status = await git(root, 'status', '--porcelain');
    const index = await readFile(join(root, '.git', 'index'));
    const r = await spokes('diff', '-C', join(root, 'apps'), '--base', commit2);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `spokes diff: base ${short(commit2)} → head working tree
1 added, 1 removed, 1 changed, 2 unchanged

cluster in-cluster
  ~ argocd/metrics
      spec.source.targetRevision: main → v3

cluster prod-1
  + argocd/api-prod-1
  - argocd/guestbook-prod-1
`,
    );
    assert.equal(await git(root, 'status', '--porcelain'), status);
    assert.deepEqual(await readFile(join(root, '.git', 'index')), index);
    assert.equal(await git(root, 'stash', 'list'), '');
  });

  test('PATHS limit the ApplicationSets read', async () => {
    const r = await spokes('diff', '-C', root, '--base', commit1, '--head', commit2, 'appsets/addons.yaml');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^0 added, 0 removed, 1 changed, 1 unchanged$/m);
    assert.doesNotMatch(r.stdout, /web-prod-1/);
  });

  test('--exit-code: 1 with changes, 0 without', async () => {
    const changed = await spokes('diff', '-C', root, '--base', commit1, '--head', commit2, '--exit-code');
    assert.equal(changed.code, 1);
    assert.equal(changed.stderr, '');
    assert.match(changed.stdout, /1 added, 1 removed, 1 changed/);
    const same = await spokes('diff', '-C', root, '--base', commit2, '--head', 'main', '--exit-code');
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /^no changes \(4 Applications, the same at both sides\)$/m);
  });

  test('--output json: the documented schema', async () => {
    const r = await spokes('diff', '-C', root, '--base', commit1, '--head', commit2, '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as {
      base: unknown;
      head: unknown;
      summary: unknown;
      added: { name: string; cluster: string; application: { spec: { source: { path: string } } } }[];
      removed: { name: string; namespace: string; cluster: string; appSet: string; file: string }[];
      changed: { name: string; changes: unknown[] }[];
    };
    assert.deepEqual(json.base, { revision: commit1, workingTree: false, commit: commit1 });
    assert.deepEqual(json.head, { revision: commit2, workingTree: false, commit: commit2 });
    assert.deepEqual(json.summary, { added: 1, removed: 1, changed: 1, unchanged: 2 });
    assert.deepEqual(
      json.added.map((a) => [a.name, a.cluster, a.application.spec.source.path]),
      [['web-prod-1', 'prod-1', 'apps/web']],
    );
    assert.deepEqual(
      json.removed.map(({ name, namespace, cluster, appSet, file }) => ({
        name,
        namespace,
        cluster,
        appSet,
        file,
      })),
      [
        {
          name: 'guestbook-prod-2',
          namespace: 'argocd',
          cluster: 'prod-2',
          appSet: 'argocd/apps',
          file: 'appsets/apps.yaml',
        },
      ],
    );
    assert.deepEqual(json.changed, [
      {
        name: 'logging',
        namespace: 'argocd',
        cluster: 'in-cluster',
        appSet: 'argocd/addons',
        file: 'appsets/addons.yaml',
        changes: [{ path: 'spec.source.targetRevision', kind: 'changed', base: 'main', head: 'v2' }],
      },
    ]);
  });

  test('--output markdown: a PR comment', async () => {
    const r = await spokes('diff', '-C', root, '--base', commit1, '--head', commit2, '-o', 'markdown');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^### spokes diff: 1 added, 1 removed, 1 changed\n/);
    assert.match(
      r.stdout,
      /#### Cluster `prod-2`: 1 removed\n\n<details><summary>Removed <code>argocd\/guestbook-prod-2<\/code>/,
    );
    assert.match(
      r.stdout,
      /```diff\n- spec\.source\.targetRevision: main\n\+ spec\.source\.targetRevision: v2\n```/,
    );
  });

  test('--manifests on plain-directory sources: object diffs, render errors per Application', async () => {
    const addonsRepo = 'https://addons.spokes.invalid/addons.git=/nonexistent/addons';
    const r = await spokes(
      'diff',
      '-C',
      root,
      '--base',
      commit1,
      '--head',
      commit2,
      '--manifests',
      '--repo',
      addonsRepo,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 added, 1 removed, 1 changed, 1 with manifest changes only, 1 unchanged\n/);
    // The added Application's object, and the unchanged one whose directory changed.
    assert.match(
      r.stdout,
      / {2}\+ argocd\/web-prod-1\n {6}manifests:\n {8}--- \/dev\/null\n {8}\+\+\+ head\/ConfigMap web\n/,
    );
    assert.match(
      r.stdout,
      / {2}~ argocd\/guestbook-prod-1 \(manifests only\)\n {6}manifests:\n {8}--- base\/ConfigMap guestbook\n {8}\+\+\+ head\/ConfigMap guestbook\n {8}@@ -3,4 \+3,4 @@\n(.*\n){3} {8}-  value: one\n {8}\+  value: two\n/,
    );
    // Another repository that cannot be reached: reported for that Application only.
    assert.match(
      r.stdout,
      / {2}~ argocd\/logging\n.*\n {6}manifests: cannot render at base: .*\/nonexistent\/addons is not a git repository/,
    );
  });

  test('--clusters DIR is read at each side', async () => {
    const r = await spokes(
      'diff',
      '-C',
      root,
      '--base',
      commit1,
      '--head',
      commit2,
      '--clusters',
      './clusters/',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1 added, 1 removed, 1 changed, 2 unchanged$/m);
  });

  test('--self-url names this repository when there is no origin', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'spokes-diff-copy-'));
    try {
      await git(copy, 'clone', '--quiet', root, '.');
      await git(copy, 'remote', 'remove', 'origin');
      const r = await spokes(
        'diff',
        '-C',
        copy,
        '--base',
        'main~1',
        '--head',
        'main',
        '--self-url',
        'https://GIT.spokes.invalid/org/fleet/',
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\+ argocd\/web-prod-1/);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  const errors: [string, () => string[], RegExp][] = [
    [
      'an unknown revision',
      () => ['-C', root, '--base', 'no-such-branch'],
      /--base "no-such-branch" names no commit/,
    ],
    [
      'an unknown head',
      () => ['-C', root, '--base', 'main', '--head', 'deadbeef'],
      /--head "deadbeef" names no commit/,
    ],
    ['not in a git repository', () => ['-C', outside, '--base', 'main'], /is not inside a git work tree/],
    [
      'a PATH at neither side',
      () => ['-C', root, '--base', 'main', 'nope/'],
      /PATH "nope\/" exists neither at base nor at head/,
    ],
    [
      'a --clusters folder at neither side',
      () => ['-C', root, '--base', 'main', '--clusters', 'fleet'],
      /--clusters "fleet" exists neither/,
    ],
  ];
  for (const [name, argv, message] of errors) {
    test(`error: ${name} exits 1, nothing on stdout`, async () => {
      const r = await spokes('diff', ...argv());
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  }

  test('error: an ApplicationSet broken at head names the side and the file, even with --exit-code; the rest is still compared', async () => {
    const broken = join(root, 'appsets', 'broken.yaml');
    await writeFile(
      broken,
      `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: broken, namespace: argocd}
spec:
  goTemplate: true
  generators: [{list: {elements: [{name: a}]}}]
  template:
    metadata: {name: '{{ .name '}
    spec: {project: default, destination: {name: in-cluster, namespace: x}}
`,
    );
    try {
      const r = await spokes('diff', '-C', root, '--base', 'main', '--exit-code');
      assert.equal(r.code, 1);
      assert.match(r.stdout, /1 added, 1 removed, 1 changed, 2 unchanged/);
      assert.match(
        r.stderr,
        /spokes diff: error: head \(working tree\) › appsets\/broken\.yaml › ApplicationSet argocd\/broken/,
      );
    } finally {
      await rm(broken);
    }
  });

  const usage: [string, () => string[], RegExp][] = [
    ['no --base', () => ['-C', root], /--base REV is required/],
    [
      'a bad --output',
      () => ['-C', root, '--base', 'main', '-o', 'xml'],
      /--output must be text, markdown or json/,
    ],
    ['a bad --repo', () => ['-C', root, '--base', 'main', '--repo', 'x'], /--repo expects URL=PATH/],
    [
      'a path outside the repository',
      () => ['-C', root, '--base', 'main', '../x'],
      /must be relative to the repository root/,
    ],
    ['an unknown option', () => ['-C', root, '--base', 'main', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [name, argv, message] of usage) {
    test(`usage: ${name} exits 2`, async () => {
      const r = await spokes('diff', ...argv());
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  }

  test('--help', async () => {
    const r = await spokes('diff', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: spokes diff --base REV \[--head REV\] \[PATHS\.\.\.\]/);
  });
});
