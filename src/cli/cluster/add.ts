/** `spokes cluster add NAME`: gives Spokes its own credentials on a cluster and registers it. */
import { parseArgs } from 'node:util';
import { SpokesError } from '../../errors.ts';
import { EXIT_OK, type CommandIO } from '../io.ts';
import {
  checkClusterName,
  DEFAULT_NAMESPACE,
  onePositional,
  openStore,
  usage,
  type StoreSpec,
} from './common.ts';
import { checkReachable, openKubeconfig, unreachable, type KubeconfigTarget } from './kubeconfig.ts';
import { parseLabelArgs } from './labels.ts';
import { existingCluster, newClusterSecret } from './store.ts';
import { applyManager, MANAGER_NAMESPACE, MANAGER_SERVICE_ACCOUNT, waitForToken } from './target.ts';

export const addHelp = `Usage: spokes cluster add NAME --kubeconfig FILE [--context C] [options]

Registers a cluster the way argocd cluster add does. On the TARGET cluster (--kubeconfig and
--context name it) it creates, or keeps if present, ServiceAccount ${MANAGER_NAMESPACE}/${MANAGER_SERVICE_ACCOUNT},
ClusterRole spokes-manager-role (every verb on every resource and non-resource URL),
ClusterRoleBinding spokes-manager-role-binding and the service-account-token Secret
${MANAGER_NAMESPACE}/spokes-manager-token, and waits until the cluster's token controller fills it. Then
it writes the Argo CD cluster Secret cluster-NAME (label argocd.argoproj.io/secret-type: cluster,
data name, server, project, config {bearerToken, tlsClientConfig {insecure, caData}}):
  - on the hub: --hub-kubeconfig FILE [--hub-context H]; without --hub-kubeconfig and --clusters
    the hub is the --kubeconfig file's current-context (or --hub-context in that file);
  - offline: --clusters DIR writes DIR/NAME.yaml (mode 0600: it holds the token).
Everything is checked (files, contexts, both clusters reachable, permissions by a dry run, NAME
not taken) before the first write. Prints one line; never the token.

Options:
  --kubeconfig FILE       kubeconfig of the target cluster (required)
  --context C             its context (default: the file's current-context)
  --label KEY=VALUE       a label on the cluster Secret (repeatable)
  --project P             data.project: the AppProject the cluster belongs to
  -n, --namespace NS      the hub's control-plane namespace (default ${DEFAULT_NAMESPACE}; created if missing)
  --hub-kubeconfig FILE   kubeconfig of the hub
  --hub-context H         the hub's context
  --clusters DIR          write the Secret into DIR/NAME.yaml instead of a hub
  --upsert                update the cluster if NAME exists (name, server, project, config and
                          labels are rewritten; other fields kept); without it that is an error
  --timeout SECONDS       how long to wait for the token (default 30)
  -h, --help              show this help
`;

interface AddArgs {
  readonly name: string;
  readonly target: { readonly file: string; readonly context: string | undefined };
  readonly labels: Readonly<Record<string, string>>;
  readonly project: string | undefined;
  readonly store: StoreSpec;
  readonly upsert: boolean;
  readonly timeoutMs: number;
}

function hubSpec(values: {
  kubeconfig: string;
  'hub-kubeconfig'?: string;
  'hub-context'?: string;
  clusters?: string;
  namespace: string;
}): StoreSpec {
  if (values.clusters !== undefined) {
    if (values['hub-kubeconfig'] !== undefined || values['hub-context'] !== undefined)
      throw usage('--clusters writes offline: it does not go with --hub-kubeconfig or --hub-context');
    return { kind: 'dir', dir: values.clusters, namespace: values.namespace };
  }
  const context = values['hub-context'];
  return {
    kind: 'hub',
    kubeconfig: values['hub-kubeconfig'] ?? values.kubeconfig,
    ...(context === undefined ? {} : { context }),
    namespace: values.namespace,
  };
}

function parse(args: readonly string[]): AddArgs | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      label: { type: 'string', multiple: true, default: [] },
      project: { type: 'string' },
      namespace: { type: 'string', short: 'n', default: DEFAULT_NAMESPACE },
      'hub-kubeconfig': { type: 'string' },
      'hub-context': { type: 'string' },
      clusters: { type: 'string' },
      upsert: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '30' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const name = onePositional(positionals, 'cluster NAME');
  if (values.kubeconfig === undefined) throw usage('--kubeconfig FILE (the cluster to add) is required');
  if (values.namespace === '') throw usage('--namespace must not be empty');
  if (values.project === '') throw usage('--project must not be empty');
  const timeout = Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw usage(`--timeout: expected a positive number of seconds, got "${values.timeout}"`);
  const store = hubSpec({ ...values, kubeconfig: values.kubeconfig });
  checkClusterName(name);
  return {
    name,
    target: { file: values.kubeconfig, context: values.context },
    labels: Object.fromEntries(parseLabelArgs(values.label, { allowRemove: false })) as Record<
      string,
      string
    >,
    project: values.project,
    store,
    upsert: values.upsert,
    timeoutMs: timeout * 1000,
  };
}

function clusterConfig(target: KubeconfigTarget, token: string, tokenCa: string): unknown {
  // Like argocd cluster add: TLS settings from the kubeconfig; the token controller's CA when it names none.
  const tlsClientConfig = target.insecure
    ? { insecure: true, ...(target.serverName ? { serverName: target.serverName } : {}) }
    : {
        insecure: false,
        ...(target.serverName ? { serverName: target.serverName } : {}),
        caData: target.caData ?? tokenCa,
      };
  return { bearerToken: token, tlsClientConfig };
}

export async function runClusterAdd(args: readonly string[], io: CommandIO): Promise<number> {
  const parsed = parse(args);
  if (parsed === 'help') {
    io.stdout(addHelp);
    return EXIT_OK;
  }
  // Check everything first: the target, the hub (or folder), NAME, permissions.
  const target = await openKubeconfig(parsed.target.file, parsed.target.context);
  const store = await openStore(parsed.store, { forAdd: true });
  const existing = existingCluster(await store.list(), parsed.name);
  if (existing !== undefined && !parsed.upsert) {
    throw new SpokesError(
      'ClusterExists',
      `cluster "${parsed.name}" already exists in ${store.description} (${existing.where}); add --upsert to update it`,
    );
  }
  if (existing === undefined) await store.checkCreate(parsed.name);
  await checkReachable(target, 'target cluster');
  const wrap = (err: unknown): SpokesError => unreachable(target, 'target cluster', err);
  await applyManager(target.client, { dryRun: true }).catch((err: unknown) => {
    throw wrap(err);
  });

  await applyManager(target.client, { dryRun: false }).catch((err: unknown) => {
    throw wrap(err);
  });
  const { token, caData } = await waitForToken(target.client, parsed.timeoutMs).catch((err: unknown) => {
    throw wrap(err);
  });
  const secret = newClusterSecret({
    name: parsed.name,
    namespace: store.namespace,
    server: target.server,
    project: parsed.project,
    labels: parsed.labels,
    config: clusterConfig(target, token, caData),
  });
  const where =
    existing === undefined ? await store.create(parsed.name, secret) : await store.update(existing, secret);
  const verb = existing === undefined ? 'added' : 'updated';
  io.stdout(`cluster "${parsed.name}" (${target.server}) ${verb}: ${where}\n`);
  return EXIT_OK;
}
