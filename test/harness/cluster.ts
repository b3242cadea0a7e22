// One cluster of the harness: its kube-apiserver (which can be stopped and started again on the
// same port and etcd prefix), its controller-manager, credentials, kubeconfigs and clients.
import { KubeConfig } from '@kubernetes/client-node';
import type { ApiConstructor, ApiType, KubernetesObject } from '@kubernetes/client-node';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ClusterPki, StaticUser } from './certs.ts';
import { HttpError, httpRequest } from './http.ts';
import type { ManagedProcess } from './processes.ts';
import { auditLogPath, startApiserver, startControllerManager } from './servers.ts';
import type { ApiserverConfig } from './servers.ts';

export type UserName = 'admin' | 'limited' | 'viewer' | 'outsider';

export const FIELD_MANAGER = 'spokes-harness';

export interface RawOptions {
  user?: UserName;
  /** Sent as JSON. */
  body?: unknown;
  contentType?: string;
}

export interface ApplyOptions {
  user?: UserName;
  /** Default: spokes-harness. */
  fieldManager?: string;
  /** Take over conflicting fields. Default true. */
  force?: boolean;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** The `message` of a Kubernetes Status body, or the body itself. */
function errorMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}

/** One cluster: its kube-apiserver (which can be stopped and started again) and credentials. */
export class Cluster {
  readonly name: string;
  readonly server: string;
  readonly port: number;
  readonly etcdPrefix: string;
  /** The cluster CA (PEM) that signed the apiserver's serving certificate. */
  readonly caPem: string;
  readonly users: Record<UserName, StaticUser>;
  /** Admin kubeconfig file (also used by the controller-manager). */
  readonly kubeconfigPath: string;
  readonly dir: string;
  readonly #config: ApiserverConfig;
  readonly #discovery = new Map<string, ApiResource[]>();
  #apiserver: ManagedProcess | undefined;
  #controllerManager: ManagedProcess | undefined;

  constructor(config: ApiserverConfig, users: Record<UserName, StaticUser>) {
    this.name = config.name;
    this.port = config.port;
    this.server = `https://127.0.0.1:${config.port}`;
    this.etcdPrefix = config.etcdPrefix;
    this.caPem = config.pki.caPem;
    this.users = users;
    this.dir = config.dir;
    this.kubeconfigPath = path.join(config.dir, 'kubeconfig');
    this.#config = config;
  }

  /** The apiserver's audit log (with `auditWrites`): one JSON event per line. */
  get auditLogPath(): string {
    return auditLogPath(this.dir);
  }

  get pki(): ClusterPki {
    return this.#config.pki;
  }

  get running(): boolean {
    return this.#apiserver !== undefined && !this.#apiserver.done();
  }

  /** A client config for this cluster as `user` (a fresh object each call). */
  kubeConfig(user: UserName = 'admin'): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromString(stringify(this.kubeconfig(user)));
    return kc;
  }

  /** A typed API client, e.g. cluster.api(CoreV1Api). */
  api<T extends ApiType>(type: ApiConstructor<T>, user: UserName = 'admin'): T {
    return this.kubeConfig(user).makeApiClient(type);
  }

  /**
   * A raw API call as `user`; resolves with the parsed JSON body, rejects with an HttpError
   * (status in `code`) for any status >= 300.
   */
  async request<T = unknown>(method: string, apiPath: string, options: RawOptions = {}): Promise<T> {
    const response = await httpRequest({
      url: `${this.server}${apiPath}`,
      method,
      ca: this.caPem,
      token: this.users[options.user ?? 'admin'].token,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      contentType: options.contentType ?? (options.body === undefined ? undefined : 'application/json'),
    });
    if (response.status >= 300) {
      const message = errorMessage(response.body);
      throw new HttpError(
        `${method} ${apiPath} on ${this.name}: HTTP ${response.status}: ${message}`,
        response.status,
        response.body,
      );
    }
    return JSON.parse(response.body || 'null') as T;
  }

  /** The HTTP status of a GET (admin), without reading the body: for watch readiness. */
  async probe(apiPath: string): Promise<number> {
    const url = `${this.server}${apiPath}`;
    const token = this.users.admin.token;
    return (await httpRequest({ url, ca: this.caPem, token, statusOnly: true })).status;
  }

  /** The REST path of an object (or of its collection when `name` is omitted), found by discovery. */
  async resourcePath(object: KubernetesObject, name = object.metadata?.name): Promise<string> {
    const { apiVersion = '', kind = '' } = object;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let resource = this.#discovery.get(apiVersion)?.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!resource) {
      const list = await this.request<{ resources: ApiResource[] }>('GET', base);
      this.#discovery.set(apiVersion, list.resources);
      resource = list.resources.find((r) => r.kind === kind && !r.name.includes('/'));
    }
    if (!resource) throw new Error(`${this.name} serves no ${kind} in ${apiVersion}`);
    const namespace = object.metadata?.namespace ?? 'default';
    const collection = resource.namespaced
      ? `${base}/namespaces/${namespace}/${resource.name}`
      : `${base}/${resource.name}`;
    return name ? `${collection}/${encodeURIComponent(name)}` : collection;
  }

  /**
   * Server-side apply, sending each object exactly as given. (The client's KubernetesObjectApi
   * re-serializes built-in kinds through its typed models, which drops fields it does not know and
   * keys such as x-kubernetes-preserve-unknown-fields; raw manifests must not go through it.)
   */
  async apply(objects: KubernetesObject[], options: ApplyOptions = {}): Promise<KubernetesObject[]> {
    const applied: KubernetesObject[] = [];
    for (const object of objects) {
      const query = new URLSearchParams({
        fieldManager: options.fieldManager ?? FIELD_MANAGER,
        force: String(options.force ?? true),
      });
      const target = `${await this.resourcePath(object)}?${query.toString()}`;
      applied.push(
        await this.request<KubernetesObject>('PATCH', target, {
          body: object,
          contentType: 'application/apply-patch+yaml',
          user: options.user,
        }),
      );
    }
    return applied;
  }

  /** The kubeconfig document for `user`. */
  kubeconfig(user: UserName = 'admin'): Record<string, unknown> {
    const userName = `${this.name}-${user}`;
    return {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: this.name,
          cluster: {
            server: this.server,
            'certificate-authority-data': Buffer.from(this.caPem).toString('base64'),
          },
        },
      ],
      users: [{ name: userName, user: { token: this.users[user].token } }],
      contexts: [{ name: this.name, context: { cluster: this.name, user: userName } }],
      'current-context': this.name,
    };
  }

  async writeKubeconfigs(): Promise<void> {
    await writeFile(this.kubeconfigPath, stringify(this.kubeconfig('admin')), { mode: 0o600 });
    await writeFile(`${this.kubeconfigPath}-limited`, stringify(this.kubeconfig('limited')), { mode: 0o600 });
  }

  /** Starts the kube-apiserver (same port, same etcd prefix every time) and waits for /readyz. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`kube-apiserver ${this.name} is already running`);
    this.#apiserver = await startApiserver(this.#config, this.users.admin.token);
  }

  /** Stops the kube-apiserver; etcd keeps the cluster's data. */
  async stop(): Promise<void> {
    await this.#apiserver?.stop();
    this.#apiserver = undefined;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async startControllerManager(binary: string, controllers: string[]): Promise<void> {
    this.#controllerManager = await startControllerManager({
      name: this.name,
      binary,
      dir: this.dir,
      kubeconfig: this.kubeconfigPath,
      pki: this.pki,
      controllers,
    });
  }

  /** Stops the controller-manager, then the kube-apiserver. */
  async shutdown(): Promise<void> {
    await this.#controllerManager?.stop();
    this.#controllerManager = undefined;
    await this.stop();
  }
}
