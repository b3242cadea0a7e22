/** `spokes dashboard`: the web dashboard from your machine, against a hub, as your kubeconfig's identity. */
import { readConfig } from '../config.ts';
import { dashboardConfigSchema, dashboardFlags, dashboardHelp } from '../process/config.ts';
import { runDashboard } from '../process/dashboard.ts';
import { EXIT_OK, type CommandIO } from './io.ts';
import { connectHub } from './kubeconfig.ts';

export async function runDashboardCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const config = readConfig(args, dashboardFlags, dashboardConfigSchema);
  if (config === 'help') {
    io.stdout(dashboardHelp);
    return EXIT_OK;
  }
  const hub = connectHub(config.kubeconfig, config.context);
  return runDashboard({
    config,
    hub,
    toolSearchPath: process.env['PATH'] ?? '',
    announce: (link) =>
      io.stdout(
        `Dashboard: open ${link}\n(the link signs in one browser, once, as your kubeconfig's identity)\n`,
      ),
  });
}
