/**
 * The README, run: every `<!-- run: STEP -->` shell block, in order, in one bash session, in a
 * copy of this repository (committed, so `--repo URL=examples/fleet` reads it), against a hub and
 * two spokes. The kubeconfig has the contexts the README names: hub, prod-eu (spoke-a) and
 * staging-us (spoke-b). Between blocks the test checks what the README says happens, and plays
 * the kubelet's part (pods marked Ready) so Deployments can become Healthy.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { KubeClient } from '../../src/kube/client.ts';
import { APPLICATIONS, SECRETS, type KubeObject } from '../../src/kube/types.ts';
import { freePort } from '../harness/servers.ts';
import { markPodsReady, pollUntil, useHarness, type Cluster } from '../harness/index.ts';
import { readmeShellBlocks, type ShellBlock } from '../support/readme.ts';
import { ShellSession, type ShellResult } from '../support/shell.ts';

const exec = promisify(execFile);
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const CONTEXTS = { hub: 'hub', 'prod-eu': 'spoke-a', 'staging-us': 'spoke-b' } as const;
const WORKLOAD_NAMESPACES = ['monitoring', 'ingress', 'guestbook', 'billing'];

const APPS_AT_START = [
  'billing-prod-eu',
  'guestbook-prod-eu',
  'guestbook-staging-us',
  'ingress-prod-eu',
  'ingress-staging-us',
  'monitoring-prod-eu',
  'monitoring-staging-us',
  'tenant-payments-prod-eu',
  'tenant-search-staging-us',
];
const APPS_AFTER_RELABEL = [
  'billing-prod-eu',
  'billing-staging-us',
  'guestbook-prod-eu',
  'guestbook-staging-us',
  'ingress-prod-eu',
  'ingress-staging-us',
  'monitoring-prod-eu',
  'monitoring-staging-us',
  'tenant-payments-prod-eu',
  'tenant-payments-staging-us',
];

type AppObject = KubeObject & {
  spec: { source?: { path?: string }; destination: { name?: string } };
  status?: {
    sync?: { status?: string };
    health?: { status?: string };
    conditions?: { type: string; message?: string }[];
  };
};

const harness = useHarness({ crds: false });

describe('the README quickstart, run as written', () => {
  let workdir: string;
  let shell: ShellSession;
  let hub: KubeClient;
  let listen: string;
  const tokens: string[] = [];

  before(async () => {
    workdir = await copyOfRepository();
    const kubeconfig = path.join(workdir, 'fleet.kubeconfig');
    await writeFile(kubeconfig, kubeconfigFor(harness()));
    tokens.push(...harness().clusters.map((c) => c.users.admin.token));
    hub = new KubeClient(harness().hub.kubeConfig('admin'));
    listen = `127.0.0.1:${await freePort()}`;
    const bins = harness().binaries;
    const toolDirs = [bins.kubectl, bins.kustomize, bins.helm, process.execPath].map((p) => path.dirname(p));
    shell = new ShellSession({
      cwd: workdir,
      env: {
        ...process.env,
        PATH: [...new Set(toolDirs), process.env.PATH].join(':'),
        KUBECONFIG: kubeconfig,
        SPOKES_LISTEN: listen,
        SPOKES_REPO_CACHE_DIR: path.join(workdir, '.cache', 'repos'),
        SPOKES_RESYNC_SECONDS: '20',
        NO_COLOR: '1',
      },
    });
  });

  after(async () => {
    await shell?.stop();
    if (workdir) await rm(workdir, { recursive: true, force: true });
  });

  const steps: Record<string, (result: ShellResult) => Promise<void> | void> = {
    'try-it': ({ stdout }) => {
      const names = applicationNames(stdout);
      assert.ok(names.length > 0, 'the bundled example renders Applications');
    },
    'offline-generate': ({ stdout }) => {
      assert.deepEqual(applicationNames(stdout).sort(), APPS_AT_START);
    },
    'offline-diff': async ({ stdout }) => {
      for (const name of ['billing-staging-us', 'tenant-payments-staging-us', 'tenant-search-staging-us']) {
        assert.match(stdout, new RegExp(name), `the diff names ${name}`);
      }
      assert.match(stdout, /overlays\/staging/);
      assert.match(stdout, /overlays\/prod/);
      // The README undoes the edit: the folder is as committed.
      const { stdout: status } = await exec('git', ['status', '--porcelain', 'examples/fleet'], {
        cwd: workdir,
      });
      assert.equal(status, '');
    },
    hub: async () => {
      await pollUntil(async () => (await fetch(`http://${listen}/healthz`)).ok, {
        timeoutMs: 30_000,
        what: 'the controller answering /healthz',
      });
    },
    'add-clusters': async ({ stdout }) => {
      const secrets = await hub.list<KubeObject>(SECRETS, {
        namespace: 'argocd',
        labelSelector: 'argocd.argoproj.io/secret-type=cluster',
      });
      const labels = Object.fromEntries(
        secrets.items.map((s) => [s.metadata.name, s.metadata.labels?.['env']] as const),
      );
      assert.deepEqual(labels, { 'cluster-prod-eu': 'prod', 'cluster-staging-us': 'staging' });
      assert.match(stdout, /prod-eu/);
      assert.match(stdout, /staging-us/);
    },
    bootstrap: async () => {
      await convergeTo(['fleet-root', ...APPS_AT_START], 'the fleet Synced and Healthy');
    },
    watch: ({ stdout }) => {
      for (const name of ['apps', 'ingress', 'monitoring', 'tenants']) assert.match(stdout, new RegExp(name));
      for (const name of APPS_AT_START) assert.match(stdout, new RegExp(`${name}\\b`));
      assert.match(stdout, /Synced/);
      assert.match(stdout, /Healthy/);
    },
    relabel: async () => {
      await convergeTo(['fleet-root', ...APPS_AFTER_RELABEL], 'the relabelled fleet Synced and Healthy');
      const guestbook = await hub.get<AppObject>(APPLICATIONS, 'argocd', 'guestbook-staging-us');
      assert.equal(guestbook?.spec.source?.path, 'apps/guestbook/overlays/prod');
      const spokeB = new KubeClient(harness().cluster('spoke-b').kubeConfig('admin'));
      const settings = {
        group: '',
        version: 'v1',
        kind: 'ConfigMap',
        plural: 'configmaps',
        namespaced: true,
      };
      await pollUntil(
        async () => (await spokeB.get(settings, 'tenant-search', 'tenant-search-settings')) === undefined,
        { timeoutMs: 30_000, what: "the search tenant's resources deleted from staging-us" },
      );
      assert.ok(await spokeB.get(settings, 'tenant-payments', 'tenant-payments-settings'));
    },
  };

  test('every shell block of the README is run here or says what covers it', () => {
    const blocks = readmeShellBlocks();
    const run = blocks.filter((b) => b.step !== undefined).map((b) => b.step);
    assert.deepEqual(run, Object.keys(steps), 'README run steps, in order, match this test');
    for (const block of blocks.filter((b) => b.step === undefined)) assert.ok(block.reason);
  });

  for (const block of readmeShellBlocks().filter((b): b is ShellBlock & { step: string } => !!b.step)) {
    test(`README step "${block.step}" (README.md:${block.line})`, async () => {
      const check = steps[block.step];
      assert.ok(check, `no check for README step ${block.step}`);
      const result = await shell.run(block.script, 180_000);
      for (const token of tokens) {
        assert.ok(!result.stdout.includes(token) && !result.stderr.includes(token), 'no token is printed');
      }
      await check(result);
    });
  }

  /** Waits until exactly `names` exist on the hub, all Synced and Healthy, marking pods Ready meanwhile. */
  async function convergeTo(names: readonly string[], what: string): Promise<void> {
    const spokes = ['spoke-a', 'spoke-b'].map((name) => harness().cluster(name));
    await pollUntil(
      async () => {
        await Promise.all(spokes.map(markAllPodsReady));
        const { items } = await hub.list<AppObject>(APPLICATIONS, { namespace: 'argocd' });
        const seen = items.map((app) => app.metadata.name).sort();
        if (seen.join() !== [...names].sort().join()) return false;
        return items.every(
          (app) => app.status?.sync?.status === 'Synced' && app.status.health?.status === 'Healthy',
        );
      },
      { timeoutMs: 240_000, intervalMs: 1_000, what },
    ).catch(async (err: unknown) => {
      const { items } = await hub.list<AppObject>(APPLICATIONS, { namespace: 'argocd' });
      const states = items.map(
        (app) =>
          `${app.metadata.name}: ${app.status?.sync?.status}/${app.status?.health?.status} ${JSON.stringify(app.status?.conditions ?? [])}`,
      );
      const log = await readFile(path.join(workdir, 'controller.log'), 'utf8').catch(() => '');
      throw new Error(
        `${(err as Error).message}\n${states.join('\n')}\n--- controller.log (tail)\n${log.slice(-4000)}`,
      );
    });
  }
});

function applicationNames(yamlStream: string): string[] {
  return parseAllDocuments(yamlStream)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((obj): obj is KubeObject => obj?.kind === 'Application')
    .map((obj) => obj.metadata.name);
}

async function markAllPodsReady(cluster: Cluster): Promise<void> {
  for (const namespace of WORKLOAD_NAMESPACES) await markPodsReady(cluster, namespace).catch(() => undefined);
}

/** This checkout's files (tracked and new, as they are now) in a fresh repository with one commit. */
async function copyOfRepository(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spokes-quickstart-'));
  const { stdout } = await exec('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of stdout.split('\0').filter((f) => f !== '')) {
    await cp(path.join(REPO_ROOT, file), path.join(dir, file), { recursive: true }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // deleted in the work tree
    });
  }
  const git = (...args: string[]): Promise<unknown> => exec('git', args, { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git(
    '-c',
    'user.name=quickstart',
    '-c',
    'user.email=quickstart@example.com',
    'commit',
    '-qm',
    'checkout',
  );
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** A kubeconfig with the README's contexts, each the admin of its harness cluster. */
function kubeconfigFor(h: { cluster(name: string): Cluster }): string {
  const entries = Object.entries(CONTEXTS).map(([context, name]) => ({ context, cluster: h.cluster(name) }));
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'hub',
    clusters: entries.map(({ context, cluster }) => ({
      name: context,
      cluster: {
        server: cluster.server,
        'certificate-authority-data': Buffer.from(cluster.caPem).toString('base64'),
      },
    })),
    users: entries.map(({ context, cluster }) => ({
      name: context,
      user: { token: cluster.users.admin.token },
    })),
    contexts: entries.map(({ context }) => ({ name: context, context: { cluster: context, user: context } })),
  });
}
