/** `spokes cluster list`: the registered clusters, how many Applications target each, and whether each answers. */
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import type { Application } from '../../api/application.ts';
import { SECRET_TYPE_LABEL } from '../../api/secret.ts';
import { clusterFromSecret } from '../../clusters/from-secret.ts';
import { normalizeServer } from '../../sync/destinations.ts';
import type { Cluster } from '../../clusters/types.ts';
import { KubeClient } from '../../kube/client.ts';
import { generateFromFiles } from '../generate.ts';
import { EXIT_OK, type CommandIO } from '../io.ts';
import { DEFAULT_NAMESPACE, openStore, storeOptions, storeSpec, usage, type StoreSpec } from './common.ts';
import type { ClusterRecord, ClusterStore } from './store.ts';

export const listHelp = `Usage: spokes cluster list (--kubeconfig FILE [--context C] | --clusters DIR) [-n NS] [-o wide|json]

Lists the clusters registered by cluster Secrets (the in-cluster entry only when a Secret names it):
  NAME     the cluster's name (data.name)
  SERVER   its API server URL
  LABELS   the Secret's labels, but argocd.argoproj.io/secret-type
  APPS     Applications that target it (destination.server or destination.name): on the hub,
           the hub's Applications in every namespace; offline, those the --appsets files
           generate (as spokes generate --clusters DIR would), else -
  STATUS   reachable or unreachable: GET /version with the Secret's credentials (3 s timeout)
-o wide adds PROJECT, SECRET (where the Secret is) and DETAIL (server version, or why it is
unreachable); -o json prints an array of objects with those fields. Never prints credentials.

Options:
  --kubeconfig FILE   kubeconfig of the hub
  --context C         its context (default: the file's current-context)
  --clusters DIR      a folder of cluster Secret YAML files instead of a hub
  --appsets FILE      with --clusters: count the Applications of the ApplicationSets in FILE (repeatable)
  -n, --namespace NS  the hub's control-plane namespace (default ${DEFAULT_NAMESPACE})
  -o, --output FMT    table (default), wide or json
  -h, --help          show this help
`;

const PROBE_TIMEOUT_MS = 3000;
const PROBE_CONCURRENCY = 8;

export interface ClusterRow {
  readonly name: string;
  readonly server: string;
  readonly project: string | undefined;
  readonly labels: Record<string, string>;
  readonly secret: string;
  /** null when not known (offline without --appsets, or no Application API on the hub). */
  readonly apps: number | null;
  readonly status: 'reachable' | 'unreachable';
  /** The server's version when reachable, else the reason. */
  readonly detail: string;
}

interface Probe {
  readonly status: ClusterRow['status'];
  readonly detail: string;
}

async function probe(cluster: Cluster): Promise<Probe> {
  try {
    const client = KubeClient.fromClusterConfig(cluster.server, cluster.config.reveal(), {
      timeoutMs: PROBE_TIMEOUT_MS,
    });
    const version = await client.request<{ gitVersion?: string }>('GET', '/version');
    return { status: 'reachable', detail: version?.gitVersion ?? '' };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      status: 'unreachable',
      detail:
        message.includes('timeout') || message.includes('aborted')
          ? `no answer in ${PROBE_TIMEOUT_MS / 1000} s`
          : message,
    };
  }
}

type Destination = { server?: string; name?: string } | undefined;

function countFor(apps: readonly Application[] | undefined, cluster: Cluster): number | null {
  if (apps === undefined) return null;
  const server = normalizeServer(cluster.server);
  return apps.filter((app) => {
    const dest = (app.spec as { destination?: Destination } | undefined)?.destination;
    if (dest?.server !== undefined && dest.server !== '') return normalizeServer(dest.server) === server;
    return dest?.name !== undefined && dest.name !== '' && dest.name === cluster.name;
  }).length;
}

async function applicationsFor(
  spec: StoreSpec,
  store: ClusterStore,
  appsets: readonly string[],
): Promise<Application[] | undefined> {
  if (spec.kind === 'dir') {
    if (appsets.length === 0) return undefined;
    return generateFromFiles({ files: appsets, clustersDir: spec.dir, repos: new Map(), output: 'yaml' });
  }
  return store.applications?.();
}

function rowFor(
  record: ClusterRecord,
  apps: readonly Application[] | undefined,
): Promise<ClusterRow> | ClusterRow {
  const labels = { ...record.secret.metadata.labels };
  delete labels[SECRET_TYPE_LABEL];
  let cluster: Cluster;
  try {
    cluster = clusterFromSecret(record.secret, record.where);
  } catch (err) {
    return {
      name: record.secret.metadata.name,
      server: '-',
      project: undefined,
      labels,
      secret: record.where,
      apps: null,
      status: 'unreachable',
      detail: err instanceof Error ? err.message : String(err),
    };
  }
  return probe(cluster).then((p) => ({
    name: cluster.name || record.secret.metadata.name,
    server: cluster.server,
    project: cluster.project,
    labels,
    secret: record.where,
    apps: countFor(apps, cluster),
    ...p,
  }));
}

/** The rows, probes run in parallel (at most 8 at once). */
export async function clusterRows(
  spec: StoreSpec,
  store: ClusterStore,
  appsets: readonly string[],
): Promise<ClusterRow[]> {
  const records = await store.list();
  const apps = await applicationsFor(spec, store, appsets);
  const limit = pLimit(PROBE_CONCURRENCY);
  return Promise.all(records.map((record) => limit(() => rowFor(record, apps))));
}

const labelText = (labels: Record<string, string>): string =>
  Object.keys(labels).length === 0
    ? '<none>'
    : Object.entries(labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');

export function formatTable(rows: readonly ClusterRow[], wide: boolean): string {
  const header = [
    'NAME',
    'SERVER',
    'LABELS',
    'APPS',
    'STATUS',
    ...(wide ? ['PROJECT', 'SECRET', 'DETAIL'] : []),
  ];
  const cells = rows.map((r) => [
    r.name,
    r.server,
    labelText(r.labels),
    r.apps === null ? '-' : String(r.apps),
    r.status,
    ...(wide ? [r.project ?? '-', r.secret, r.detail || '-'] : []),
  ]);
  const all = [header, ...cells];
  const widths = header.map((_, i) => Math.max(...all.map((line) => line[i]!.length)));
  return all
    .map((line) =>
      line
        .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('   ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

export async function runClusterList(args: readonly string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    allowPositionals: false,
    options: {
      ...storeOptions,
      output: { type: 'string', short: 'o', default: 'table' },
      appsets: { type: 'string', multiple: true, default: [] },
    },
  });
  if (values.help) {
    io.stdout(listHelp);
    return EXIT_OK;
  }
  const output = values.output;
  if (output !== 'table' && output !== 'wide' && output !== 'json')
    throw usage(`--output must be wide or json, got "${output}"`);
  const spec = storeSpec(values);
  if (spec.kind === 'hub' && values.appsets.length > 0)
    throw usage('--appsets goes with --clusters; on a hub the Applications are counted where they are');
  const store = await openStore(spec);
  const rows = await clusterRows(spec, store, values.appsets);
  io.stdout(output === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : formatTable(rows, output === 'wide'));
  return EXIT_OK;
}
