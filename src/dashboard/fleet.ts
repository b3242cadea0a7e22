/**
 * The fleet as the grid shows it: each Application reduced to one compact summary (where it
 * goes, which ApplicationSet made it, its sync, health, revision and operation), and clusters
 * reduced to their non-secret fields. Pure: no I/O, so the same code serves the snapshot, the
 * live feed and the tests.
 */
import type { KubeObject } from '../kube/types.ts';

/** A registered cluster, as the browser may see it: never its `config` (credentials). */
export interface ClusterView {
  readonly name: string;
  readonly server: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly secretName: string;
  readonly project?: string;
  readonly namespaces?: readonly string[];
}

/** One Application in the grid. */
export interface AppSummary {
  readonly namespace: string;
  readonly name: string;
  /** The owning ApplicationSet's name, or '' for an Application no ApplicationSet owns. */
  readonly appSet: string;
  readonly project: string;
  /** The column: the destination cluster's name (or its server when no Secret names it). */
  readonly cluster: string;
  /** The row within the ApplicationSet: the name with the cluster's name replaced by `*`. */
  readonly group: string;
  readonly sync: string;
  readonly health: string;
  /** The synced revision, shortened to 7 characters for commits. */
  readonly revision: string;
  /** The phase of the running or last operation ('' when none). */
  readonly operation: string;
}

/** The fields of an Application the summary reads. */
interface AppLike extends KubeObject {
  spec?: {
    project?: string;
    destination?: { server?: string; name?: string };
  };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string };
    operationState?: { phase?: string };
  };
  operation?: unknown;
}

export const IN_CLUSTER = { name: 'in-cluster', server: 'https://kubernetes.default.svc' } as const;

export function normalizeServer(server: string): string {
  return server.trim().replace(/\/+$/, '');
}

/** Resolves destinations to column names, with the registered clusters at hand. */
export class ClusterIndex {
  readonly #byServer = new Map<string, ClusterView>();
  readonly #byName = new Map<string, ClusterView>();
  readonly clusters: readonly ClusterView[];

  constructor(clusters: readonly ClusterView[]) {
    this.clusters = clusters;
    for (const c of clusters) {
      this.#byServer.set(normalizeServer(c.server), c);
      if (c.name !== '') this.#byName.set(c.name, c);
    }
  }

  /** The cluster a destination names, if registered (in-cluster is implicit, as in Argo CD). */
  find(dest: { server?: string; name?: string } | undefined): ClusterView | undefined {
    const server = dest?.server ?? '';
    const name = dest?.name ?? '';
    if (server !== '') {
      const found = this.#byServer.get(normalizeServer(server));
      if (found !== undefined) return found;
      if (normalizeServer(server) === IN_CLUSTER.server) return this.#inCluster();
      return undefined;
    }
    if (name !== '')
      return this.#byName.get(name) ?? (name === IN_CLUSTER.name ? this.#inCluster() : undefined);
    return undefined;
  }

  byName(name: string): ClusterView | undefined {
    return this.#byName.get(name) ?? (name === IN_CLUSTER.name ? this.#inCluster() : undefined);
  }

  /** The column name of a destination: the cluster's name, else what the destination says. */
  columnOf(dest: { server?: string; name?: string } | undefined): string {
    const found = this.find(dest);
    if (found !== undefined) return found.name || found.server;
    return dest?.name || dest?.server || '(no destination)';
  }

  #inCluster(): ClusterView {
    return (
      this.#byServer.get(IN_CLUSTER.server) ?? {
        name: IN_CLUSTER.name,
        server: IN_CLUSTER.server,
        labels: {},
        secretName: '',
      }
    );
  }
}

/** The ApplicationSet that owns the Application (its controller ownerReference), or ''. */
export function owningAppSet(app: KubeObject): string {
  const owner = (app.metadata.ownerReferences ?? []).find(
    (ref) => ref.kind === 'ApplicationSet' && ref.apiVersion.startsWith('argoproj.io/'),
  );
  return owner?.name ?? '';
}

/** `guestbook-prod-eu` on `prod-eu` → `guestbook-*`: one row per app across clusters. */
export function groupName(appName: string, cluster: string): string {
  if (cluster === '' || !appName.includes(cluster)) return appName;
  return appName.replace(cluster, '*');
}

function shortRevision(revision: string | undefined): string {
  if (revision === undefined) return '';
  // Multi-source revisions are comma-separated; commits are shown as git does, 7 characters.
  return revision
    .split(',')
    .map((r) => (/^[0-9a-f]{40}$/.test(r) ? r.slice(0, 7) : r))
    .join(',');
}

/** The sync, health, revision and operation phase an Application's status shows. */
function statusOf(app: AppLike): Pick<AppSummary, 'sync' | 'health' | 'revision' | 'operation'> {
  const status = app.status ?? {};
  const running = app.operation !== undefined && app.operation !== null;
  return {
    sync: status.sync?.status ?? 'Unknown',
    health: status.health?.status ?? 'Unknown',
    revision: shortRevision(status.sync?.revision),
    operation: running ? 'Running' : (status.operationState?.phase ?? ''),
  };
}

export function summarize(obj: KubeObject, clusters: ClusterIndex): AppSummary {
  const app = obj as AppLike;
  const destination = app.spec?.destination;
  const cluster = clusters.columnOf(destination);
  const clusterName = clusters.find(destination)?.name || cluster;
  return {
    namespace: app.metadata.namespace ?? '',
    name: app.metadata.name,
    appSet: owningAppSet(app),
    project: app.spec?.project ?? '',
    cluster,
    group: groupName(app.metadata.name, clusterName),
    ...statusOf(app),
  };
}

export function sameSummary(a: AppSummary | undefined, b: AppSummary): boolean {
  if (a === undefined) return false;
  for (const key of Object.keys(b) as (keyof AppSummary)[]) if (a[key] !== b[key]) return false;
  return true;
}

/** The summary as the wire carries it: a fixed-order array (10,000 of them, so no repeated keys). */
export type WireApp = readonly [
  namespace: string,
  name: string,
  appSet: string,
  project: string,
  cluster: string,
  group: string,
  sync: string,
  health: string,
  revision: string,
  operation: string,
];

export function toWire(s: AppSummary): WireApp {
  return [
    s.namespace,
    s.name,
    s.appSet,
    s.project,
    s.cluster,
    s.group,
    s.sync,
    s.health,
    s.revision,
    s.operation,
  ];
}

export function fromWire(w: WireApp): AppSummary {
  const [namespace, name, appSet, project, cluster, group, sync, health, revision, operation] = w;
  return { namespace, name, appSet, project, cluster, group, sync, health, revision, operation };
}
