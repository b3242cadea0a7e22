/**
 * `spokes rollout status|resume APPSET`: where a RollingSync stands, step by step, and letting a
 * stopped one continue (the same hub write the dashboard's Resume makes).
 */
import { parseArgs } from 'node:util';
import { resumeRollout } from '../api/rollout-resume.ts';
import { CONDITION_PROGRESSING, REASONS, rollingSyncOf } from '../api/rollout.ts';
import { SpokesError } from '../errors.ts';
import { APPLICATION_SETS } from '../kube/types.ts';
import { EXIT_FAILED, EXIT_OK, type CommandIO } from './io.ts';
import { connectHub } from './kubeconfig.ts';
import { startProgress } from './progress.ts';
import { describeRollout, type RolloutAppSet } from './rollout-views.ts';

export const rolloutHelp = `Usage: spokes rollout status|resume APPSET [options]

  status   the steps of the ApplicationSet's RollingSync, the Applications in each with their
           state (Waiting, Pending, Progressing, Healthy, Stopped) and where the rollout stands
  resume   let a rollout stopped by a Degraded Application (or a failed sync) continue past it

Options:
  -n, --namespace NS  the ApplicationSet's namespace (default argocd)
  --wait              status: wait until the rollout completes or stops (progress on stderr),
                      then print it; exit 1 when it stopped
  --timeout SECONDS   how long --wait waits (default 1800)
  --kubeconfig FILE   kubeconfig of the hub (default: $KUBECONFIG or ~/.kube/config)
  --context NAME      kubeconfig context
  -h, --help          show this help
`;

export async function runRolloutCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      namespace: { type: 'string', short: 'n', default: 'argocd' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      wait: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '1800' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(rolloutHelp);
    return EXIT_OK;
  }
  const [verb, name, ...extra] = positionals;
  if (verb !== 'status' && verb !== 'resume')
    throw new SpokesError(
      'Usage',
      `expected status or resume, got ${verb === undefined ? 'nothing' : `"${verb}"`}`,
    );
  if (name === undefined || extra.length > 0) throw new SpokesError('Usage', 'name one ApplicationSet');
  const hub = connectHub(values.kubeconfig, values.context);
  const target = { namespace: values.namespace, name };
  if (verb === 'resume') {
    const { resumed } = await resumeRollout(hub, target);
    io.stdout(`Rollout of ApplicationSet ${name} resumed past: ${resumed.join(', ')}\n`);
    return EXIT_OK;
  }
  const read = async (): Promise<RolloutAppSet> => {
    const appSet = await hub.get<RolloutAppSet>(APPLICATION_SETS, target.namespace, name);
    if (appSet === undefined)
      throw new SpokesError('InvalidSpec', `ApplicationSet ${target.namespace}/${name} not found`);
    if (rollingSyncOf(appSet) === undefined)
      throw new SpokesError(
        'InvalidSpec',
        `ApplicationSet ${target.namespace}/${name} has no RollingSync strategy with steps`,
      );
    return appSet;
  };
  const timeout = Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new SpokesError('Usage', `--timeout must be a positive number of seconds, got "${values.timeout}"`);
  const appSet = values.wait ? await waitForRollout(read, io, timeout * 1000) : await read();
  io.stdout(describeRollout(appSet));
  return rolloutState(appSet) === 'stopped' ? EXIT_FAILED : EXIT_OK;
}

type State = 'progressing' | 'complete' | 'stopped';

function rolloutState(appSet: RolloutAppSet): State {
  const condition = appSet.status?.conditions?.find((c) => c.type === CONDITION_PROGRESSING);
  if (condition?.reason === REASONS.error) return 'stopped';
  return condition?.reason === REASONS.complete ? 'complete' : 'progressing';
}

/** Polls until the rollout completes or stops; the Applications done so far drawn as progress. */
async function waitForRollout(
  read: () => Promise<RolloutAppSet>,
  io: CommandIO,
  timeoutMs: number,
): Promise<RolloutAppSet> {
  let appSet = await read();
  const total = appSet.status?.applicationStatus?.length ?? 0;
  const progress = startProgress(io, 'rollout', total);
  let shown = 0;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const healthy = (appSet.status?.applicationStatus ?? []).filter((e) => e.status === 'Healthy');
      for (; shown < Math.min(healthy.length, total); shown++) progress.tick(healthy[shown]?.application);
      if (rolloutState(appSet) !== 'progressing') return appSet;
      if (Date.now() > deadline)
        throw new SpokesError('Timeout', `the rollout did not complete within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      appSet = await read();
    }
  } finally {
    progress.done();
  }
}
