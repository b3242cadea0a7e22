/**
 * `spokes cluster` offline (--clusters DIR) through main(): every edit keeps the rest of the files
 * byte for byte, and every error leaves every file as it was.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { scanClusterSecrets } from '../clusters/secret-file-edit.ts';
import { DirStore, newClusterSecret } from './cluster/store.ts';
import { main } from './main.ts';

async function spokes(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const TEAM = `# Team clusters. This comment stays.
apiVersion: v1
kind: Secret
metadata:
  name: cluster-alpha
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: cluster   # do not touch
    env: prod
  annotations: {owner: team-a}
stringData:
  name: alpha
  server: https://127.0.0.1:1
  config: '{"bearerToken":"alpha-token-secret"}'
---
# Beta is in the same file.
apiVersion: v1
kind: Secret
metadata:
  name: cluster-beta
  namespace: argocd
  labels: {argocd.argoproj.io/secret-type: cluster, env: dev}
stringData:
  name: beta
  server: https://127.0.0.1:2/
  config: '{"bearerToken":"beta-token-secret"}'
---
apiVersion: v1
kind: Secret
metadata:
  name: repo-x
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  url: https://example.com/x.git
`;

const GAMMA = `apiVersion: v1
kind: Secret
metadata:
  name: cluster-gamma
  labels:
    argocd.argoproj.io/secret-type: cluster
stringData:
  name: gamma
  server: https://127.0.0.1:3
`;

const appSet = (name: string, generator: string): string => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: ${name}, namespace: argocd}
spec:
  generators: [${generator}]
  template:
    metadata: {name: '${name}-{{name}}'}
    spec:
      project: default
      source: {repoURL: https://example.com/apps.git, path: apps}
      destination: {server: '{{server}}', namespace: apps}
`;
const APPSETS = `${appSet('prod', '{clusters: {selector: {matchLabels: {env: prod}}}}')}---\n${appSet('all', '{clusters: {}}')}`;

/** A fresh clusters folder with team.yaml and gamma.yaml. */
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spokes-cluster-cli-'));
  writeFileSync(join(dir, 'team.yaml'), TEAM);
  writeFileSync(join(dir, 'gamma.yaml'), GAMMA);
  return dir;
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

function once(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `"${from}" occurs once`);
  return text.replace(from, to);
}

describe('spokes cluster (offline)', () => {
  test('--help for cluster and each subcommand', async () => {
    for (const argv of [
      ['--help'],
      ['add', '--help'],
      ['label', '-h'],
      ['list', '--help'],
      ['rm', '--help'],
    ]) {
      const r = await spokes('cluster', ...argv);
      assert.equal(r.code, 0, argv.join(' '));
      assert.match(r.stdout, /^Usage: spokes cluster/);
    }
    const main = await spokes('--help');
    assert.match(main.stdout, /cluster\s+register clusters/);
  });

  const usageErrors: [string, string[], RegExp][] = [
    ['no subcommand', [], /Usage: spokes cluster COMMAND/],
    ['an unknown subcommand', ['move'], /unknown subcommand "move"/],
    ['label without a place', ['label', 'alpha', 'a=b'], /--kubeconfig FILE \(the hub\) or --clusters DIR/],
    ['label with both places', ['label', 'alpha', 'a=b', '--kubeconfig', 'k', '--clusters', 'd'], /not both/],
    ['label without changes', ['label', 'alpha', '--clusters', 'd'], /at least one KEY=VALUE/],
    ['rm without NAME', ['rm', '--clusters', 'd'], /name the cluster NAME/],
    ['rm with two NAMEs', ['rm', 'a', 'b', '--clusters', 'd'], /expected one cluster NAME/],
    ['add without --kubeconfig', ['add', 'x', '--clusters', 'd'], /--kubeconfig FILE .* is required/],
    [
      'add with --clusters and a hub',
      ['add', 'x', '--kubeconfig', 'k', '--clusters', 'd', '--hub-context', 'h'],
      /offline/,
    ],
    ['add with a bad --timeout', ['add', 'x', '--kubeconfig', 'k', '--timeout', '0'], /--timeout/],
    ['list with a bad --output', ['list', '--clusters', 'd', '-o', 'yaml'], /--output/],
    [
      'list --appsets on a hub',
      ['list', '--kubeconfig', 'k', '--appsets', 'a.yaml'],
      /--appsets goes with --clusters/,
    ],
    ['an unknown option', ['list', '--clusters', 'd', '--nope'], /Unknown option '--nope'/],
  ];
  for (const [name, argv, message] of usageErrors) {
    test(`exit 2 for ${name}`, async () => {
      const r = await spokes('cluster', ...argv);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
    });
  }

  test('label edits the file in place: only the changed lines differ', async () => {
    const dir = folder();
    const r = await spokes('cluster', 'label', 'alpha', 'env=staging', 'tier=web', '--clusters', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `cluster "alpha" labeled (env=staging, tier=web): ${join(dir, 'team.yaml')}\n`);
    assert.deepEqual(snapshot(dir), {
      'gamma.yaml': GAMMA,
      'team.yaml': once(TEAM, '    env: prod\n', '    env: staging\n    tier: web\n'),
    });
    const flow = await spokes('cluster', 'label', 'cluster-beta', 'env-', 'region=eu', '--clusters', dir);
    assert.equal(flow.code, 0, flow.stderr);
    assert.equal(
      readFileSync(join(dir, 'team.yaml'), 'utf8'),
      once(
        once(TEAM, '    env: prod\n', '    env: staging\n    tier: web\n'),
        'labels: {argocd.argoproj.io/secret-type: cluster, env: dev}',
        'labels: {argocd.argoproj.io/secret-type: cluster, region: eu}',
      ),
    );
  });

  test('NAME may be the server URL', async () => {
    const dir = folder();
    const r = await spokes('cluster', 'label', 'https://127.0.0.1:2', 'a=b', '--clusters', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(join(dir, 'team.yaml'), 'utf8'), /env: dev, a: b\}/);
  });

  const failures: [string, string[], RegExp][] = [
    [
      'an unknown cluster',
      ['label', 'nope', 'a=b'],
      /no cluster "nope" in folder .* \(clusters: alpha, beta, gamma\)/,
    ],
    ['a repository Secret is no cluster', ['label', 'repo-x', 'a=b'], /no cluster "repo-x"/],
    ['a bad label after good ones', ['label', 'alpha', 'a=b', 'c=d e'], /label "c=d e": invalid value/],
    ['a bad key', ['label', 'alpha', 'Bad_Prefix/x=y'], /label "Bad_Prefix\/x=y": invalid key/],
    ['the secret-type label', ['label', 'alpha', 'argocd.argoproj.io/secret-type-'], /cannot be changed/],
    ['a key twice', ['label', 'alpha', 'a=b', 'a-'], /given more than once/],
    ['rm of an unknown cluster', ['rm', 'nope'], /no cluster "nope"/],
    [
      'add of an existing NAME',
      ['add', 'alpha', '--kubeconfig', '@KUBECONFIG@'],
      /cluster "alpha" already exists .*--upsert/,
    ],
    [
      'add with a bad label',
      ['add', 'delta', '--kubeconfig', '@KUBECONFIG@', '--label', 'x=-'],
      /label "x=-"/,
    ],
    ['add with a bad NAME', ['add', 'Delta_1', '--kubeconfig', '@KUBECONFIG@'], /cluster name "Delta_1"/],
    [
      'add with a missing kubeconfig',
      ['add', 'delta', '--kubeconfig', '/nonexistent/kc'],
      /kubeconfig \/nonexistent\/kc: cannot read/,
    ],
    [
      'add with an unknown context',
      ['add', 'delta', '--kubeconfig', '@KUBECONFIG@', '--context', 'nope'],
      /no context "nope" \(contexts: target\)/,
    ],
    [
      'add with an unreachable target',
      ['add', 'delta', '--kubeconfig', '@KUBECONFIG@'],
      /target cluster \(kubeconfig .*, context target\): cannot reach https:\/\/127\.0\.0\.1:1/,
    ],
    [
      'add over a file that is not its Secret',
      ['add', 'notes', '--kubeconfig', '@KUBECONFIG@'],
      /notes\.yaml already exists and holds no Secret/,
    ],
  ];
  for (const [name, argv, message] of failures) {
    test(`exit 1 and nothing changed for ${name}`, async () => {
      const dir = folder();
      writeFileSync(join(dir, 'notes.yaml'), '# not a cluster\nkind: ConfigMap\n');
      const kubeconfig = join(mkdtempSync(join(tmpdir(), 'spokes-kc-')), 'kubeconfig');
      writeFileSync(
        kubeconfig,
        'apiVersion: v1\nkind: Config\nclusters: [{name: t, cluster: {server: "https://127.0.0.1:1"}}]\n' +
          'users: [{name: u, user: {token: target-admin-token}}]\n' +
          'contexts: [{name: target, context: {cluster: t, user: u}}]\ncurrent-context: target\n',
      );
      const before = snapshot(dir);
      const r = await spokes(
        'cluster',
        ...argv.map((a) => (a === '@KUBECONFIG@' ? kubeconfig : a)),
        '--clusters',
        dir,
      );
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').filter((l) => l !== '').length, 1, 'one message');
      assert.doesNotMatch(r.stderr + r.stdout, /token-secret|target-admin-token/);
      assert.deepEqual(snapshot(dir), before);
    });
  }

  test('a missing folder is an error for label, rm and list', async () => {
    for (const argv of [['label', 'a', 'b=c'], ['rm', 'a'], ['list']]) {
      const r = await spokes('cluster', ...argv, '--clusters', '/nonexistent/clusters');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /\/nonexistent\/clusters: no such folder/);
    }
  });

  test('rm removes the document, and the file once it held only that Secret', async () => {
    const dir = folder();
    const beta = await spokes('cluster', 'rm', 'beta', '--clusters', dir);
    assert.equal(beta.code, 0, beta.stderr);
    const start = TEAM.indexOf('---\n# Beta');
    const end = TEAM.indexOf('---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: repo-x');
    assert.equal(readFileSync(join(dir, 'team.yaml'), 'utf8'), TEAM.slice(0, start) + TEAM.slice(end));
    const gamma = await spokes('cluster', 'rm', 'gamma', '--clusters', dir);
    assert.equal(gamma.code, 0, gamma.stderr);
    assert.match(gamma.stdout, /gamma\.yaml \(file removed\)/);
    assert.equal(existsSync(join(dir, 'gamma.yaml')), false);
  });

  test('list prints a table; --appsets counts the Applications spokes generate makes', async () => {
    const dir = folder();
    const appset = join(mkdtempSync(join(tmpdir(), 'spokes-appset-')), 'appset.yaml');
    writeFileSync(appset, APPSETS);
    const table = await spokes('cluster', 'list', '--clusters', dir, '--appsets', appset);
    assert.equal(table.code, 0, table.stderr);
    const rows = [
      ['NAME', 'SERVER', 'LABELS', 'APPS', 'STATUS'],
      ['alpha', 'https://127.0.0.1:1', 'env=prod', '2', 'unreachable'],
      ['beta', 'https://127.0.0.1:2/', 'env=dev', '1', 'unreachable'],
      ['gamma', 'https://127.0.0.1:3', '<none>', '1', 'unreachable'],
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const expected = rows.map(
      (r) => `${r.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]!))).join('   ')}\n`,
    );
    assert.equal(table.stdout, expected.join(''));
  });

  test('list -o json and -o wide; no credentials', async () => {
    const dir = folder();
    const json = await spokes('cluster', 'list', '--clusters', dir, '-o', 'json');
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    assert.deepEqual(rows[0], {
      name: 'alpha',
      server: 'https://127.0.0.1:1',
      labels: { env: 'prod' },
      secret: join(dir, 'team.yaml'),
      apps: null,
      status: 'unreachable',
      detail: rows[0]!['detail'],
    });
    assert.match(String(rows[0]['detail']), /^cannot reach https:\/\/127\.0\.0\.1:1: /);
    const wide = await spokes('cluster', 'list', '--clusters', dir, '-o', 'wide');
    assert.match(wide.stdout, /^NAME\s+SERVER\s+LABELS\s+APPS\s+STATUS\s+PROJECT\s+SECRET\s+DETAIL\n/);
    assert.doesNotMatch(json.stdout + wide.stdout, /token-secret/);
  });

  test('add --upsert rewrites the cluster in place, keeping comments and other documents', async () => {
    const dir = folder();
    const store = new DirStore(dir, 'argocd');
    const [alpha] = (await store.list()).filter((r) => r.secret.metadata.name === 'cluster-alpha');
    const secret = newClusterSecret({
      name: 'alpha',
      namespace: 'argocd',
      server: 'https://alpha.example.com',
      project: 'platform',
      labels: { tier: 'web' },
      config: { bearerToken: 'new' },
    });
    await store.update(alpha!, secret);
    const expected = once(
      once(TEAM, '    env: prod\n', '    tier: web\n'),
      '  server: https://127.0.0.1:1\n  config: \'{"bearerToken":"alpha-token-secret"}\'\n',
      '  server: https://alpha.example.com\n  config: \'{"bearerToken":"new"}\'\n  project: platform\n',
    );
    assert.equal(readFileSync(join(dir, 'team.yaml'), 'utf8'), expected);
    assert.equal((await scanClusterSecrets(dir)).length, 3);
  });
});
