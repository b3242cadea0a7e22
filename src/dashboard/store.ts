/**
 * The dashboard's view of the hub: one set of informers per process (Applications,
 * ApplicationSets, cluster Secrets, AppProjects, Events on Argo objects), however many browsers
 * are open. Each Application change becomes a numbered entry in a change feed that the live
 * streams read from; a browser that falls too far behind gets a fresh snapshot instead.
 */
import { clusterOfObject } from '../clusters/from-secret.ts';
import type { Cluster } from '../clusters/types.ts';
import type { KubeClient } from '../kube/client.ts';
import type { InformerView } from '../kube/informer.ts';
import { informersOr, type SharedInformers } from '../kube/shared-informers.ts';
import { namespaceFilter, type NamespaceFilter } from '../kube/namespaces.ts';
import {
  APP_PROJECTS,
  APPLICATION_SETS,
  APPLICATIONS,
  EVENTS,
  SECRETS,
  objectKey,
  type KubeObject,
} from '../kube/types.ts';
import type { Logger } from '../log.ts';
import { ClusterIndex, sameSummary, summarize, type AppSummary, type ClusterView } from './fleet.ts';

/** One change the live streams carry: an Application's new summary, its removal, or new clusters. */
export type Change =
  | { readonly seq: number; readonly type: 'app'; readonly app: AppSummary }
  | { readonly seq: number; readonly type: 'deleted'; readonly namespace: string; readonly name: string }
  | { readonly seq: number; readonly type: 'clusters' };

export interface StoreOptions {
  readonly hub: KubeClient;
  /** The process's shared informers (one watch and one copy per type); default: this component's own. */
  readonly informers?: SharedInformers;
  /** The control-plane namespace: cluster Secrets and AppProjects; Applications and ApplicationSets too. */
  readonly namespace: string;
  /** More namespaces whose Applications and ApplicationSets are shown (globs or /regex/). */
  readonly appNamespaces: readonly string[];
  readonly log: Logger;
  /** How many changes are kept for streams to catch up from (default 20,000). */
  readonly feedSize?: number;
}

export class FleetStore {
  readonly apps: InformerView<KubeObject>;
  readonly appSets: InformerView<KubeObject>;
  readonly secrets: InformerView<KubeObject>;
  readonly projects: InformerView<KubeObject>;
  readonly events: InformerView<KubeObject>;
  readonly namespace: string;
  readonly #allowed: NamespaceFilter;
  readonly #summaries = new Map<string, AppSummary>();
  readonly #feed: Change[] = [];
  readonly #feedSize: number;
  readonly #listeners = new Set<(changes: readonly Change[]) => void>();
  #pending: Change[] = [];
  #flushScheduled = false;
  #seq = 0;
  #clusters = new ClusterIndex([]);
  #ready = false;

  constructor(options: StoreOptions) {
    const { hub, namespace, appNamespaces, log } = options;
    this.namespace = namespace;
    this.#feedSize = options.feedSize ?? 20_000;
    this.#allowed = namespaceFilter(namespace, appNamespaces);
    const scope = appNamespaces.length === 0 ? { namespace } : {};
    const child = log.child({ component: 'dashboard' });
    const informers = informersOr(options.informers, hub, child);
    this.apps = informers.informer(APPLICATIONS, scope);
    this.appSets = informers.informer(APPLICATION_SETS, scope);
    this.secrets = informers.informer(SECRETS, {
      namespace,
      labelSelector: 'argocd.argoproj.io/secret-type=cluster',
    });
    this.projects = informers.informer(APP_PROJECTS, { namespace });
    this.events = informers.informer(EVENTS, {
      ...scope,
      fieldSelector: 'involvedObject.apiVersion=argoproj.io/v1alpha1',
    });
    this.#wire();
  }

  get ready(): boolean {
    return this.#ready;
  }

  async start(): Promise<void> {
    const informers = [this.secrets, this.projects, this.appSets, this.apps, this.events];
    for (const informer of informers) informer.start();
    await Promise.all(informers.map((i) => i.synced));
    this.#ready = true;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [this.apps, this.appSets, this.secrets, this.projects, this.events].map((i) => i.stop()),
    );
  }

  /** The sequence number of the last change (a snapshot is "as of" this). */
  get seq(): number {
    return this.#seq;
  }

  get clusters(): ClusterIndex {
    return this.#clusters;
  }

  summaries(): IterableIterator<AppSummary> {
    return this.#summaries.values();
  }

  summary(namespace: string, name: string): AppSummary | undefined {
    return this.#summaries.get(`${namespace}/${name}`);
  }

  /** Changes after `seq`, or undefined when the feed no longer reaches back that far. */
  changesSince(seq: number): Change[] | undefined {
    if (seq > this.#seq) return undefined;
    if (seq === this.#seq) return [];
    const first = this.#feed[0];
    if (first === undefined || first.seq > seq + 1) return undefined;
    return this.#feed.slice(seq + 1 - first.seq);
  }

  /** Calls `listener` with each batch of changes (batched per turn of the event loop). */
  subscribe(listener: (changes: readonly Change[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Cluster objects with credentials, for reading a spoke on a user's behalf. Never sent anywhere. */
  clusterCredentials(): Cluster[] {
    return this.secrets.list().flatMap((obj) => clusterOfObject(obj) ?? []);
  }

  #wire(): void {
    this.apps.on({
      add: (app) => this.#onApp(app),
      update: (app) => this.#onApp(app),
      delete: (app) => this.#onAppDeleted(app),
    });
    const onClusters = (): void => this.#onClusters();
    this.secrets.on({ add: onClusters, update: onClusters, delete: onClusters });
  }

  #onApp(app: KubeObject): void {
    if (!this.#allowed(app.metadata.namespace ?? '')) return;
    const key = objectKey(app);
    const next = summarize(app, this.#clusters);
    if (sameSummary(this.#summaries.get(key), next)) return;
    this.#summaries.set(key, next);
    this.#push({ seq: ++this.#seq, type: 'app', app: next });
  }

  #onAppDeleted(app: KubeObject): void {
    const key = objectKey(app);
    if (!this.#summaries.delete(key)) return;
    this.#push({
      seq: ++this.#seq,
      type: 'deleted',
      namespace: app.metadata.namespace ?? '',
      name: app.metadata.name,
    });
  }

  /** New clusters move columns: every summary is computed again and the streams resend a snapshot. */
  #onClusters(): void {
    this.#clusters = new ClusterIndex(clusterViews(this.clusterCredentials()));
    for (const app of this.apps.list()) {
      if (!this.#allowed(app.metadata.namespace ?? '')) continue;
      this.#summaries.set(objectKey(app), summarize(app, this.#clusters));
    }
    this.#push({ seq: ++this.#seq, type: 'clusters' });
  }

  #push(change: Change): void {
    this.#feed.push(change);
    if (this.#feed.length > this.#feedSize) this.#feed.splice(0, this.#feed.length - this.#feedSize);
    this.#pending.push(change);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      const batch = this.#pending;
      this.#pending = [];
      for (const listener of this.#listeners) listener(batch);
    });
  }
}

/** Clusters as the browser may see them: name, server, labels; never annotations (a last-applied
 * annotation can hold the whole Secret) and never `config`. */
export function clusterViews(clusters: readonly Cluster[]): ClusterView[] {
  return clusters
    .map((c) => ({
      name: c.name,
      server: c.server,
      labels: { ...c.labels },
      secretName: c.secretName,
      ...(c.project ? { project: c.project } : {}),
      ...(c.namespaces.length > 0 ? { namespaces: [...c.namespaces] } : {}),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
