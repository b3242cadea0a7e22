/**
 * `spokes cluster add | label | list | rm` against real clusters: the hub and spoke-a of the
 * harness (with kube-controller-manager, so the service-account token controller fills tokens).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { main } from '../../src/cli/main.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { APPLICATIONS, NAMESPACES, SECRETS, type KubeObject } from '../../src/kube/types.ts';
import type { Cluster } from '../harness/index.ts';
import { useHarness } from '../harness/index.ts';
import { clientFor, createNamespace } from './support/hub.ts';

const harness = useHarness({ clusters: ['hub', 'spoke-a'] });

async function spokes(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** One kubeconfig with a context per cluster, current-context the first. */
function kubeconfigFor(clusters: readonly Cluster[]): Record<string, unknown> {
  const parts = clusters.map((c) => c.kubeconfig('admin') as Record<string, unknown[]>);
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: parts.flatMap((p) => p['clusters']),
    users: parts.flatMap((p) => p['users']),
    contexts: parts.flatMap((p) => p['contexts']),
    'current-context': clusters[0]!.name,
  };
}

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

type SecretObject = KubeObject & { data?: Record<string, string> };
const decode = (value: string | undefined): string => Buffer.from(value ?? '', 'base64').toString('utf8');

const dir = mkdtempSync(join(tmpdir(), 'spokes-cluster-e2e-'));
const kubeconfig = join(dir, 'kubeconfig');
const badHub = join(dir, 'bad-hub');
let hub: KubeClient;
let spoke: KubeClient;

async function hubSecrets(): Promise<string> {
  const { items } = await hub.list(SECRETS, { namespace: 'argocd' });
  return JSON.stringify(items.map((s) => [s.metadata.name, s.metadata.resourceVersion]));
}

async function clusterSecret(name = 'spoke-a'): Promise<SecretObject | undefined> {
  return hub.get<SecretObject>(SECRETS, 'argocd', `cluster-${name}`);
}

/** Asserts what cluster add installs on spoke-a; returns the manager's token. */
async function assertManagerOnSpoke(): Promise<string> {
  const rbac = (kind: string, plural: string) => ({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind,
    plural,
    namespaced: false,
  });
  const role = await spoke.get<KubeObject & { rules: unknown[] }>(
    rbac('ClusterRole', 'clusterroles'),
    undefined,
    'spokes-manager-role',
  );
  assert.deepEqual(role?.rules, [
    { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    { nonResourceURLs: ['*'], verbs: ['*'] },
  ]);
  const binding = await spoke.get<KubeObject & { subjects: unknown[] }>(
    rbac('ClusterRoleBinding', 'clusterrolebindings'),
    undefined,
    'spokes-manager-role-binding',
  );
  assert.deepEqual(binding?.subjects, [
    { kind: 'ServiceAccount', name: 'spokes-manager', namespace: 'kube-system' },
  ]);
  const tokenSecret = await spoke.get<SecretObject>(SECRETS, 'kube-system', 'spokes-manager-token');
  assert.equal(tokenSecret?.['type'], 'kubernetes.io/service-account-token');
  assert.equal(tokenSecret?.metadata.annotations?.['kubernetes.io/service-account.name'], 'spokes-manager');
  return decode(tokenSecret?.data?.['token']);
}

/** Asserts the hub's cluster Secret for spoke-a: labels, data, and a token that really works. */
async function assertClusterSecretWorks(token: string): Promise<void> {
  const server = harness().cluster('spoke-a').server;
  const secret = await clusterSecret();
  assert.deepEqual(secret?.metadata.labels, { 'argocd.argoproj.io/secret-type': 'cluster', env: 'prod' });
  assert.equal(decode(secret?.data?.['name']), 'spoke-a');
  assert.equal(decode(secret?.data?.['server']), server);
  const config = JSON.parse(decode(secret?.data?.['config'])) as {
    bearerToken: string;
    tlsClientConfig: { insecure: boolean; caData: string };
  };
  assert.equal(config.bearerToken, token);
  assert.equal(config.tlsClientConfig.insecure, false);
  assert.equal(decode(config.tlsClientConfig.caData), harness().cluster('spoke-a').caPem);
  // The token really works.
  const asManager = KubeClient.fromClusterConfig(server, config);
  const { items } = await asManager.list(NAMESPACES);
  assert.ok(items.some((ns) => ns.metadata.name === 'kube-system'));
}

describe('spokes cluster on real clusters', () => {
  before(async () => {
    const h = harness();
    const spokeA = h.cluster('spoke-a');
    writeFileSync(kubeconfig, stringify(kubeconfigFor([h.hub, spokeA])), { mode: 0o600 });
    const bad = h.hub.kubeconfig('admin') as { clusters: { cluster: { server: string } }[] };
    bad.clusters[0]!.cluster.server = `https://127.0.0.1:${await closedPort()}`;
    writeFileSync(badHub, stringify(bad), { mode: 0o600 });
    hub = clientFor(h.hub);
    spoke = clientFor(spokeA);
  });

  test('add with an unreachable hub or a missing kubeconfig fails and changes nothing on the target', async () => {
    const unreachable = await spokes(
      'cluster',
      'add',
      'spoke-a',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'spoke-a',
      '--hub-kubeconfig',
      badHub,
    );
    assert.equal(unreachable.code, 1, unreachable.stderr);
    assert.match(unreachable.stderr, /hub \(kubeconfig .*bad-hub.*cannot reach/);
    const missing = await spokes('cluster', 'add', 'spoke-a', '--kubeconfig', join(dir, 'nope'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /kubeconfig .*nope.*cannot read/);
    const noContext = await spokes('cluster', 'add', 'spoke-a', '--kubeconfig', kubeconfig, '--context', 'x');
    assert.equal(noContext.code, 1);
    assert.match(noContext.stderr, /no context "x" \(contexts: hub, spoke-a\)/);
    const sa = await spoke.get(
      { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true },
      'kube-system',
      'spokes-manager',
    );
    assert.equal(sa, undefined);
    assert.equal(await clusterSecret(), undefined);
  });

  test('add installs the manager on the target and writes a working cluster Secret on the hub', async () => {
    const r = await spokes(
      'cluster',
      'add',
      'spoke-a',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'spoke-a',
      '--label',
      'env=prod',
    );
    assert.equal(r.code, 0, r.stderr);
    const server = harness().cluster('spoke-a').server;
    assert.equal(
      r.stdout,
      `cluster "spoke-a" (${server}) added: Secret argocd/cluster-spoke-a on hub ${harness().hub.server} (namespace argocd)\n`,
    );

    const token = await assertManagerOnSpoke();
    assert.ok(token.length > 20);
    assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token));

    await assertClusterSecretWorks(token);
  });

  test('add of an existing NAME fails without --upsert and updates with it', async () => {
    const before = await hubSecrets();
    const again = await spokes(
      'cluster',
      'add',
      'spoke-a',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'spoke-a',
    );
    assert.equal(again.code, 1);
    assert.match(again.stderr, /cluster "spoke-a" already exists .*--upsert/);
    assert.equal(await hubSecrets(), before);
    const upsert = await spokes(
      'cluster',
      'add',
      'spoke-a',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'spoke-a',
      '--label',
      'env=staging',
      '--project',
      'platform',
      '--upsert',
    );
    assert.equal(upsert.code, 0, upsert.stderr);
    assert.match(upsert.stdout, /updated/);
    const secret = await clusterSecret();
    assert.deepEqual(secret?.metadata.labels, {
      'argocd.argoproj.io/secret-type': 'cluster',
      env: 'staging',
    });
    assert.equal(decode(secret?.data?.['project']), 'platform');
  });

  test('label adds, overwrites and removes labels; bad labels change nothing', async () => {
    const r = await spokes(
      'cluster',
      'label',
      'spoke-a',
      'tier=web',
      'env-',
      'region=eu',
      '--kubeconfig',
      kubeconfig,
    );
    assert.equal(r.code, 0, r.stderr);
    const secret = await clusterSecret();
    assert.deepEqual(secret?.metadata.labels, {
      'argocd.argoproj.io/secret-type': 'cluster',
      tier: 'web',
      region: 'eu',
    });
    const before = await hubSecrets();
    for (const bad of ['x.=y', 'tier=no spaces', 'argocd.argoproj.io/secret-type=repository', 'justakey']) {
      const failed = await spokes('cluster', 'label', 'spoke-a', 'ok=fine', bad, '--kubeconfig', kubeconfig);
      assert.equal(failed.code, 1, bad);
      assert.match(failed.stderr, new RegExp(`label "${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`));
    }
    const unknown = await spokes('cluster', 'label', 'nope', 'a=b', '--kubeconfig', kubeconfig);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no cluster "nope"/);
    assert.equal(await hubSecrets(), before);
  });

  test('list shows Applications per cluster and which clusters answer', async () => {
    const server = harness().cluster('spoke-a').server;
    const app = (name: string, destination: Record<string, string>): KubeObject => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://example.com/apps.git', path: 'x' },
        destination: { ...destination, namespace: 'apps' },
      },
    });
    await hub.create(APPLICATIONS, app('by-server', { server }));
    await hub.create(APPLICATIONS, app('by-name', { name: 'spoke-a' }));
    await hub.create(APPLICATIONS, app('elsewhere', { server: 'https://elsewhere.example.com' }));
    await createNamespace(hub, 'argocd');
    const closed = `https://127.0.0.1:${await closedPort()}`;
    await hub.create(SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'cluster-closed',
        namespace: 'argocd',
        labels: { 'argocd.argoproj.io/secret-type': 'cluster' },
      },
      stringData: { name: 'closed', server: closed, config: '{"bearerToken":"not-a-real-token"}' },
    });
    const json = await spokes('cluster', 'list', '--kubeconfig', kubeconfig, '-o', 'json');
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as { name: string; apps: number; status: string; labels: object }[];
    assert.deepEqual(
      rows.map((r) => [r.name, r.apps, r.status]),
      [
        ['closed', 0, 'unreachable'],
        ['spoke-a', 2, 'reachable'],
      ],
    );
    assert.ok(!json.stdout.includes('not-a-real-token'));
    const table = await spokes('cluster', 'list', '--kubeconfig', kubeconfig);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^NAME\s+SERVER\s+LABELS\s+APPS\s+STATUS$/);
    assert.match(lines[2]!, new RegExp(`^spoke-a\\s+${server}\\s+region=eu,tier=web\\s+2\\s+reachable$`));
    const wide = await spokes('cluster', 'list', '--kubeconfig', kubeconfig, '-o', 'wide');
    assert.match(wide.stdout, /spoke-a .* platform\s+Secret argocd\/cluster-spoke-a\s+v1\./);
  });

  test('rm deletes the Secret; unknown names change nothing', async () => {
    const before = await hubSecrets();
    const unknown = await spokes('cluster', 'rm', 'nope', '--kubeconfig', kubeconfig);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no cluster "nope" in hub .* \(clusters: closed, spoke-a\)/);
    assert.equal(await hubSecrets(), before);
    const r = await spokes('cluster', 'rm', 'spoke-a', '--kubeconfig', kubeconfig);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await clusterSecret(), undefined);
    assert.ok(await hub.get(SECRETS, 'argocd', 'cluster-closed'));
  });

  test('add --clusters DIR writes the Secret offline; list --clusters probes it', async () => {
    const clusters = join(dir, 'clusters');
    const r = await spokes(
      'cluster',
      'add',
      'spoke-a',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'spoke-a',
      '--clusters',
      clusters,
      '--label',
      'env=dev',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(clusters), ['spoke-a.yaml']);
    const file = join(clusters, 'spoke-a.yaml');
    assert.match(readFileSync(file, 'utf8'), /argocd.argoproj.io\/secret-type: cluster/);
    const list = await spokes('cluster', 'list', '--clusters', clusters, '-o', 'json');
    assert.equal(list.code, 0, list.stderr);
    const rows = JSON.parse(list.stdout) as { name: string; apps: number | null; status: string }[];
    assert.deepEqual(
      rows.map((row) => [row.name, row.apps, row.status]),
      [['spoke-a', null, 'reachable']],
    );
    const again = await spokes(
      'cluster',
      'add',
      'spoke-a',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'spoke-a',
      '--clusters',
      clusters,
    );
    assert.equal(again.code, 1);
    const upsert = await spokes(
      'cluster',
      'add',
      'spoke-a',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'spoke-a',
      '--clusters',
      clusters,
      '--upsert',
    );
    assert.equal(upsert.code, 0, upsert.stderr);
    assert.ok(!readFileSync(file, 'utf8').includes('env: dev'));
  });
});
