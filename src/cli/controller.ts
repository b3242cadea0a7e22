/** `spokes controller`: the ApplicationSet controller and the fan-out sync against a hub cluster. */
import { readConfig, webhookSecretsFromEnv } from '../config.ts';
import { controllerConfigSchema, controllerFlags, controllerHelp } from '../process/config.ts';
import { runController } from '../process/run.ts';
import { EXIT_OK, type CommandIO } from './io.ts';

export async function runControllerCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const config = readConfig(args, controllerFlags, controllerConfigSchema);
  if (config === 'help') {
    io.stdout(controllerHelp);
    return EXIT_OK;
  }
  // The OpenTelemetry SDK's standard variables (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_*, ...).
  const otelEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('OTEL_')));
  return runController(config, webhookSecretsFromEnv(), process.env['PATH'] ?? '', otelEnv);
}
