/**
 * A small Kubernetes REST client. @kubernetes/client-node supplies authentication and TLS (from a
 * kubeconfig, in-cluster config, or a cluster Secret's config); requests are plain JSON over
 * undici, so every verb (status subresource, server-side apply, dry-run, preconditions, watch with
 * bookmarks) is one code path.
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { HttpMethod } from '@kubernetes/client-node';
import { KubeConfig, RequestContext } from '@kubernetes/client-node';
import { STATUS_CODES } from 'node:http';
import { fetch, request as undiciRequest } from 'undici';
import { kubeConfigForCluster, type ClusterCredentials } from './cluster-config.ts';
import { KubeApiError } from './errors.ts';
import { apiVersionOf, type KubeObject, type ResourceType } from './types.ts';

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export interface ListResult<T> {
  readonly items: T[];
  readonly resourceVersion: string;
}

export interface WriteOptions {
  readonly fieldManager?: string;
  readonly dryRun?: boolean;
  readonly subresource?: 'status';
}

export interface PatchOptions extends WriteOptions {
  readonly type: PatchType;
  readonly force?: boolean;
}

export interface DeleteOptions {
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly dryRun?: boolean;
}

export interface WatchOptions extends ListOptions {
  readonly resourceVersion: string;
  readonly timeoutSeconds?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = KubeObject> {
  readonly type: WatchEventType;
  readonly object: T;
}

export interface WatchHandle {
  /** Settles when the server ends the watch (resolves) or the connection fails (rejects). */
  readonly done: Promise<void>;
  stop(): void;
}

type Query = Record<string, string | number | boolean | undefined>;

interface DiscoveredResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export interface KubeClientOptions {
  /** Bounds every request but watches (default 30 s). */
  readonly timeoutMs?: number;
  /** Sent as User-Agent, so the apiserver's audit log names this replica. */
  readonly userAgent?: string;
  /** Called before every write (any method but GET); it throws to refuse the write (fencing). */
  readonly writeGuard?: () => void;
}

export class KubeClient {
  readonly server: string;
  readonly #config: KubeConfig;
  readonly #discovery = new Map<string, Promise<readonly DiscoveredResource[]>>();
  readonly #timeoutMs: number;
  readonly #userAgent: string | undefined;
  /** Called before every write (any method but GET); throws to refuse it (shard fencing). */
  readonly #writeGuard: (() => void) | undefined;
  /**
   * One connection pool per client: client-node makes a new undici Agent (so a new TLS handshake)
   * for every request, which cost more CPU than the requests themselves. A client's TLS material
   * does not change; clients are rebuilt when a cluster Secret does.
   */
  #dispatcher: ReturnType<RequestContext['getDispatcher']>;

  /** `timeoutMs` bounds every request but watches, so a hung server fails fast (default 30 s). */
  constructor(config: KubeConfig, options: KubeClientOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#userAgent = options.userAgent;
    this.#writeGuard = options.writeGuard;
    const cluster = config.getCurrentCluster();
    if (cluster === null) throw new Error('the kubeconfig has no current cluster');
    this.#config = config;
    this.server = cluster.server.replace(/\/+$/, '');
  }

  /** From a kubeconfig file (optionally a named context), or the in-cluster service account when no file is given. */
  static fromKubeconfig(
    file: string | undefined,
    context?: string,
    options: Pick<KubeClientOptions, 'userAgent'> = {},
  ): KubeClient {
    const config = new KubeConfig();
    if (file === undefined) config.loadFromCluster();
    else config.loadFromFile(file);
    if (context !== undefined) config.setCurrentContext(context);
    return new KubeClient(config, options);
  }

  /**
   * The same server, credentials and connection pool, with `guard` called before every write
   * (a shard's fence: it throws once the shard's Lease is no longer held).
   */
  guarded(guard: () => void): KubeClient {
    const sibling = new KubeClient(this.#config, {
      timeoutMs: this.#timeoutMs,
      ...(this.#userAgent === undefined ? {} : { userAgent: this.#userAgent }),
      writeGuard: guard,
    });
    sibling.#dispatcher = this.#dispatcher;
    return sibling;
  }

  /** For a cluster registered by a Secret: its server and its `config` (see cluster-config.ts). */
  static fromClusterConfig(
    server: string,
    credentials: ClusterCredentials,
    options: KubeClientOptions = {},
  ): KubeClient {
    return new KubeClient(kubeConfigForCluster(server, credentials), options);
  }

  async list<T extends KubeObject>(type: ResourceType, options: ListOptions = {}): Promise<ListResult<T>> {
    const query: Query = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
    const list = await this.request<{ items: T[]; metadata: { resourceVersion: string } }>(
      'GET',
      collectionPath(type, options.namespace),
      { query },
    );
    const kind = type.kind;
    const apiVersion = apiVersionOf(type);
    // Items in a list carry no apiVersion/kind; fill them in so objects look the same everywhere.
    const items = list.items.map((item) => ({ ...item, apiVersion, kind }));
    return { items, resourceVersion: list.metadata.resourceVersion };
  }

  /** The object, or undefined when it does not exist. */
  async get<T extends KubeObject>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', objectPath(type, namespace, name));
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  create<T extends KubeObject>(type: ResourceType, obj: T, options: WriteOptions = {}): Promise<T> {
    return this.request<T>('POST', collectionPath(type, obj.metadata.namespace), {
      body: obj,
      query: writeQuery(options),
    });
  }

  /** PUT: a full update, guarded by the object's resourceVersion. */
  replace<T extends KubeObject>(type: ResourceType, obj: T, options: WriteOptions = {}): Promise<T> {
    const path = objectPath(type, obj.metadata.namespace, obj.metadata.name, options.subresource);
    return this.request<T>('PUT', path, { body: obj, query: writeQuery(options) });
  }

  patch<T extends KubeObject>(
    type: ResourceType,
    target: { readonly namespace?: string | undefined; readonly name: string },
    patch: unknown,
    options: PatchOptions,
  ): Promise<T> {
    const path = objectPath(type, target.namespace, target.name, options.subresource);
    return this.request<T>('PATCH', path, {
      body: patch,
      contentType: PATCH_CONTENT_TYPES[options.type],
      query: { ...writeQuery(options), force: options.force },
    });
  }

  /** Deletes; a missing object is not an error. */
  async delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<void> {
    try {
      await this.request('DELETE', objectPath(type, namespace, name), {
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
          ...(options.preconditions ? { preconditions: options.preconditions } : {}),
        },
        query: { dryRun: options.dryRun ? 'All' : undefined },
      });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return;
      throw err;
    }
  }

  /** Where `kind` of `apiVersion` lives (API discovery, cached per group version). */
  async resourceFor(apiVersion: string, kind: string): Promise<ResourceType> {
    let resources = this.#discovery.get(apiVersion);
    if (resources === undefined) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      resources = this.request<{ resources: DiscoveredResource[] }>('GET', path).then(
        (list) => list.resources,
      );
      this.#discovery.set(apiVersion, resources);
      resources.catch(() => this.#discovery.delete(apiVersion));
    }
    const found = (await resources).find((r) => r.kind === kind && !r.name.includes('/'));
    if (found === undefined)
      throw new KubeApiError(404, 'NotFound', `${this.server}: no resource of kind ${kind} in ${apiVersion}`);
    const slash = apiVersion.indexOf('/');
    return {
      group: slash === -1 ? '' : apiVersion.slice(0, slash),
      version: apiVersion.slice(slash + 1),
      kind,
      plural: found.name,
      namespaced: found.namespaced,
    };
  }

  /** Server-side apply of any object, its resource found by discovery. */
  async apply<T extends KubeObject>(
    obj: T,
    options: { fieldManager: string; force?: boolean; dryRun?: boolean },
  ): Promise<T> {
    const type = await this.resourceFor(obj.apiVersion, obj.kind);
    return this.patch<T>(type, { namespace: obj.metadata.namespace, name: obj.metadata.name }, obj, {
      type: 'apply',
      ...options,
    });
  }

  /** Streams watch events from `resourceVersion` (with bookmarks) until the server ends the watch or `stop()`. */
  watch<T extends KubeObject>(
    type: ResourceType,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
  ): WatchHandle {
    const controller = new AbortController();
    const query: Query = {
      watch: 1,
      allowWatchBookmarks: true,
      resourceVersion: options.resourceVersion,
      timeoutSeconds: options.timeoutSeconds ?? 300,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    };
    const done = this.#stream(collectionPath(type, options.namespace), query, controller.signal, (line) => {
      const event = JSON.parse(line) as WatchEvent<T>;
      if (event.type !== 'ERROR' && event.type !== 'BOOKMARK') {
        event.object.apiVersion ??= apiVersionOf(type);
        event.object.kind ??= type.kind;
      }
      onEvent(event);
    });
    return { done, stop: () => controller.abort() };
  }

  async #stream(
    path: string,
    query: Query,
    signal: AbortSignal,
    onLine: (line: string) => void,
  ): Promise<void> {
    const response = await this.#fetch('GET', path, { query, signal });
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw apiError({ status: response.status, statusText: response.statusText, text }, this.server);
    }
    const lines = createInterface({ input: Readable.fromWeb(response.body!), crlfDelay: Infinity });
    try {
      for await (const line of lines) if (line.trim() !== '') onLine(line);
    } catch (err) {
      if (signal.aborted) return;
      throw unreachable(this.server, err);
    }
  }

  async request<T>(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown; contentType?: string } = {},
  ): Promise<T> {
    if (method !== 'GET') this.#writeGuard?.();
    // undici's request(), not fetch(): a controller makes thousands of these, and fetch's web
    // streams cost several times the CPU for the same JSON.
    const { url, headers } = await this.#prepare(method, path, options);
    let status: number;
    let text: string;
    try {
      const response = await undiciRequest(url, {
        method: method as 'GET',
        headers,
        dispatcher: this.#dispatcher,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (err) {
      throw unreachable(this.server, err);
    }
    if (status < 200 || status > 299) {
      throw apiError({ status, statusText: STATUS_CODES[status] ?? '', text }, this.server);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** For streams (watches): fetch's body is a web stream the line reader consumes. */
  async #fetch(
    method: string,
    path: string,
    options: { query?: Query; signal: AbortSignal },
  ): Promise<Awaited<ReturnType<typeof fetch>>> {
    const { url, headers } = await this.#prepare(method, path, options);
    try {
      return await fetch(url, { method, headers, dispatcher: this.#dispatcher, signal: options.signal });
    } catch (err) {
      throw unreachable(this.server, err);
    }
  }

  /** The URL and the authenticated headers of a request; the first one also sets up the pool. */
  async #prepare(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown; contentType?: string },
  ): Promise<{ url: URL; headers: Record<string, string> }> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const context = new RequestContext(url.toString(), method as HttpMethod);
    await this.#config.applySecurityAuthentication(context);
    this.#dispatcher ??= context.getDispatcher();
    const headers: Record<string, string> = { ...context.getHeaders(), accept: 'application/json' };
    if (this.#userAgent !== undefined) headers['user-agent'] = this.#userAgent;
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    return { url, headers };
  }
}

function collectionPath(type: ResourceType, namespace: string | undefined): string {
  const base = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  return type.namespaced && namespace !== undefined
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${type.plural}`
    : `${base}/${type.plural}`;
}

function objectPath(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  subresource?: string,
): string {
  const path = `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`;
  return subresource === undefined ? path : `${path}/${subresource}`;
}

function writeQuery(options: WriteOptions): Query {
  return { fieldManager: options.fieldManager, dryRun: options.dryRun ? 'All' : undefined };
}

function apiError(
  response: { status: number; statusText: string; text: string },
  server: string,
): KubeApiError {
  const text = response.text;
  let status: { reason?: string; message?: string } = {};
  try {
    status = JSON.parse(text) as typeof status;
  } catch {
    // not a Status object
  }
  const message = status.message ?? (text.slice(0, 200) || response.statusText);
  return new KubeApiError(
    response.status,
    status.reason ?? response.statusText,
    `${server}: ${response.status} ${message}`,
  );
}

/** A connection failure: status 0, reason Unreachable; the message names the server, never credentials. */
function unreachable(server: string, err: unknown): KubeApiError {
  const cause =
    err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  return new KubeApiError(0, 'Unreachable', `cannot reach ${server}: ${cause}`);
}
