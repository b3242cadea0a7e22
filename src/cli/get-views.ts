/**
 * What `spokes get` shows: table rows for ApplicationSets and Applications, and the detail view
 * of one Application (as `argocd app get`). Pure functions of the objects read from the hub.
 */
import type { KubeObject } from '../kube/types.ts';
import type { AppStatus } from '../sync/status.ts';
import { NONE, age, formatTable, shorten } from './table.ts';

interface Source {
  readonly repoURL?: string;
  readonly path?: string;
  readonly chart?: string;
  readonly targetRevision?: string;
  readonly ref?: string;
}

interface ResourceEntry {
  readonly group?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly status?: string;
  readonly health?: { readonly status?: string };
}

export type AppObject = KubeObject & {
  spec?: {
    project?: string;
    source?: Source;
    sources?: Source[];
    destination?: { server?: string; name?: string; namespace?: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } };
  };
  status?: {
    sync?: { status?: string; revision?: string; revisions?: string[] };
    health?: AppStatus['health'];
    resources?: readonly ResourceEntry[];
    operationState?: AppStatus['operationState'];
    conditions?: AppStatus['conditions'];
  };
};

export interface AppSetCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

export type AppSetObject = KubeObject & {
  spec?: { generators?: unknown[] };
  status?: { conditions?: AppSetCondition[] };
};

export interface RowView {
  readonly wide: boolean;
  readonly allNamespaces: boolean;
  readonly now: number;
}

/** The name of the ApplicationSet that controls the Application (its controller ownerReference). */
export function ownerName(app: KubeObject): string | undefined {
  const refs = app.metadata.ownerReferences ?? [];
  const owner =
    refs.find((r) => r.kind === 'ApplicationSet' && r.controller === true) ??
    refs.find((r) => r.kind === 'ApplicationSet');
  return owner?.name;
}

/** The Applications `set` owns: same namespace, an ApplicationSet ownerReference with its uid (or name). */
export function ownedApps(set: KubeObject, apps: readonly AppObject[]): AppObject[] {
  return apps.filter(
    (app) =>
      app.metadata.namespace === set.metadata.namespace &&
      (app.metadata.ownerReferences ?? []).some(
        (r) =>
          r.kind === 'ApplicationSet' &&
          (set.metadata.uid === undefined ? r.name === set.metadata.name : r.uid === set.metadata.uid),
      ),
  );
}

const STATUS_WIDTH = 60;

/**
 * One word for an ApplicationSet's state, from its conditions: `Error: <message>` (shortened)
 * while ErrorOccurred is True, else `ResourcesUpToDate` when that is True, else the last True
 * condition's type, else `Unknown` (not reconciled yet).
 */
export function appSetStatus(set: AppSetObject): string {
  const conditions = set.status?.conditions ?? [];
  const error = conditions.find((c) => c.type === 'ErrorOccurred' && c.status === 'True');
  if (error !== undefined)
    return shorten(`Error: ${error.message || error.reason || 'unknown'}`, STATUS_WIDTH);
  if (conditions.some((c) => c.type === 'ResourcesUpToDate' && c.status === 'True'))
    return 'ResourcesUpToDate';
  const last = conditions.filter((c) => c.status === 'True' && c.type !== 'ErrorOccurred').at(-1);
  return last?.type ?? 'Unknown';
}

const SYNC_ORDER = ['Synced', 'OutOfSync', 'Unknown'];

/** `3 Synced, 1 OutOfSync`: the Applications by sync status (Synced, OutOfSync, Unknown, then others). */
export function syncSummary(apps: readonly AppObject[]): string {
  const counts = new Map<string, number>();
  for (const app of apps) {
    const status = app.status?.sync?.status || 'Unknown';
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  const rank = (s: string): number => (SYNC_ORDER.includes(s) ? SYNC_ORDER.indexOf(s) : SYNC_ORDER.length);
  const statuses = [...counts.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return statuses.length === 0 ? NONE : statuses.map((s) => `${counts.get(s)} ${s}`).join(', ');
}

/** The generator types, children of matrix and merge in parentheses: `matrix(clusters,list),git`. */
export function generatorTypes(generators: readonly unknown[] | undefined): string {
  const types = (generators ?? []).map((g) => {
    const entry = (g ?? {}) as Record<string, unknown>;
    const type = Object.keys(entry).find((k) => k !== 'selector' && k !== 'template');
    if (type === undefined) return '?';
    const children = (entry[type] as { generators?: unknown[] } | null)?.generators;
    return (type === 'matrix' || type === 'merge') && Array.isArray(children)
      ? `${type}(${generatorTypes(children)})`
      : type;
  });
  return types.length === 0 ? NONE : types.join(',');
}

export function appSetHeader(view: RowView): string[] {
  return [
    'NAME',
    ...(view.allNamespaces ? ['NAMESPACE'] : []),
    'APPS',
    'STATUS',
    'AGE',
    ...(view.wide ? ['GENERATORS', 'SYNC'] : []),
  ];
}

export function appSetRow(set: AppSetObject, apps: readonly AppObject[], view: RowView): string[] {
  const owned = ownedApps(set, apps);
  return [
    set.metadata.name,
    ...(view.allNamespaces ? [set.metadata.namespace ?? ''] : []),
    String(owned.length),
    appSetStatus(set),
    age(set.metadata.creationTimestamp, view.now),
    ...(view.wide ? [generatorTypes(set.spec?.generators), syncSummary(owned)] : []),
  ];
}

export function appHeader(view: RowView): string[] {
  return [
    'NAME',
    'APPSET',
    'CLUSTER',
    'NAMESPACE',
    'SYNC',
    'HEALTH',
    'AGE',
    ...(view.wide ? ['REPO', 'PATH', 'REVISION', 'OPERATION'] : []),
  ];
}

export function appRow(app: AppObject, view: RowView): string[] {
  const destination = app.spec?.destination ?? {};
  const status = app.status ?? {};
  const row = [
    view.allNamespaces ? `${app.metadata.namespace ?? ''}/${app.metadata.name}` : app.metadata.name,
    ownerName(app) ?? NONE,
    destination.name || destination.server || NONE,
    destination.namespace || NONE,
    status.sync?.status || 'Unknown',
    status.health?.status || 'Unknown',
    age(app.metadata.creationTimestamp, view.now),
  ];
  return view.wide ? [...row, ...wideAppCells(app)] : row;
}

/** REPO, PATH, REVISION, OPERATION. */
function wideAppCells(app: AppObject): string[] {
  const sources = sourcesOf(app);
  const first = sources[0];
  const more = sources.length > 1 ? ` (+${sources.length - 1})` : '';
  const status = app.status ?? {};
  return [
    first?.repoURL ? `${first.repoURL}${more}` : NONE,
    first?.path || first?.chart || NONE,
    syncedRevision(status) ?? NONE,
    status.operationState?.phase || NONE,
  ];
}

function syncedRevision(status: NonNullable<AppObject['status']>): string | undefined {
  return shortRevision(status.sync?.revision ?? status.sync?.revisions?.[0]);
}

function sourcesOf(app: AppObject): Source[] {
  const spec = app.spec ?? {};
  return spec.sources && spec.sources.length > 0 ? spec.sources : spec.source ? [spec.source] : [];
}

/** A commit SHA as its first 7 characters; other revisions (tags, chart versions) as they are. */
export function shortRevision(revision: string | undefined): string | undefined {
  if (!revision) return undefined;
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 7) : revision;
}

// ---- the detail view of one Application, like `argocd app get` ----

const LABEL_WIDTH = 20;

function field(label: string, value: string): string {
  return `${`${label}:`.padEnd(LABEL_WIDTH)}${value}`;
}

export function describeApp(app: AppObject): string {
  const blocks = [headerLines(app), operationLines(app), conditionsTable(app), resourcesTable(app)].filter(
    (b) => b !== '',
  );
  return `${blocks.join('\n')}`;
}

function headerLines(app: AppObject): string {
  const spec = app.spec ?? {};
  const destination = spec.destination ?? {};
  const lines = [
    field('Name', `${app.metadata.namespace ?? ''}/${app.metadata.name}`),
    field('Project', spec.project || NONE),
    field('ApplicationSet', ownerName(app) ?? NONE),
    ...(destination.name ? [field('Cluster', destination.name)] : []),
    ...(destination.server || !destination.name ? [field('Server', destination.server || NONE)] : []),
    field('Namespace', destination.namespace || NONE),
    ...sourceLines(sourcesOf(app)),
    field('Sync Policy', syncPolicy(app)),
    field('Sync Status', syncStatusText(app)),
    field('Health Status', healthText(app)),
  ];
  return `${lines.join('\n')}\n`;
}

function sourceLines(sources: readonly Source[]): string[] {
  if (sources.length === 0) return [field('Source', NONE)];
  const lines = [sources.length === 1 ? 'Source:' : 'Sources:'];
  for (const source of sources) {
    const rows: [string, string | undefined][] = [
      ['Repo', source.repoURL],
      ['Target', source.targetRevision || 'HEAD'],
      ['Path', source.path],
      ['Chart', source.chart],
      ['Ref', source.ref],
    ];
    rows
      .filter((r): r is [string, string] => Boolean(r[1]))
      .forEach(([label, value], i) => lines.push(field(`${i === 0 ? '-' : ' '} ${label}`, value)));
  }
  return lines;
}

function syncPolicy(app: AppObject): string {
  const automated = app.spec?.syncPolicy?.automated;
  if (automated === undefined || automated === null) return 'Manual';
  const flags = [automated.prune ? 'Prune' : '', automated.selfHeal ? 'SelfHeal' : ''].filter(Boolean);
  return flags.length === 0 ? 'Automated' : `Automated (${flags.join(', ')})`;
}

/** `Synced to main (1a2b3c4)`, `OutOfSync from HEAD`, as argocd app get prints it. */
export function syncStatusText(app: AppObject): string {
  const sync = app.status?.sync ?? {};
  const status = sync.status || 'Unknown';
  const target = sourcesOf(app)[0]?.targetRevision || 'HEAD';
  const direction = status === 'Synced' ? ` to ${target}` : status === 'OutOfSync' ? ` from ${target}` : '';
  const revision = sync.revision ?? sync.revisions?.[0];
  const shown = revision && revision !== target ? ` (${shortRevision(revision)})` : '';
  return `${status}${direction}${shown}`;
}

function healthText(app: AppObject): string {
  const health = app.status?.health;
  if (!health?.status) return 'Unknown';
  return health.message ? `${health.status} (${shorten(health.message, 80)})` : health.status;
}

function operationLines(app: AppObject): string {
  const state = app.status?.operationState;
  if (state === undefined) return '';
  const op = state.operation ?? {};
  const kind = 'sync' in op ? 'Sync' : Object.keys(op)[0] || NONE;
  const rows: [string, string | undefined][] = [
    ['Operation', kind],
    ['Sync Revision', state.syncResult?.revision],
    ['Phase', state.phase || 'Unknown'],
    ['Start', state.startedAt],
    ['Finished', state.finishedAt],
    ['Message', state.message],
  ];
  const lines = rows.filter((r): r is [string, string] => Boolean(r[1])).map(([l, v]) => field(l, v));
  return `${lines.join('\n')}\n`;
}

function conditionsTable(app: AppObject): string {
  const conditions = app.status?.conditions ?? [];
  if (conditions.length === 0) return '';
  return formatTable(
    ['CONDITION', 'MESSAGE', 'LAST TRANSITION'],
    conditions.map((c) => [c.type, shorten(c.message ?? '', 100), c.lastTransitionTime ?? '']),
  );
}

function resourcesTable(app: AppObject): string {
  const resources = app.status?.resources ?? [];
  if (resources.length === 0) return '';
  return formatTable(
    ['GROUP', 'KIND', 'NAMESPACE', 'NAME', 'STATUS', 'HEALTH'],
    resources.map((r) => [
      r.group ?? '',
      r.kind ?? '',
      r.namespace ?? '',
      r.name ?? '',
      r.status ?? '',
      r.health?.status ?? '',
    ]),
  );
}
