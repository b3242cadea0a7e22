/** `spokes cluster label NAME KEY=VALUE... KEY-...`: labels on a cluster Secret, as kubectl label writes them. */
import { parseArgs } from 'node:util';
import { EXIT_OK, type CommandIO } from '../io.ts';
import { DEFAULT_NAMESPACE, openStore, storeOptions, storeSpec, usage } from './common.ts';
import { describeChanges, parseLabelArgs } from './labels.ts';
import { findCluster } from './store.ts';

export const labelHelp = `Usage: spokes cluster label NAME KEY=VALUE... KEY-... (--kubeconfig FILE [--context C] | --clusters DIR) [-n NS]

Adds, overwrites (KEY=VALUE) or removes (KEY-) labels of a cluster Secret, in kubectl label's
syntax. Keys and values are checked against Kubernetes' label rules before anything is written;
argocd.argoproj.io/secret-type cannot be changed. NAME is the cluster's name, its Secret's name
or its server URL.
  - on the hub (--kubeconfig is the HUB here): one merge patch of the Secret;
  - offline (--clusters DIR): the YAML file holding the Secret is edited in place; comments, key
    order and the file's other documents stay as they were.

Options:
  --kubeconfig FILE   kubeconfig of the hub
  --context C         its context (default: the file's current-context)
  --clusters DIR      a folder of cluster Secret YAML files instead of a hub
  -n, --namespace NS  the hub's control-plane namespace (default ${DEFAULT_NAMESPACE})
  -h, --help          show this help
`;

export async function runClusterLabel(args: readonly string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: storeOptions,
  });
  if (values.help) {
    io.stdout(labelHelp);
    return EXIT_OK;
  }
  const [name, ...labelArgs] = positionals;
  if (name === undefined) throw usage('name the cluster');
  if (labelArgs.length === 0) throw usage('give at least one KEY=VALUE or KEY- after the cluster name');
  const spec = storeSpec(values);
  const changes = parseLabelArgs(labelArgs, { allowRemove: true });
  const store = await openStore(spec);
  const cluster = findCluster(await store.list(), name, store);
  await store.label(cluster, changes);
  io.stdout(`cluster "${name}" labeled (${describeChanges(changes)}): ${cluster.where}\n`);
  return EXIT_OK;
}
