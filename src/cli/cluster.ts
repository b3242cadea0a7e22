/**
 * `spokes cluster add | label | list | rm`: register clusters as Argo CD cluster Secrets, on a hub
 * or in a folder of YAML files, as `argocd cluster add` users expect. One module per subcommand
 * under cluster/.
 */
import { runClusterAdd } from './cluster/add.ts';
import { usage } from './cluster/common.ts';
import { runClusterLabel } from './cluster/label.ts';
import { runClusterList } from './cluster/list.ts';
import { runClusterRm } from './cluster/rm.ts';
import { EXIT_OK, EXIT_USAGE, type CommandIO } from './io.ts';

type Subcommand = (args: readonly string[], io: CommandIO) => Promise<number>;

const subcommands: Readonly<Record<string, { readonly run: Subcommand; readonly summary: string }>> = {
  add: {
    run: runClusterAdd,
    summary: 'give Spokes credentials on a cluster and register it (cluster Secret)',
  },
  label: { run: runClusterLabel, summary: 'add, change or remove labels of a registered cluster' },
  list: {
    run: runClusterList,
    summary: 'list registered clusters: server, labels, Applications, reachability',
  },
  rm: { run: runClusterRm, summary: "remove a cluster's Secret" },
};

export const clusterHelp = `Usage: spokes cluster COMMAND [options]

Manages the clusters Spokes deploys to: Argo CD cluster Secrets
(label argocd.argoproj.io/secret-type: cluster) on a hub (--kubeconfig / --hub-kubeconfig) or,
offline, in a folder of YAML files (--clusters DIR, the folder spokes generate reads).

Commands:
${Object.entries(subcommands)
  .map(([name, c]) => `  ${name.padEnd(5)}  ${c.summary}`)
  .join('\n')}

Run 'spokes cluster COMMAND --help' for a command's options. Exit codes: 0 ok, 1 failed (nothing
changed when the failure was found before the first write), 2 bad command line.
`;

export async function runClusterCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    io.stderr(clusterHelp);
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(clusterHelp);
    return EXIT_OK;
  }
  const subcommand = subcommands[name];
  if (subcommand === undefined) throw usage(`unknown subcommand "${name}" (add, label, list, rm)`);
  return subcommand.run(rest, io);
}
