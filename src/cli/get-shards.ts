/**
 * `spokes get shards`: which controller replica holds which shard, read from the shard Leases,
 * with the clusters and ApplicationSets each shard serves, and the replicas alive.
 */
import { parseArgs } from 'node:util';
import { secretSchema, secretType } from '../api/secret.ts';
import { clusterFromSecret } from '../clusters/from-secret.ts';
import { SpokesError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { APPLICATION_SETS, LEASES, SECRETS } from '../kube/types.ts';
import { alive, indexLeases, LEASE_GROUP_LABEL, type Lease } from '../process/shards.ts';
import { appSetShard, clusterShard } from '../shards/hash.ts';
import { EXIT_OK, type CommandIO } from './io.ts';
import { connectHub } from './kubeconfig.ts';
import { age, formatTable, NONE } from './table.ts';

export const getShardsHelp = `Usage: spokes get shards [options]

Shows the controller's shards: SHARD, HOLDER (the replica holding its Lease, <none> when free
or expired), RENEWED (age of the last renewal), CLUSTERS and APPSETS (how many it serves); then
each live REPLICA with the SHARDS it holds.

Options:
  -n, --namespace NS   the control-plane namespace (default argocd)
  --lease-name NAME    the controller's --lease-name (default spokes-controller)
  --shards N           the controller's --shards (default 16)
  -o, --output json    the same as JSON
  --kubeconfig FILE    kubeconfig of the hub (default: $KUBECONFIG or ~/.kube/config)
  --context NAME       kubeconfig context
  -h, --help           show this help
`;

export interface ShardRow {
  readonly shard: number;
  readonly holder: string | undefined;
  readonly renewTime: string | undefined;
  readonly clusters: number;
  readonly appSets: number;
}

export async function runGetShards(args: readonly string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      namespace: { type: 'string', short: 'n', default: 'argocd' },
      'lease-name': { type: 'string', default: 'spokes-controller' },
      shards: { type: 'string', default: '16' },
      output: { type: 'string', short: 'o' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(getShardsHelp);
    return EXIT_OK;
  }
  const shards = Number(values.shards);
  if (!Number.isInteger(shards) || shards < 1)
    throw new SpokesError('Usage', `--shards must be a positive integer, got "${values.shards}"`);
  if (positionals.length > 1)
    throw new SpokesError('Usage', `get shards takes no NAME, got ${positionals.slice(1).join(' ')}`);
  if (values.output !== undefined && values.output !== 'json')
    throw new SpokesError('Usage', `--output must be json, got "${values.output}"`);
  const client = connectHub(values.kubeconfig, values.context);
  const rows = await shardRows(client, { namespace: values.namespace, prefix: values['lease-name'], shards });
  if (values.output === 'json') {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  io.stdout(formatShards(rows, Date.now()));
  return EXIT_OK;
}

export async function shardRows(
  client: KubeClient,
  where: { readonly namespace: string; readonly prefix: string; readonly shards: number },
): Promise<ShardRow[]> {
  const [leases, secrets, appSets] = await Promise.all([
    client.list<Lease>(LEASES, {
      namespace: where.namespace,
      labelSelector: `${LEASE_GROUP_LABEL}=${where.prefix}`,
    }),
    client.list(SECRETS, {
      namespace: where.namespace,
      labelSelector: 'argocd.argoproj.io/secret-type=cluster',
    }),
    client.list(APPLICATION_SETS, { namespace: where.namespace }),
  ]);
  const { shard: byShard } = indexLeases(leases.items, where.prefix, where.shards);
  const clusters = new Array<number>(where.shards).fill(0);
  for (const obj of secrets.items) {
    const parsed = secretSchema.safeParse(obj);
    if (!parsed.success || secretType(parsed.data) !== 'cluster') continue;
    try {
      clusters[clusterShard(clusterFromSecret(parsed.data, 'hub'), where.shards)]!++;
    } catch {
      // An invalid Secret or pin is reported by the controller; it is not counted here.
    }
  }
  const sets = new Array<number>(where.shards).fill(0);
  for (const set of appSets.items)
    sets[appSetShard(set.metadata.namespace ?? '', set.metadata.name, where.shards)]!++;
  const now = Date.now();
  return Array.from({ length: where.shards }, (_, shard) => {
    const lease = byShard.get(shard);
    const held = lease !== undefined && alive(lease, now);
    return {
      shard,
      holder: held ? lease.spec?.holderIdentity : undefined,
      renewTime: lease?.spec?.renewTime,
      clusters: clusters[shard]!,
      appSets: sets[shard]!,
    };
  });
}

export function formatShards(rows: readonly ShardRow[], now: number): string {
  const shardTable = formatTable(
    ['SHARD', 'HOLDER', 'RENEWED', 'CLUSTERS', 'APPSETS'],
    rows.map((r) => [
      String(r.shard),
      r.holder ?? NONE,
      r.renewTime ? age(r.renewTime, now) : NONE,
      String(r.clusters),
      String(r.appSets),
    ]),
  );
  const byReplica = new Map<string, number[]>();
  for (const r of rows)
    if (r.holder !== undefined) byReplica.set(r.holder, [...(byReplica.get(r.holder) ?? []), r.shard]);
  const replicaTable = formatTable(
    ['REPLICA', 'HELD', 'SHARDS'],
    [...byReplica]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([replica, list]) => [replica, String(list.length), list.join(',')]),
  );
  return `${shardTable}\n${replicaTable}`;
}
