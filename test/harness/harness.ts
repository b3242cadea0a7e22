// Real clusters for e2e tests: one etcd and, per cluster (default hub, spoke-a, spoke-b), a
// kube-apiserver with its own etcd prefix, serving certificate, service-account keys and static
// tokens, plus a kube-controller-manager. CRDs from crds/ are installed on the hub. Everything runs
// in a temp folder that is removed on stop, on process exit and on SIGINT/SIGTERM.
import type { KubernetesObject } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { requireBinaries } from './bins.ts';
import type { BinaryName, Binaries } from './bins.ts';
import { makeClusterPki, makeUsers, writeTokenFile } from './certs.ts';
import type { StaticUser } from './certs.ts';
import { Cluster } from './cluster.ts';
import type { UserName } from './cluster.ts';
import { pollUntil } from './poll.ts';
import { trackTempDir, untrackTempDir } from './processes.ts';
import { DEFAULT_CONTROLLERS, freePort, startEtcd } from './servers.ts';
import type { ApiserverConfig, Etcd } from './servers.ts';

export interface HarnessOptions {
  /** Cluster names; the first is the hub. Default: hub, spoke-a, spoke-b. */
  clusters?: string[];
  /** Folder whose YAML files are applied to the hub; false for none. Default: <repo>/crds. */
  crds?: string | false;
  /** Run a kube-controller-manager per cluster. Default true. */
  controllerManager?: boolean;
  /** --controllers for the controller-managers. Default DEFAULT_CONTROLLERS. */
  controllers?: string[];
  /**
   * Run every apiserver with an audit log of writes (Metadata level, user agent included) at
   * `<cluster dir>/audit.log` (see `Cluster.auditLogPath`). Default false.
   */
  auditWrites?: boolean;
  /** Progress lines (start-up time included). Default: stderr. */
  log?: (line: string) => void;
}

export interface HarnessTimings {
  /** From start to etcd and every kube-apiserver answering /readyz. */
  apiserversMs: number;
  /** From start to everything ready (controller-managers healthy, CRDs established). */
  totalMs: number;
}

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface Harness {
  readonly clusters: readonly Cluster[];
  /** The first cluster; it has the CRDs. */
  readonly hub: Cluster;
  readonly etcdUrl: string;
  /** The temp folder: per-cluster subfolders with logs, certs and kubeconfigs. */
  readonly dir: string;
  readonly binaries: Binaries;
  readonly timings: HarnessTimings;
  cluster(name: string): Cluster;
  stop(): Promise<void>;
}

/** The Kubernetes objects in the YAML/JSON files of `dir` (kustomize's own files are skipped). */
async function yamlObjects(dir: string): Promise<KubernetesObject[]> {
  const files = (await readdir(dir)).filter((file) => /\.(ya?ml|json)$/.test(file)).sort();
  const objects: KubernetesObject[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(path.join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const object = doc.toJS() as KubernetesObject | null;
      if (object && !object.apiVersion?.startsWith('kustomize.config.k8s.io/')) objects.push(object);
    }
  }
  return objects;
}

interface CrdObject extends KubernetesObject {
  spec?: { group?: string; names?: { plural?: string }; versions?: { name: string; served?: boolean }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

/**
 * Waits until a CRD is Established and the apiserver's watch cache for each served version is
 * initialized: until then watches of the new resource get HTTP 429, which trips up clients that
 * start watching right away.
 */
async function waitForCrd(cluster: Cluster, crd: CrdObject): Promise<void> {
  const crdPath = await cluster.resourcePath(crd);
  const name = crd.metadata?.name ?? '';
  await pollUntil(
    async () => {
      const live = await cluster.request<CrdObject>('GET', crdPath);
      return live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    },
    { timeoutMs: 30_000, what: `CRD ${name} to be established on ${cluster.name}` },
  );
  const { group, names, versions = [] } = crd.spec ?? {};
  for (const version of versions.filter((v) => v.served !== false)) {
    const watchPath = `/apis/${group}/${version.name}/${names?.plural}?watch=1&timeoutSeconds=1`;
    await pollUntil(async () => (await cluster.probe(watchPath)) === 200, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `a watch of ${version.name} ${name} on ${cluster.name}`,
    });
  }
}

/** Applies every object in the YAML files of `dir` and waits until the CRDs among them are ready. */
export async function installCrds(cluster: Cluster, dir: string): Promise<string[]> {
  const objects = await yamlObjects(dir);
  await cluster.apply(objects);
  const crds = objects.filter((object) => object.kind === 'CustomResourceDefinition');
  await Promise.all(crds.map((crd) => waitForCrd(cluster, crd)));
  return crds.map((crd) => crd.metadata?.name ?? '');
}

interface Started {
  etcd?: Etcd;
  clusters: Cluster[];
}

async function stopAll(started: Started): Promise<void> {
  await Promise.all(started.clusters.map((cluster) => cluster.shutdown()));
  await started.etcd?.process.stop();
}

interface PreparedCluster {
  config: Omit<ApiserverConfig, 'etcdUrl'>;
  users: Record<UserName, StaticUser>;
}

/** Writes only (reads are many and tell nothing about who acted), at Metadata level, once each. */
const AUDIT_WRITES_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete, deletecollection]
  - level: None
`;

/** Key material, tokens and a port for one cluster (nothing started yet). */
async function prepareCluster(
  name: string,
  index: number,
  root: string,
  options: { readonly binary: string; readonly auditWrites: boolean },
): Promise<PreparedCluster> {
  const { binary } = options;
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  const auditPolicyFile = options.auditWrites ? path.join(dir, 'audit-policy.yaml') : undefined;
  if (auditPolicyFile) await writeFile(auditPolicyFile, AUDIT_WRITES_POLICY);
  const [pki, port] = await Promise.all([makeClusterPki(dir, name), freePort()]);
  const users = makeUsers();
  const tokenFile = path.join(dir, 'tokens.csv');
  await writeTokenFile(tokenFile, Object.values(users));
  const etcdPrefix = `/spokes-e2e/${index}-${name}`;
  return {
    config: {
      name,
      binary,
      dir,
      port,
      etcdPrefix,
      pki,
      tokenFile,
      ...(auditPolicyFile ? { auditPolicyFile } : {}),
    },
    users,
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Starts etcd, the kube-apiservers and controller-managers, and installs the CRDs on the hub. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const started = Date.now();
  const names = options.clusters ?? ['hub', 'spoke-a', 'spoke-b'];
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const servers: BinaryName[] = ['etcd', 'kube-apiserver'];
  if (options.controllerManager !== false) servers.push('kube-controller-manager');
  const binaries = requireBinaries(servers);
  const dir = await mkdtemp(path.join(tmpdir(), 'spokes-e2e-'));
  const keep = process.env.SPOKES_E2E_KEEP === '1';
  if (!keep) trackTempDir(dir);
  const state: Started = { clusters: [] };
  try {
    const [etcd, prepared] = await Promise.all([
      startEtcd(binaries.etcd, path.join(dir, 'etcd')),
      Promise.all(
        names.map((name, i) =>
          prepareCluster(name, i, dir, {
            binary: binaries['kube-apiserver'],
            auditWrites: options.auditWrites === true,
          }),
        ),
      ),
    ]);
    state.etcd = etcd;
    const clusters = prepared.map(
      ({ config, users }) => new Cluster({ ...config, etcdUrl: etcd.url }, users),
    );
    state.clusters = clusters;
    await Promise.all(clusters.map((cluster) => cluster.writeKubeconfigs()));
    await Promise.all(clusters.map((cluster) => cluster.start()));
    const apiserversMs = Date.now() - started;
    const hub = clusters[0] as Cluster;
    const crdDir = options.crds ?? path.join(REPO_ROOT, 'crds');
    const controllers = options.controllers ?? DEFAULT_CONTROLLERS;
    // The hub's CRDs go first: a garbage collector started before them would only notice the new
    // resources at its next discovery resync (30 s), so ownerReference cascades would lag.
    await Promise.all(
      clusters.map(async (cluster) => {
        if (cluster === hub && crdDir) await installCrds(hub, crdDir);
        if (options.controllerManager !== false) {
          await cluster.startControllerManager(binaries['kube-controller-manager'], controllers);
        }
      }),
    );
    const timings = { apiserversMs, totalMs: Date.now() - started };
    log(
      `harness: etcd + ${clusters.length} kube-apiservers ready in ${seconds(apiserversMs)}, ` +
        `everything (controller-managers, CRDs) in ${seconds(timings.totalMs)}; ${dir}`,
    );
    return makeHarness({ clusters, hub, etcd, dir, binaries, timings, keep });
  } catch (error) {
    await stopAll(state);
    if (!keep) await removeDir(dir);
    throw error;
  }
}

async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  untrackTempDir(dir);
}

interface HarnessParts {
  clusters: Cluster[];
  hub: Cluster;
  etcd: Etcd;
  dir: string;
  binaries: Binaries;
  timings: HarnessTimings;
  keep: boolean;
}

function makeHarness(parts: HarnessParts): Harness {
  const { clusters, etcd, dir, keep } = parts;
  let stopped = false;
  return {
    clusters,
    hub: parts.hub,
    etcdUrl: etcd.url,
    dir,
    binaries: parts.binaries,
    timings: parts.timings,
    cluster(name) {
      const found = clusters.find((cluster) => cluster.name === name);
      if (!found) throw new Error(`no cluster ${name}; have ${clusters.map((c) => c.name).join(', ')}`);
      return found;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopAll({ etcd, clusters });
      if (keep) process.stderr.write(`harness: kept ${dir} (SPOKES_E2E_KEEP=1)\n`);
      else if (existsSync(dir)) await removeDir(dir);
    },
  };
}

/**
 * One harness for the current test file: started in `before`, stopped in `after` (also when tests
 * fail). Returns a getter for the running harness.
 */
export function useHarness(options: HarnessOptions = {}): () => Harness {
  let harness: Harness | undefined;
  before(
    async () => {
      harness = await startHarness(options);
    },
    { timeout: 300_000 },
  );
  after(async () => {
    await harness?.stop();
  });
  return () => {
    if (!harness) throw new Error('the harness did not start (see the before hook)');
    return harness;
  };
}
