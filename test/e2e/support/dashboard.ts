/**
 * A real `spokes controller` process with the dashboard on, against the harness, serving the
 * quickstart fleet (examples/fleet) on two spokes, and RBAC for the dashboard's test users.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { KubeClient } from '../../../src/kube/client.ts';
import { APPLICATIONS, type KubeObject } from '../../../src/kube/types.ts';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { markPodsReady, pollUntil, registerSpoke, type Harness } from '../../harness/index.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const BIN = resolve(REPO_ROOT, 'bin/spokes.js');
export const FLEET_REPO = 'https://github.com/example/fleet.git';
const WORKLOAD_NAMESPACES = ['monitoring', 'ingress', 'guestbook', 'billing', 'drift-demo'];

export interface ControllerProcess {
  readonly child: ChildProcess;
  readonly log: Record<string, unknown>[];
  readonly dashboardPort: number;
  stop(): Promise<void>;
}

export async function startControllerWithDashboard(
  h: Harness,
  extraArgs: string[] = [],
): Promise<ControllerProcess> {
  const bins = h.binaries;
  const toolDirs = [bins.kustomize, bins.helm].map((p) => dirname(p));
  const child = spawn(
    process.execPath,
    [
      BIN,
      'controller',
      '--kubeconfig',
      h.hub.kubeconfigPath,
      '--listen',
      '127.0.0.1:0',
      '--dashboard-address',
      '127.0.0.1:0',
      '--leader-elect',
      'false',
      '--resync-seconds',
      '30',
      '--repo',
      `${FLEET_REPO}=${resolve(REPO_ROOT, 'examples/fleet')}`,
      ...extraArgs,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        PATH: [...toolDirs, process.env['PATH']].join(':'),
        SPOKES_REPO_CACHE_DIR: resolve(h.dir, 'repos'),
      },
    },
  );
  const log: Record<string, unknown>[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    try {
      log.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      log.push({ msg: line });
    }
  });
  const dashboardPort = await pollUntil(
    () => log.find((e) => e['msg'] === 'dashboard listening')?.['port'] as number | undefined,
    { what: 'the dashboard listening', timeoutMs: 30_000 },
  );
  return {
    child,
    log,
    dashboardPort,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The quickstart fleet: two labelled spokes and the root app-of-apps. */
export async function installFleet(h: Harness): Promise<void> {
  await registerSpoke(h.hub, h.cluster('spoke-a'), {
    name: 'prod-eu',
    labels: { env: 'prod', region: 'eu' },
  });
  await registerSpoke(h.hub, h.cluster('spoke-b'), {
    name: 'staging-us',
    labels: { env: 'staging', region: 'us' },
  });
  const root = parse(readFileSync(resolve(REPO_ROOT, 'examples/fleet/root-app.yaml'), 'utf8')) as KubeObject;
  await h.hub.apply([root] as never);
}

/** Gives the test users their RBAC: a viewer (read, no update) in argocd; an outsider with rights elsewhere only. */
export async function grantDashboardUsers(h: Harness): Promise<void> {
  const read = ['get', 'list', 'watch'];
  await h.hub.apply([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'elsewhere' } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'dashboard-viewer', namespace: 'argocd' },
      rules: [
        {
          apiGroups: ['argoproj.io'],
          resources: ['applications', 'applicationsets', 'appprojects', 'clusters'],
          verbs: read,
        },
        { apiGroups: [''], resources: ['events'], verbs: ['list'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'dashboard-viewer', namespace: 'argocd' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'dashboard-viewer' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'spokes:viewers' }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'dashboard-admin', namespace: 'elsewhere' },
      rules: [{ apiGroups: ['argoproj.io'], resources: ['*'], verbs: ['*'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'dashboard-admin', namespace: 'elsewhere' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'dashboard-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'spokes-outsider' }],
    },
  ] as never);
}

type AppObject = KubeObject & { status?: { sync?: { status?: string }; health?: { status?: string } } };

/** Waits until the named Applications exist and are Synced and Healthy, playing the kubelet meanwhile. */
export async function convergeFleet(
  h: Harness,
  names: readonly string[],
  timeoutMs = 240_000,
): Promise<AppObject[]> {
  const hub = new KubeClient(h.hub.kubeConfig('admin'));
  const spokes = ['spoke-a', 'spoke-b'].map((n) => h.cluster(n));
  return pollUntil(
    async () => {
      for (const spoke of spokes)
        for (const ns of WORKLOAD_NAMESPACES) await markPodsReady(spoke, ns).catch(() => undefined);
      const { items } = await hub.list<AppObject>(APPLICATIONS, { namespace: 'argocd' });
      const have = new Set(items.map((a) => a.metadata.name));
      if (!names.every((n) => have.has(n))) return undefined;
      const wanted = items.filter((a) => names.includes(a.metadata.name));
      return wanted.every((a) => a.status?.sync?.status === 'Synced' && a.status.health?.status === 'Healthy')
        ? items
        : undefined;
    },
    { timeoutMs, intervalMs: 1_000, what: `the fleet Synced and Healthy (${names.join(', ')})` },
  );
}
