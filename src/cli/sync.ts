/**
 * `spokes sync APP...`: asks the controller to sync Applications now (the `operation` field, as
 * `argocd app sync` does) and waits for the outcome, printing each resource's result.
 */
import { parseArgs } from 'node:util';
import { SpokesError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { APPLICATIONS, type KubeObject } from '../kube/types.ts';
import type { OperationState } from '../sync/status.ts';
import { EXIT_FAILED, EXIT_OK, type CommandIO } from './io.ts';
import { connectHub } from './kubeconfig.ts';
import { startProgress } from './progress.ts';

export const syncHelp = `Usage: spokes sync APP... [options]

Syncs Applications on the hub now: sets each Application's operation (as argocd app sync does)
and waits until the controller has run it. Exit 0 when every sync succeeded, 1 otherwise.

Options:
  --kubeconfig FILE   kubeconfig of the hub (default: $KUBECONFIG or ~/.kube/config)
  --context NAME      kubeconfig context
  -n, --namespace NS  the Applications' namespace (default argocd)
  --prune             delete tracked resources no longer in git
  --revision REV      sync this revision instead of the Application's targetRevision
  --timeout SECONDS   how long to wait for each sync (default 300)
  --async             set the operation and return without waiting
  -h, --help          show this help
`;

type LiveApp = KubeObject & { status?: { operationState?: OperationState }; operation?: unknown };

interface SyncArgs {
  readonly apps: string[];
  readonly namespace: string;
  readonly prune: boolean;
  readonly revision?: string;
  readonly timeoutMs: number;
  readonly wait: boolean;
}

function parse(args: readonly string[]): (SyncArgs & { kubeconfig?: string; context?: string }) | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      namespace: { type: 'string', short: 'n', default: 'argocd' },
      prune: { type: 'boolean', default: false },
      revision: { type: 'string' },
      timeout: { type: 'string', default: '300' },
      async: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length === 0) throw new SpokesError('Usage', 'name at least one Application');
  const timeout = Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new SpokesError(
      'Usage',
      `--timeout: expected a positive number of seconds, got "${values.timeout}"`,
    );
  }
  return {
    apps: positionals,
    namespace: values.namespace,
    prune: values.prune,
    ...(values.revision ? { revision: values.revision } : {}),
    timeoutMs: timeout * 1000,
    wait: !values.async,
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context ? { context: values.context } : {}),
  };
}

export async function runSyncCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const parsed = parse(args);
  if (parsed === 'help') {
    io.stdout(syncHelp);
    return EXIT_OK;
  }
  const client = connectHub(parsed.kubeconfig, parsed.context);
  // Every Application must exist before any operation is set: a typo changes nothing.
  for (const name of parsed.apps) {
    if ((await client.get(APPLICATIONS, parsed.namespace, name)) === undefined) {
      throw new SpokesError('InvalidSpec', `Application ${parsed.namespace}/${name} not found`);
    }
  }
  const requested = new Date(Math.floor(Date.now() / 1000) * 1000);
  for (const name of parsed.apps) await requestSync(client, name, parsed);
  if (!parsed.wait) {
    for (const name of parsed.apps) io.stdout(`${name}: sync requested\n`);
    return EXIT_OK;
  }
  let failed = false;
  const progress = startProgress(io, 'sync', parsed.apps.length);
  try {
    for (const name of parsed.apps) {
      const state = await waitForOperation(client, name, parsed, requested);
      failed ||= state.phase !== 'Succeeded';
      progress.stdout(describe(name, state));
      progress.tick(`${name}: ${state.phase ?? 'Unknown'}`);
    }
  } finally {
    progress.done();
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}

async function requestSync(client: KubeClient, name: string, args: SyncArgs): Promise<void> {
  const operation = {
    sync: { prune: args.prune, ...(args.revision ? { revision: args.revision } : {}) },
    initiatedBy: { username: 'spokes-cli' },
  };
  await client.patch(APPLICATIONS, { namespace: args.namespace, name }, { operation }, { type: 'merge' });
}

async function waitForOperation(
  client: KubeClient,
  name: string,
  args: SyncArgs,
  requested: Date,
): Promise<OperationState> {
  const deadline = Date.now() + args.timeoutMs;
  for (;;) {
    const app = await client.get<LiveApp>(APPLICATIONS, args.namespace, name);
    if (app === undefined)
      throw new SpokesError('InvalidSpec', `Application ${args.namespace}/${name} was deleted`);
    const state = app.status?.operationState;
    const finished = state?.finishedAt === undefined ? undefined : Date.parse(state.finishedAt);
    if (app.operation === undefined && finished !== undefined && finished >= requested.getTime())
      return state!;
    if (Date.now() > deadline) {
      throw new SpokesError(
        'InvalidSpec',
        `${name}: the sync did not finish in ${args.timeoutMs / 1000} s (is the controller running?)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function describe(name: string, state: OperationState): string {
  const lines = [`${name}: ${state.phase ?? 'Unknown'}: ${state.message ?? ''}`];
  const resources = (state.syncResult?.resources ?? []) as {
    kind?: string;
    namespace?: string;
    name?: string;
    status?: string;
    message?: string;
  }[];
  for (const r of resources) {
    lines.push(
      `  ${r.kind ?? ''}/${r.namespace ? `${r.namespace}/` : ''}${r.name ?? ''}  ${r.status ?? ''}  ${r.message ?? ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
