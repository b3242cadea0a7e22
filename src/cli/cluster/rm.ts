/** `spokes cluster rm NAME`: removes a cluster Secret (the target cluster is left as it is). */
import { parseArgs } from 'node:util';
import { EXIT_OK, type CommandIO } from '../io.ts';
import { DEFAULT_NAMESPACE, onePositional, openStore, storeOptions, storeSpec } from './common.ts';
import { findCluster } from './store.ts';

export const rmHelp = `Usage: spokes cluster rm NAME (--kubeconfig FILE [--context C] | --clusters DIR) [-n NS]

Removes the cluster Secret of NAME (the cluster's name, its Secret's name or its server URL):
  - on the hub (--kubeconfig is the HUB): deletes the Secret;
  - offline (--clusters DIR): removes its document from the file holding it, or the file when it
    held nothing else.
What cluster add installed on the cluster itself (spokes-manager ServiceAccount, role, binding,
token) stays.

Options:
  --kubeconfig FILE   kubeconfig of the hub
  --context C         its context (default: the file's current-context)
  --clusters DIR      a folder of cluster Secret YAML files instead of a hub
  -n, --namespace NS  the hub's control-plane namespace (default ${DEFAULT_NAMESPACE})
  -h, --help          show this help
`;

export async function runClusterRm(args: readonly string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: storeOptions,
  });
  if (values.help) {
    io.stdout(rmHelp);
    return EXIT_OK;
  }
  const name = onePositional(positionals, 'cluster NAME');
  const store = await openStore(storeSpec(values));
  const cluster = findCluster(await store.list(), name, store);
  const where = await store.remove(cluster);
  io.stdout(`cluster "${name}" removed: ${where}\n`);
  return EXIT_OK;
}
