/**
 * What each page reads, filtered by what the signed-in user may see: the fleet (Applications in
 * namespaces where the user may `get applications`), one Application, one ApplicationSet (with
 * its param sets, generated on demand), one cluster. Objects are sent without managedFields;
 * cluster Secrets only as their non-secret fields.
 */
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { createRegistry } from '../../generators/index.ts';
import type { Application } from '../api/application.ts';
import type { ClusterSource } from '../clusters/types.ts';
import { resolveEntry, runEntry } from '../generate.ts';
import type { RepoSource } from '../git/types.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';
import type { Renderer as ManifestRenderer } from '../render/index.ts';
import { createRenderer as createTemplateRenderer } from '../template/render.ts';
import { can, type Authorizer } from './auth/access.ts';
import type { User } from './auth/identity.ts';
import { toWire, type AppSummary, type ClusterView, type WireApp } from './fleet.ts';
import { resourceDiff, type ResourceDiff } from './resource-diff.ts';
import { selectionReasons, type SelectionReason } from './selectors.ts';
import { clusterViews, type FleetStore } from './store.ts';
import { resourceTree, type ManagedResource, type SpokeClients, type TreeNode } from './spokes.ts';

export interface ViewDeps {
  readonly store: FleetStore;
  readonly access: Authorizer;
  readonly spokes: SpokeClients;
  readonly repos: RepoSource;
  readonly manifests: ManifestRenderer;
}

export class NotFound extends Error {}
export class Forbidden extends Error {}

const registry = createRegistry();

/** An object as the browser gets it: no managedFields, no last-applied annotation. */
export function forBrowser(obj: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = obj.metadata;
  const annotations = { ...(metadata.annotations ?? {}) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  return { ...obj, metadata: { ...metadata, annotations } };
}

export class Views {
  readonly #deps: ViewDeps;
  readonly #versions = new Map<string, { at: number; answer: Promise<Connection> }>();
  #fleetCache: { key: string; body: EncodedBody } | undefined;

  constructor(deps: ViewDeps) {
    this.#deps = deps;
  }

  /** The namespaces (of those with Applications) where the user may get Applications. */
  async visibleNamespaces(user: User, namespaces: Iterable<string>): Promise<Set<string>> {
    const unique = [...new Set(namespaces)];
    const answers = await Promise.all(unique.map((ns) => this.#deps.access.allowed(user, can.getApp(ns))));
    return new Set(unique.filter((_, i) => answers[i]));
  }

  /**
   * The fleet snapshot, encoded once per state of the hub and set of visible namespaces: many
   * browsers opening the page at once (or one reloading) cost one serialisation, not one each.
   */
  async fleetBody(user: User): Promise<EncodedBody> {
    const { store } = this.#deps;
    const seq = store.seq;
    const visible = await this.visibleNamespaces(
      user,
      [...store.summaries()].map((s) => s.namespace),
    );
    const clusters = await this.#clustersFor(user);
    const key = JSON.stringify([seq, [...visible].sort(), clusters.length > 0]);
    if (this.#fleetCache?.key === key) return this.#fleetCache.body;
    const apps: WireApp[] = [];
    for (const s of store.summaries()) if (visible.has(s.namespace)) apps.push(toWire(s));
    const json = Buffer.from(JSON.stringify({ seq, clusters, apps }));
    const body = { json, gzip: gzipSync(json, { level: 4 }) };
    this.#fleetCache = { key, body };
    return body;
  }

  /** Clusters with labels for users who may read clusters; otherwise none (columns still show names). */
  async #clustersFor(user: User): Promise<ClusterView[]> {
    const { store, access } = this.#deps;
    const allowed = await access.allowed(user, can.getCluster(store.namespace));
    return allowed ? [...store.clusters.clusters] : [];
  }

  #app(namespace: string, name: string): Application {
    const obj = this.#deps.store.apps.get(namespace, name);
    if (obj === undefined) throw new NotFound(`Application ${namespace}/${name} not found`);
    return obj as unknown as Application;
  }

  async #mayGetApp(user: User, namespace: string, name: string): Promise<Application> {
    if (!(await this.#deps.access.allowed(user, can.getApp(namespace, name))))
      throw new Forbidden(`you may not get Application ${namespace}/${name}`);
    return this.#app(namespace, name);
  }

  async app(user: User, namespace: string, name: string): Promise<Record<string, unknown>> {
    const { store, access } = this.#deps;
    const app = await this.#mayGetApp(user, namespace, name);
    const [canUpdate, canEvents] = await Promise.all([
      access.allowed(user, can.updateApp(namespace, name)),
      access.allowed(user, can.listEvents(namespace)),
    ]);
    const cluster = store.clusters.find(app.spec.destination);
    const uid = app.metadata['uid'];
    const events = canEvents
      ? store.events
          .list()
          .filter((e) => {
            const involved = (e['involvedObject'] ?? {}) as {
              kind?: string;
              name?: string;
              namespace?: string;
              uid?: string;
            };
            return (
              involved.kind === 'Application' &&
              involved.namespace === namespace &&
              (involved.uid === uid || involved.name === name)
            );
          })
          .map(eventView)
          .sort((a, b) => (a.last < b.last ? 1 : -1))
          .slice(0, 50)
      : null;
    return {
      app: forBrowser(app),
      summary: store.summary(namespace, name),
      cluster: cluster ? { name: cluster.name, server: cluster.server } : null,
      canUpdate,
      events,
    };
  }

  async tree(user: User, namespace: string, name: string): Promise<{ nodes: TreeNode[] }> {
    const app = await this.#mayGetApp(user, namespace, name);
    const client = this.#spokeOf(app);
    const resources = (app.status as { resources?: ManagedResource[] } | undefined)?.resources ?? [];
    return { nodes: await resourceTree(client, resources) };
  }

  async diff(user: User, namespace: string, name: string, ref: URLSearchParams): Promise<ResourceDiff> {
    const app = await this.#mayGetApp(user, namespace, name);
    const resources = (app.status as { resources?: ManagedResource[] } | undefined)?.resources ?? [];
    // Only a resource the Application manages can be read: never any object of the spoke.
    const resource = resources.find(
      (r) =>
        (r.group ?? '') === (ref.get('group') ?? '') &&
        r.kind === ref.get('kind') &&
        (r.namespace ?? '') === (ref.get('namespace') ?? '') &&
        r.name === ref.get('name'),
    );
    if (resource === undefined) throw new NotFound('the Application manages no such resource');
    return resourceDiff({ app, resource, spoke: this.#spokeOf(app), renderer: this.#deps.manifests });
  }

  #spokeOf(app: Application): KubeClient {
    const { store, spokes } = this.#deps;
    const cluster = store.clusters.find(app.spec.destination);
    const client = cluster ? spokes.clientFor(cluster.server, store.clusterCredentials()) : undefined;
    if (client === undefined) throw new NotFound('the destination cluster is not registered');
    return client;
  }

  async appSet(user: User, namespace: string, name: string): Promise<Record<string, unknown>> {
    const { store, access } = this.#deps;
    if (!(await access.allowed(user, can.getAppSet(namespace, name))))
      throw new Forbidden(`you may not get ApplicationSet ${namespace}/${name}`);
    const obj = store.appSets.get(namespace, name);
    if (obj === undefined) throw new NotFound(`ApplicationSet ${namespace}/${name} not found`);
    const mayApps = await access.allowed(user, can.getApp(namespace));
    const apps = mayApps
      ? [...store.summaries()].filter((s) => s.namespace === namespace && s.appSet === name).map(toWire)
      : null;
    const generators = ((obj['spec'] as { generators?: unknown[] } | undefined)?.generators ?? []).map((g) =>
      stringify(g),
    );
    return { appSet: forBrowser(obj), apps, generators };
  }

  /** Each top-level generator's param sets, generated now (nothing is written). */
  async params(user: User, namespace: string, name: string): Promise<{ generators: GeneratorParams[] }> {
    const { store, access, repos } = this.#deps;
    if (!(await access.allowed(user, can.getAppSet(namespace, name))))
      throw new Forbidden(`you may not get ApplicationSet ${namespace}/${name}`);
    const obj = store.appSets.get(namespace, name);
    if (obj === undefined) throw new NotFound(`ApplicationSet ${namespace}/${name} not found`);
    const spec = (obj['spec'] ?? {}) as {
      generators?: unknown[];
      goTemplate?: boolean;
      goTemplateOptions?: string[];
    };
    const env = {
      appSet: { name, namespace },
      renderer: createTemplateRenderer({
        goTemplate: spec.goTemplate ?? false,
        goTemplateOptions: spec.goTemplateOptions ?? [],
      }),
      registry,
      clusters: this.#clusterSource(),
      repos,
    };
    const generators: GeneratorParams[] = [];
    for (const [i, raw] of (spec.generators ?? []).entries()) {
      const path = `spec.generators[${i}]`;
      try {
        const entry = resolveEntry(raw, path, registry);
        const params = await runEntry(entry, env);
        generators.push({ path: entry.path, params: params.map(withoutLastApplied) });
      } catch (err) {
        generators.push({ path, params: [], error: err instanceof Error ? err.message : String(err) });
      }
    }
    return { generators };
  }

  #clusterSource(): ClusterSource {
    const store = this.#deps.store;
    return {
      list: () =>
        Promise.resolve(
          [...store.clusterCredentials()].sort((a, b) =>
            a.secretName < b.secretName ? -1 : a.secretName > b.secretName ? 1 : 0,
          ),
        ),
    };
  }

  async cluster(user: User, name: string): Promise<Record<string, unknown>> {
    const { store, access } = this.#deps;
    const view = store.clusters.byName(name);
    if (view === undefined) throw new NotFound(`cluster ${name} not registered`);
    if (!(await access.allowed(user, can.getCluster(store.namespace, view.secretName || view.name))))
      throw new Forbidden(`you may not get cluster ${name}`);
    const all = [...store.summaries()].filter((s) => s.cluster === (view.name || view.server));
    const visible = await this.visibleNamespaces(
      user,
      all.map((s) => s.namespace),
    );
    const selectedBy: { namespace: string; name: string; reasons: SelectionReason[] }[] = [];
    for (const appSet of store.appSets.list()) {
      const ns = appSet.metadata.namespace ?? '';
      const reasons = selectionReasons(
        (appSet['spec'] as { generators?: unknown } | undefined)?.generators,
        view,
      );
      if (reasons.length === 0 || !(await access.allowed(user, can.getAppSet(ns)))) continue;
      selectedBy.push({ namespace: ns, name: appSet.metadata.name, reasons });
    }
    return {
      cluster: clusterViews(store.clusterCredentials()).find((c) => c.name === view.name) ?? view,
      connection: await this.#connection(view.server),
      apps: all.filter((s) => visible.has(s.namespace)).map(toWire),
      selectedBy,
    };
  }

  /** Reachability and version of a spoke, asked at most every 30 s whoever looks. */
  #connection(server: string): Promise<Connection> {
    const now = Date.now();
    const cached = this.#versions.get(server);
    if (cached !== undefined && now - cached.at < 30_000) return cached.answer;
    const client = this.#deps.spokes.clientFor(server, this.#deps.store.clusterCredentials());
    const answer: Promise<Connection> =
      client === undefined
        ? Promise.resolve({ status: 'Unknown', message: 'no credentials registered' })
        : client.request<{ gitVersion?: string }>('GET', '/version').then(
            (v) => ({ status: 'Successful', version: v.gitVersion ?? '' }),
            (err: unknown) => ({
              status: 'Failed',
              message: err instanceof Error ? err.message : String(err),
            }),
          );
    this.#versions.set(server, { at: now, answer });
    return answer;
  }
}

/** A JSON answer, and the same gzip-compressed. */
export interface EncodedBody {
  readonly json: Buffer;
  readonly gzip: Buffer;
}

interface Connection {
  readonly status: 'Successful' | 'Failed' | 'Unknown';
  readonly version?: string;
  readonly message?: string;
}

export interface GeneratorParams {
  readonly path: string;
  readonly params: readonly Record<string, unknown>[];
  readonly error?: string;
}

/** Param sets without a kubectl last-applied annotation (it may copy a whole cluster Secret). */
function withoutLastApplied(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (key.endsWith('kubectl.kubernetes.io/last-applied-configuration')) continue;
    if (key === 'metadata' && typeof value === 'object' && value !== null) {
      const meta = value as { annotations?: Record<string, string> };
      const annotations = { ...(meta.annotations ?? {}) };
      delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
      out[key] = { ...meta, annotations };
      continue;
    }
    out[key] = value;
  }
  return out;
}

function eventView(e: KubeObject): {
  type: string;
  reason: string;
  message: string;
  count: number;
  last: string;
} {
  const ev = e as KubeObject & {
    type?: string;
    reason?: string;
    message?: string;
    count?: number;
    lastTimestamp?: string;
    eventTime?: string;
  };
  return {
    type: ev.type ?? '',
    reason: ev.reason ?? '',
    message: ev.message ?? '',
    count: ev.count ?? 1,
    last: ev.lastTimestamp ?? ev.eventTime ?? ev.metadata.creationTimestamp ?? '',
  };
}

export type { AppSummary };
