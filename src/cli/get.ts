/**
 * `spokes get appsets|apps|app NAME`: what is on the hub, as kubectl and `argocd app get` show
 * it — ApplicationSets with the Applications they own, Applications with their destination, sync
 * and health, one Application in detail with its resources. Read only.
 */
import { parseArgs } from 'node:util';
import { SpokesError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { APPLICATIONS, APPLICATION_SETS, type KubeObject } from '../kube/types.ts';
import { toYamlStream } from '../yaml.ts';
import { EXIT_OK, type CommandIO } from './io.ts';
import { connectHub } from './kubeconfig.ts';
import {
  appHeader,
  appRow,
  appSetHeader,
  appSetRow,
  describeApp,
  ownerName,
  type AppObject,
  type AppSetObject,
  type RowView,
} from './get-views.ts';
import { describeRollout } from './rollout-views.ts';
import { formatTable } from './table.ts';
import { runGetShards } from './get-shards.ts';

export const getHelp = `Usage: spokes get appsets|apps|app NAME|shards [options]

Shows ApplicationSets and Applications on the hub, like kubectl get and argocd app get.

  spokes get appsets [-n NS | -A] [-l SELECTOR] [-o wide|yaml|json]
      NAME, NAMESPACE (with -A), APPS (Applications it owns), STATUS (from its conditions), AGE;
      wide adds GENERATORS and SYNC (e.g. "3 Synced, 1 OutOfSync")
  spokes get apps [-n NS | -A] [-l SELECTOR] [--appset NAME] [-o wide|yaml|json]
      NAME (NS/NAME with -A), APPSET, CLUSTER, NAMESPACE (the destination's), SYNC, HEALTH, AGE;
      wide adds REPO, PATH, REVISION and OPERATION (the last operation's phase)
  spokes get appset NAME [-n NS]
      one ApplicationSet's row; with a RollingSync strategy also its steps, the Applications in
      each with their rollout state, and where the rollout stands
  spokes get app NAME [-n NS] [-o yaml|json]
      one Application in detail: project, ApplicationSet, sources, destination, sync status and
      revision, health, last operation, conditions and its resources
  spokes get shards [-n NS] [--lease-name NAME] [--shards N] [-o json]
      which controller replica holds which shard, with the clusters and ApplicationSets each
      serves (see spokes get shards --help)

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
  if (kindArg === undefined) throw usage('name what to get: appsets, apps, app NAME or shards');
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
  if (args[0] === 'shards') return runGetShards(args, io);
  const options = parseGetArgs(args);
  if (options === 'help') {
    io.stdout(getHelp);
    return EXIT_OK;
  }
  const client = connectHub(options.kubeconfig, options.context);
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
  print(io, options, sets, () => {
    const table = formatTable(
      appSetHeader(view),
      sets.map((s) => appSetRow(s, apps, view)),
    );
    // One ApplicationSet by name: its rollout steps below the row, when it has a RollingSync.
    const rollout = options.name === undefined ? '' : describeRollout(sets[0]!);
    return rollout === '' ? table : `${table}\n${rollout}`;
  });
  return EXIT_OK;
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
