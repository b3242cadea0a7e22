/**
 * `spokes get appsets|apps|app NAME`: what is on the hub, as kubectl and `argocd app get` show
 * it — ApplicationSets with the Applications they own, Applications with their destination, sync
 * and health, one Application in detail with its resources. Read only.
 */
import { parseArgs } from 'node:util';
import { SpokesError } from '../errors.ts';
import { KubeClient } from '../kube/client.ts';
import { APPLICATIONS, APPLICATION_SETS, type KubeObject } from '../kube/types.ts';
import type { AppStatus } from '../sync/status.ts';
import { toYamlStream } from '../yaml.ts';
import { EXIT_OK, type CommandIO } from './io.ts';
import { defaultKubeconfig } from './kubeconfig.ts';
import { NONE, age, formatTable, shorten } from './table.ts';

export const getHelp = `Usage: spokes get appsets|apps|app NAME [options]

Shows ApplicationSets and Applications on the hub, like kubectl get and argocd app get.

  spokes get appsets [-n NS | -A] [-l SELECTOR] [-o wide|yaml|json]
      NAME, NAMESPACE (with -A), APPS (Applications it owns), STATUS (from its conditions), AGE;
      wide adds GENERATORS and SYNC (e.g. "3 Synced, 1 OutOfSync")
  spokes get apps [-n NS | -A] [-l SELECTOR] [--appset NAME] [-o wide|yaml|json]
      NAME (NS/NAME with -A), APPSET, CLUSTER, NAMESPACE (the destination's), SYNC, HEALTH, AGE;
      wide adds REPO, PATH, REVISION and OPERATION (the last operation's phase)
  spokes get app NAME [-n NS] [-o yaml|json]
      one Application in detail: project, ApplicationSet, sources, destination, sync status and
      revision, health, last operation, conditions and its resources

Options:
  -n, --namespace NS    the hub namespace (default argocd)
  -A, --all-namespaces  every namespace
  -l, --selector SEL    label selector, e.g. env=prod,team!=ops
  --appset NAME         only the Applications this ApplicationSet owns
  -o, --output FMT      wide, yaml (a List for many) or json (an array for many)
  --kubeconfig FILE     kubeconfig of the hub (default: $KUBECONFIG or ~/.kube/config)
  --context NAME        kubeconfig context
  -h, --help            show this help

Exit codes: 0 ok, 1 not found or the hub failed, 2 bad command line.
`;

export type Output = 'table' | 'wide' | 'yaml' | 'json';

export interface GetOptions {
  readonly kind: 'appsets' | 'apps';
  /** One object by name (`get app NAME`: the detail view). */
  readonly name?: string;
  /** The namespace, or undefined for all (-A). */
  readonly namespace: string | undefined;
  readonly selector?: string;
  readonly appSet?: string;
  readonly output: Output;
  readonly kubeconfig?: string;
  readonly context?: string;
}

const KINDS: Readonly<Record<string, 'appsets' | 'apps'>> = {
  appsets: 'appsets',
  appset: 'appsets',
  applicationsets: 'appsets',
  applicationset: 'appsets',
  apps: 'apps',
  app: 'apps',
  applications: 'apps',
  application: 'apps',
};

const OUTPUTS: readonly string[] = ['wide', 'yaml', 'json'];

function usage(detail: string): SpokesError {
  return new SpokesError('Usage', detail);
}

export function parseGetArgs(args: readonly string[]): GetOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      namespace: { type: 'string', short: 'n' },
      'all-namespaces': { type: 'boolean', short: 'A', default: false },
      selector: { type: 'string', short: 'l' },
      appset: { type: 'string' },
      output: { type: 'string', short: 'o' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const [kindArg, name, ...extra] = positionals;
  if (kindArg === undefined) throw usage('name what to get: appsets, apps or app NAME');
  const kind = KINDS[kindArg];
  if (kind === undefined) throw usage(`unknown kind "${kindArg}": expected appsets, apps or app NAME`);
  if (extra.length > 0) throw usage(`one NAME at most, got ${[name, ...extra].join(' ')}`);
  if (values.output !== undefined && !OUTPUTS.includes(values.output))
    throw usage(`--output must be wide, yaml or json, got "${values.output}"`);
  const all = values['all-namespaces'];
  checkCombinations({ kind, name, all, namespace: values.namespace, ...values });
  return {
    kind,
    ...(name !== undefined ? { name } : {}),
    namespace: all ? undefined : (values.namespace ?? 'argocd'),
    ...(values.selector !== undefined ? { selector: values.selector } : {}),
    ...(values.appset !== undefined ? { appSet: values.appset } : {}),
    output: (values.output ?? 'table') as Output,
    ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context !== undefined ? { context: values.context } : {}),
  };
}

function checkCombinations(given: {
  kind: 'appsets' | 'apps';
  name: string | undefined;
  all: boolean;
  namespace: string | undefined;
  selector?: string | undefined;
  appset?: string | undefined;
  output?: string | undefined;
}): void {
  if (given.all && given.namespace !== undefined) throw usage('-n and -A exclude each other');
  if (given.appset !== undefined && given.kind !== 'apps') throw usage('--appset applies to apps only');
  if (given.name === undefined) return;
  if (given.all) throw usage('-A lists; with a NAME give its namespace with -n');
  if (given.selector !== undefined) throw usage('-l selects from a list; not with a NAME');
  if (given.appset !== undefined) throw usage('--appset filters a list; not with a NAME');
  if (given.kind === 'apps' && given.output === 'wide')
    throw usage('-o wide is for lists; "get app NAME" shows the detail view, or -o yaml|json');
}

export async function runGet(args: readonly string[], io: CommandIO): Promise<number> {
  const options = parseGetArgs(args);
  if (options === 'help') {
    io.stdout(getHelp);
    return EXIT_OK;
  }
  const client = connect(options);
  const now = Date.now();
  if (options.kind === 'apps' && options.name !== undefined) {
    const app = await getOne(client, 'Application', options.namespace!, options.name);
    const format = options.output;
    io.stdout(format === 'yaml' || format === 'json' ? serialize(app, format) : describeApp(app));
    return EXIT_OK;
  }
  const view: RowView = {
    wide: options.output === 'wide',
    allNamespaces: options.namespace === undefined,
    now,
  };
  const apps = sortObjects(await listOf<AppObject>(client, APPLICATIONS, options, 'apps'));
  if (options.kind === 'apps') {
    const shown = options.appSet === undefined ? apps : apps.filter((a) => ownerName(a) === options.appSet);
    print(io, options, shown, () =>
      formatTable(
        appHeader(view),
        shown.map((a) => appRow(a, view)),
      ),
    );
    return EXIT_OK;
  }
  const sets =
    options.name === undefined
      ? sortObjects(await listOf<AppSetObject>(client, APPLICATION_SETS, options, 'appsets'))
      : [(await getOne(client, 'ApplicationSet', options.namespace!, options.name)) as AppSetObject];
  if (options.name !== undefined && options.output !== 'table' && options.output !== 'wide') {
    io.stdout(serialize(sets[0], options.output));
    return EXIT_OK;
  }
  print(io, options, sets, () =>
    formatTable(
      appSetHeader(view),
      sets.map((s) => appSetRow(s, apps, view)),
    ),
  );
  return EXIT_OK;
}

/** A client for the hub; a kubeconfig that cannot be loaded is a clear error without its contents. */
function connect(options: GetOptions): KubeClient {
  const file = options.kubeconfig ?? defaultKubeconfig();
  try {
    return KubeClient.fromKubeconfig(file, options.context);
  } catch (err) {
    const where = file ?? 'the in-cluster config';
    if (err instanceof Error && 'code' in err)
      throw new SpokesError('Io', `cannot read kubeconfig: ${err.message}`);
    if (options.context !== undefined)
      throw new SpokesError('Io', `${where}: no context "${options.context}" with a cluster`);
    // A parse error can quote the file (and a token in it): say only that it is not valid.
    throw new SpokesError('Io', `${where}: not a valid kubeconfig with a current cluster`);
  }
}

async function getOne(
  client: KubeClient,
  kind: 'Application' | 'ApplicationSet',
  namespace: string,
  name: string,
): Promise<KubeObject> {
  const type = kind === 'Application' ? APPLICATIONS : APPLICATION_SETS;
  const obj = await client.get(type, namespace, name);
  if (obj === undefined) throw new SpokesError('InvalidSpec', `${kind} ${namespace}/${name} not found`);
  return { ...obj, apiVersion: obj.apiVersion ?? 'argoproj.io/v1alpha1', kind };
}

async function listOf<T extends KubeObject>(
  client: KubeClient,
  type: typeof APPLICATIONS,
  options: GetOptions,
  listed: GetOptions['kind'],
): Promise<T[]> {
  // The selector picks the kind listed; owned Applications of ApplicationSets are all counted.
  const selector = options.kind === listed ? options.selector : undefined;
  const result = await client.list<T>(type, {
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    ...(selector !== undefined ? { labelSelector: selector } : {}),
  });
  return result.items;
}

function print(io: CommandIO, options: GetOptions, items: readonly KubeObject[], table: () => string): void {
  if (options.output === 'yaml' || options.output === 'json') {
    io.stdout(serialize(items, options.output));
    return;
  }
  if (items.length === 0) {
    const what = options.kind === 'apps' ? 'Applications' : 'ApplicationSets';
    io.stderr(
      `No ${what} found${options.namespace === undefined ? '' : ` in namespace ${options.namespace}`}.\n`,
    );
    return;
  }
  io.stdout(table());
}

/** yaml or json of one object or a list (yaml: a v1 List; json: an array), managedFields removed. */
export function serialize(
  value: KubeObject | readonly KubeObject[] | undefined,
  format: 'yaml' | 'json',
): string {
  if (value === undefined) return '';
  const clean = Array.isArray(value)
    ? (value as readonly KubeObject[]).map(withoutManagedFields)
    : withoutManagedFields(value as KubeObject);
  if (format === 'json') return `${JSON.stringify(clean, null, 2)}\n`;
  return toYamlStream([
    Array.isArray(clean)
      ? { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: clean }
      : clean,
  ]);
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  const { managedFields: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** Sorted by namespace, then name. */
export function sortObjects<T extends KubeObject>(items: readonly T[]): T[] {
  const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

// ---- the shapes read, and what is derived from them (pure; tested from fixtures) ----

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
