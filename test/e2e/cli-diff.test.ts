/**
 * `spokes diff --manifests` with the real kustomize and helm binaries of the harness: a PR that
 * changes a kustomization and a chart's values shows the rendered objects that change, and a
 * Secret's values stay hidden.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main.ts';
import { requireBinaries } from '../harness/bins.ts';

const exec = promisify(execFile);
const SELF = 'https://git.spokes.invalid/org/tools.git';

async function git(cwd: string, ...args: string[]): Promise<void> {
  const identity = {
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@t',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@t',
  };
  await exec('git', args, { cwd, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', ...identity } });
}

async function commit(root: string, files: Record<string, string>, message: string): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await git(root, 'add', '-A');
  await git(root, 'commit', '--quiet', '-m', message);
}

const appSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: tools, namespace: argocd}
spec:
  generators:
    - list:
        elements:
          - {name: kust, path: apps/kust}
          - {name: web, path: charts/web}
  template:
    metadata: {name: '{{name}}'}
    spec:
      project: default
      source: {repoURL: ${SELF}, targetRevision: HEAD, path: '{{path}}'}
      destination: {server: https://kubernetes.default.svc, namespace: '{{name}}'}
`;

function kustomization(color: string): string {
  return `resources: [cm.yaml]
configMapGenerator:
  - name: settings
    literals: [color=${color}]
generatorOptions: {disableNameSuffixHash: true}
`;
}

const chartTemplate = `apiVersion: apps/v1
kind: Deployment
metadata: {name: {{ .Release.Name }}}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:{{ .Values.tag }}"}]}
---
apiVersion: v1
kind: Secret
metadata: {name: {{ .Release.Name }}-creds}
stringData: {password: {{ .Values.password | quote }}}
`;

function values(replicas: number, password: string): string {
  return `replicas: ${replicas}\ntag: "1.27"\npassword: ${password}\n`;
}

let root = '';
let binaries: ReturnType<typeof requireBinaries>;

before(async () => {
  binaries = requireBinaries(['kustomize', 'helm']);
  root = await mkdtemp(join(tmpdir(), 'spokes-diff-e2e-'));
  await git(root, 'init', '--quiet', '--initial-branch', 'main', '.');
  await git(root, 'remote', 'add', 'origin', SELF);
  await commit(
    root,
    {
      'appsets/tools.yaml': appSet,
      'apps/kust/kustomization.yaml': kustomization('blue'),
      'apps/kust/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: static}\ndata: {a: "1"}\n',
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'charts/web/values.yaml': values(1, 'first-password'),
      'charts/web/templates/all.yaml': chartTemplate,
    },
    'one',
  );
  await commit(
    root,
    {
      'apps/kust/kustomization.yaml': kustomization('green'),
      'charts/web/values.yaml': values(3, 'second-password'),
    },
    'two',
  );
});

after(async () => {
  if (root !== '') await rm(root, { recursive: true, force: true });
});

async function spokes(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('spokes diff --manifests with kustomize and helm', () => {
  test('object diffs of the changed objects only; Secret values hidden', async () => {
    const r = await spokes(
      'diff',
      '-C',
      root,
      '--base',
      'main~1',
      '--head',
      'main',
      '--manifests',
      '--kustomize-path',
      binaries.kustomize,
      '--helm-path',
      binaries.helm,
      '--exit-code',
    );
    // Nothing on stderr but progress, which a slow (loaded) machine may print after 1 s.
    const notProgress = r.stderr
      .split('\n')
      .filter((line) => line !== '' && !/^spokes diff: rendering manifests: /.test(line));
    assert.deepEqual(notProgress, []);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /0 added, 0 removed, 0 changed, 2 with manifest changes only, 0 unchanged/);
    // kustomize: the generated ConfigMap changed, the static one did not.
    assert.match(
      r.stdout,
      /~ argocd\/kust \(manifests only\)\n {6}manifests:\n {8}--- base\/ConfigMap settings\n/,
    );
    assert.match(r.stdout, /- {2}color: blue\n {8}\+ {2}color: green\n/);
    assert.doesNotMatch(r.stdout, /ConfigMap static/);
    // helm: the Deployment's replicas, and the Secret only as changed.
    assert.match(r.stdout, /--- base\/apps\/Deployment web\n/);
    assert.match(r.stdout, /- {2}replicas: 1\n {8}\+ {2}replicas: 3\n/);
    assert.match(r.stdout, /\+ {2}password: "\[redacted: changed\]"/);
    assert.doesNotMatch(r.stdout, /first-password|second-password/);
  });

  test('a missing tool is reported for the Application, not for the run', async () => {
    const r = await spokes(
      'diff',
      '-C',
      root,
      '--base',
      'main~1',
      '--head',
      'main',
      '--manifests',
      '--kustomize-path',
      binaries.kustomize,
      '--helm-path',
      join(root, 'no-helm'),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /\nnot rendered at either side \(manifests unknown\):\n {2}! argocd\/web \(cluster https:\/\/kubernetes\.default\.svc\): spec\.source \(\S+ path charts\/web\): helm not found at /,
    );
    assert.match(r.stdout, /~ argocd\/kust \(manifests only\)\n {6}manifests:\n/);
  });
});
