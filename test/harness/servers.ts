// One etcd, and per cluster a kube-apiserver (+ kube-controller-manager): command lines, start,
// readiness, stop. harness.ts puts them together.
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterPki } from './certs.ts';
import { httpRequest } from './http.ts';
import type { HttpRequest } from './http.ts';
import { startProcess } from './processes.ts';
import type { ManagedProcess } from './processes.ts';

/** Controllers the hub and spokes need: ownerReference cascades, namespace deletion, workloads. */
export const DEFAULT_CONTROLLERS = [
  'garbage-collector-controller',
  'namespace-controller',
  'deployment-controller',
  'replicaset-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
];

const taken = new Set<number>();

/** A free TCP port on 127.0.0.1 (never the same one twice in this process). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port && !taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}

type Probe = Pick<HttpRequest, 'url' | 'ca' | 'token' | 'insecure'>;

/** Polls `probe.url` until it answers 200, failing at once if `proc` exits. */
export async function waitReady(proc: ManagedProcess, probe: Probe, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (proc.done()) {
      const how = await proc.exited;
      throw new Error(`${proc.name} ${how} before it was ready; last log lines:\n${proc.logTail()}`);
    }
    try {
      const { status, body } = await httpRequest({ ...probe, timeoutMs: 5_000 });
      if (status === 200) return;
      last = `HTTP ${status}: ${body.slice(0, 500)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new Error(
    `${proc.name} not ready at ${probe.url} after ${timeoutMs} ms (${last}); last log lines:\n${proc.logTail()}`,
  );
}

function childEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, TMPDIR: home };
}

export interface Etcd {
  url: string;
  process: ManagedProcess;
}

export async function startEtcd(binary: string, dir: string): Promise<Etcd> {
  await mkdir(dir, { recursive: true });
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name=spokes',
    `--data-dir=${path.join(dir, 'data')}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=spokes=${peer}`,
    // Test data only: trade durability for speed.
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
  const proc = startProcess('etcd', binary, args, {
    logFile: path.join(dir, 'etcd.log'),
    env: childEnv(dir),
  });
  await waitReady(proc, { url: `${url}/health` });
  return { url, process: proc };
}

export interface ApiserverConfig {
  name: string;
  binary: string;
  dir: string;
  port: number;
  etcdUrl: string;
  etcdPrefix: string;
  pki: ClusterPki;
  tokenFile: string;
  /** An audit policy file: the apiserver writes its audit log to <dir>/audit.log. */
  auditPolicyFile?: string;
}

/** Where an apiserver started with an audit policy writes its audit log (JSON lines). */
export function auditLogPath(dir: string): string {
  return path.join(dir, 'audit.log');
}

export function apiserverArgs(config: ApiserverConfig): string[] {
  const { pki } = config;
  return [
    `--etcd-servers=${config.etcdUrl}`,
    `--etcd-prefix=${config.etcdPrefix}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${config.port}`,
    `--cert-dir=${path.join(config.dir, 'apiserver-certs')}`,
    `--tls-cert-file=${pki.certFile}`,
    `--tls-private-key-file=${pki.keyFile}`,
    `--token-auth-file=${config.tokenFile}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=https://127.0.0.1:${config.port}`,
    `--service-account-key-file=${pki.saPublicKeyFile}`,
    `--service-account-signing-key-file=${pki.saPrivateKeyFile}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--allow-privileged=true',
    // No kubelet and no scheduler: pods need no service account to be admitted (as in envtest).
    '--disable-admission-plugins=ServiceAccount',
    // Loopback addresses are not valid Endpoints; there is nothing to reconcile here.
    '--endpoint-reconciler-type=none',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    // On SIGTERM, give open watches 2 s instead of --request-timeout (60 s) to go away, so a
    // stop/restart with connected clients takes seconds.
    '--shutdown-send-retry-after=true',
    ...(config.auditPolicyFile
      ? [`--audit-policy-file=${config.auditPolicyFile}`, `--audit-log-path=${auditLogPath(config.dir)}`]
      : []),
  ];
}

export async function startApiserver(config: ApiserverConfig, adminToken: string): Promise<ManagedProcess> {
  const proc = startProcess(`kube-apiserver ${config.name}`, config.binary, apiserverArgs(config), {
    logFile: path.join(config.dir, 'kube-apiserver.log'),
    env: childEnv(config.dir),
  });
  const url = `https://127.0.0.1:${config.port}/readyz`;
  await waitReady(proc, { url, ca: config.pki.caPem, token: adminToken }, 90_000);
  return proc;
}

export interface ControllerManagerConfig {
  name: string;
  binary: string;
  dir: string;
  kubeconfig: string;
  pki: ClusterPki;
  controllers: string[];
}

export async function startControllerManager(config: ControllerManagerConfig): Promise<ManagedProcess> {
  const port = await freePort();
  const args = [
    `--kubeconfig=${config.kubeconfig}`,
    `--controllers=${config.controllers.join(',')}`,
    `--service-account-private-key-file=${config.pki.saPrivateKeyFile}`,
    `--root-ca-file=${config.pki.caFile}`,
    '--use-service-account-credentials=false',
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${path.join(config.dir, 'controller-manager-certs')}`,
    '--profiling=false',
  ];
  const proc = startProcess(`kube-controller-manager ${config.name}`, config.binary, args, {
    logFile: path.join(config.dir, 'kube-controller-manager.log'),
    env: childEnv(config.dir),
  });
  // /healthz is always allowed; the certificate is one it made for itself.
  await waitReady(proc, { url: `https://127.0.0.1:${port}/healthz`, insecure: true });
  return proc;
}
