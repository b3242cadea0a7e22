/**
 * `spokes rollout status|resume APPSET`: where a RollingSync stands, step by step, and letting a
 * stopped one continue (the same hub write the dashboard's Resume makes).
 */
import { parseArgs } from 'node:util';
import { resumeRollout } from '../api/rollout-resume.ts';
import { rollingSyncOf } from '../api/rollout.ts';
import { SpokesError } from '../errors.ts';
import { APPLICATION_SETS } from '../kube/types.ts';
import { EXIT_OK, type CommandIO } from './io.ts';
import { connectHub } from './kubeconfig.ts';
import { describeRollout, type RolloutAppSet } from './rollout-views.ts';

export const rolloutHelp = `Usage: spokes rollout status|resume APPSET [options]

  status   the steps of the ApplicationSet's RollingSync, the Applications in each with their
           state (Waiting, Pending, Progressing, Healthy, Stopped) and where the rollout stands
  resume   let a rollout stopped by a Degraded Application (or a failed sync) continue past it

Options:
  -n, --namespace NS  the ApplicationSet's namespace (default argocd)
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
  const appSet = await hub.get<RolloutAppSet>(APPLICATION_SETS, target.namespace, name);
  if (appSet === undefined)
    throw new SpokesError('InvalidSpec', `ApplicationSet ${target.namespace}/${name} not found`);
  if (rollingSyncOf(appSet) === undefined)
    throw new SpokesError(
      'InvalidSpec',
      `ApplicationSet ${target.namespace}/${name} has no RollingSync strategy with steps`,
    );
  io.stdout(describeRollout(appSet));
  return EXIT_OK;
}
