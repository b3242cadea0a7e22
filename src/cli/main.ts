/** The `spokes` command line: dispatches to one command, maps errors to exit codes. */
import { SpokesError } from '../errors.ts';
import { runClusterCommand } from './cluster.ts';
import { runControllerCommand } from './controller.ts';
import { runDashboardCommand } from './dashboard.ts';
import { runDiff } from './diff.ts';
import { runGenerate } from './generate.ts';
import { runGet } from './get.ts';
import { runNotificationsCommand } from './notifications.ts';
import { runRolloutCommand } from './rollout.ts';
import { runSyncCommand } from './sync.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIO, type CommandIO } from './io.ts';

type Command = (args: readonly string[], io: CommandIO) => Promise<number>;

const commands: Readonly<Record<string, { readonly run: Command; readonly summary: string }>> = {
  generate: { run: runGenerate, summary: 'render the Applications of ApplicationSet files, offline' },
  diff: { run: runDiff, summary: 'preview a change: Applications added, removed, changed between revisions' },
  cluster: { run: runClusterCommand, summary: 'register clusters as cluster Secrets: add, label, list, rm' },
  sync: { run: runSyncCommand, summary: 'sync Applications on the hub now and wait for the outcome' },
  rollout: {
    run: runRolloutCommand,
    summary: 'a RollingSync step by step: rollout status|resume APPSET',
  },
  get: { run: runGet, summary: 'list ApplicationSets and Applications on the hub, or show one' },
  notifications: {
    run: runNotificationsCommand,
    summary: 'try a notification trigger on an Application: test TRIGGER APP [--send]',
  },
  controller: {
    run: runControllerCommand,
    summary: 'run the ApplicationSet controller against a hub cluster',
  },
  dashboard: {
    run: runDashboardCommand,
    summary: 'serve the web dashboard against a hub, as your kubeconfig identity',
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: spokes COMMAND [options]

Argo CD-compatible ApplicationSets for a fleet of clusters.

Commands:
${lines.join('\n')}

Run 'spokes COMMAND --help' for a command's options.
`;
}

export async function main(argv: readonly string[], io: CommandIO = processIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr(mainHelp());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(mainHelp());
    return EXIT_OK;
  }
  const command = commands[name];
  if (command === undefined) {
    io.stderr(`spokes: unknown command "${name}"\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    return reportError(err, name, io);
  }
}

function reportError(err: unknown, command: string, io: CommandIO): number {
  if (err instanceof SpokesError && err.code === 'Usage') {
    io.stderr(`spokes ${command}: ${err.message}\nRun 'spokes ${command} --help' for usage.\n`);
    return EXIT_USAGE;
  }
  if (isParseArgsError(err)) {
    io.stderr(`spokes ${command}: ${err.message}\nRun 'spokes ${command} --help' for usage.\n`);
    return EXIT_USAGE;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`spokes ${command}: error: ${message}\n`);
  return EXIT_FAILED;
}

function isParseArgsError(err: unknown): err is Error {
  return err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS');
}
