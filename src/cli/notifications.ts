/**
 * `spokes notifications test TRIGGER APP [--send]`: tries a trigger of argocd-notifications-cm
 * against a real Application (or `appset/NAME`) on the hub, as `argocd admin notifications trigger
 * run` and `template notify` do: prints each condition's result and the rendered notifications
 * (secret values redacted), and with --send delivers those whose condition is true.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { secretData, secretSchema } from '../api/secret.ts';
import { SpokesError } from '../errors.ts';
import {
  APPLICATION_SETS,
  APPLICATIONS,
  APP_PROJECTS,
  CONFIG_MAPS,
  SECRETS,
  type KubeObject,
} from '../kube/types.ts';
import type { KubeClient } from '../kube/client.ts';
import { CONFIG_MAP_NAME, SECRET_NAME, parseNotificationsConfig } from '../notifications/config.ts';
import type { Subject } from '../notifications/engine.ts';
import { secretScrubber } from '../notifications/scrub.ts';
import type { Destination } from '../notifications/state.ts';
import { tryTrigger, type TriedRender, type TryResult } from '../notifications/try.ts';
import { parseYamlDocuments } from '../yaml.ts';
import { EXIT_FAILED, EXIT_OK, type CommandIO } from './io.ts';
import { connectHub } from './kubeconfig.ts';

export const notificationsHelp = `Usage: spokes notifications test TRIGGER APP [options]

Tries TRIGGER (a trigger.<name> of argocd-notifications-cm, or a built-in one) against the
Application APP on the hub (appset/NAME for an ApplicationSet): prints each condition's result and
the notification every destination would get. Destinations are APP's subscriptions for TRIGGER,
or those given with --recipient. Nothing is recorded on APP. Secret values print as [redacted].
Exit 0 when everything rendered (and, with --send, was delivered), 1 otherwise.

Options:
  --send                  deliver the notifications whose condition is true
  --recipient SVC[:TO]    a destination (repeatable) instead of APP's subscriptions
  --config-map FILE       read argocd-notifications-cm from a YAML file instead of the hub
  --secret FILE           read argocd-notifications-secret from a YAML file instead of the hub
  --kubeconfig FILE       kubeconfig of the hub (default: $KUBECONFIG or ~/.kube/config)
  --context NAME          kubeconfig context
  -n, --namespace NS      where APP and the configuration live (default argocd)
  -h, --help              show this help
`;

interface TestArgs {
  readonly trigger: string;
  readonly target: { readonly kind: 'app' | 'appset'; readonly name: string };
  readonly namespace: string;
  readonly send: boolean;
  readonly recipients: readonly Destination[] | undefined;
  readonly configMapFile?: string;
  readonly secretFile?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
}

function parse(args: readonly string[]): TestArgs | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      send: { type: 'boolean', default: false },
      recipient: { type: 'string', multiple: true },
      'config-map': { type: 'string' },
      secret: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      namespace: { type: 'string', short: 'n', default: 'argocd' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const [sub, trigger, app, ...extra] = positionals;
  if (sub !== 'test')
    throw new SpokesError('Usage', sub ? `unknown subcommand "${sub}"` : 'expected: test TRIGGER APP');
  if (trigger === undefined || app === undefined || extra.length > 0)
    throw new SpokesError('Usage', 'expected: test TRIGGER APP');
  const target = app.startsWith('appset/')
    ? { kind: 'appset' as const, name: app.slice('appset/'.length) }
    : { kind: 'app' as const, name: app.replace(/^app\//, '') };
  return {
    trigger,
    target,
    namespace: values.namespace,
    send: values.send,
    recipients: values.recipient?.map(parseRecipient),
    ...(values['config-map'] ? { configMapFile: values['config-map'] } : {}),
    ...(values.secret ? { secretFile: values.secret } : {}),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context ? { context: values.context } : {}),
  };
}

function parseRecipient(text: string): Destination {
  const [service = '', recipient = ''] = text.split(':');
  if (service === '')
    throw new SpokesError('Usage', `--recipient: expected SERVICE[:RECIPIENT], got "${text}"`);
  return { service, recipient };
}

export async function runNotificationsCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const parsed = parse(args);
  if (parsed === 'help') {
    io.stdout(notificationsHelp);
    return EXIT_OK;
  }
  const hub = connectHub(parsed.kubeconfig, parsed.context);
  const data = await configMapData(hub, parsed);
  const secrets = await secretValues(hub, parsed);
  const config = parseNotificationsConfig(data, secrets);
  const scrub = secretScrubber(Object.values(secrets));
  for (const problem of config.problems)
    io.stderr(scrub(`warning: ${CONFIG_MAP_NAME} ${problem.key}: ${problem.message}\n`));
  const subject = await loadSubject(hub, parsed);
  const result = await tryTrigger({
    config,
    subject,
    trigger: parsed.trigger,
    send: parsed.send,
    ...(parsed.recipients ? { destinations: parsed.recipients } : {}),
  });
  io.stdout(scrub(formatResult(parsed, result)));
  const failed = result.conditions.some((c) =>
    c.renders.some((r) => r.error !== undefined || r.sent === false),
  );
  return failed ? EXIT_FAILED : EXIT_OK;
}

async function configMapData(hub: KubeClient, args: TestArgs): Promise<Record<string, string>> {
  const obj = args.configMapFile
    ? await objectFromFile(args.configMapFile, 'ConfigMap')
    : await hub.get<KubeObject>(CONFIG_MAPS, args.namespace, CONFIG_MAP_NAME);
  if (obj === undefined)
    throw new SpokesError('InvalidSpec', `ConfigMap ${args.namespace}/${CONFIG_MAP_NAME} not found`);
  return (obj['data'] ?? {}) as Record<string, string>;
}

async function secretValues(hub: KubeClient, args: TestArgs): Promise<Record<string, string>> {
  const obj = args.secretFile
    ? await objectFromFile(args.secretFile, 'Secret')
    : await hub.get<KubeObject>(SECRETS, args.namespace, SECRET_NAME);
  if (obj === undefined) return {};
  const parsed = secretSchema.safeParse(obj);
  return parsed.success ? secretData(parsed.data) : {};
}

async function objectFromFile(file: string, kind: string): Promise<KubeObject> {
  const docs = parseYamlDocuments(await readFile(file, 'utf8'), file) as KubeObject[];
  const found = docs.find((d) => d.kind === kind);
  if (found === undefined) throw new SpokesError('InvalidSpec', `${file}: no ${kind} in the file`);
  return found;
}

async function loadSubject(hub: KubeClient, args: TestArgs): Promise<Subject> {
  const { kind, name } = args.target;
  const type = kind === 'app' ? APPLICATIONS : APPLICATION_SETS;
  const obj = await hub.get<KubeObject>(type, args.namespace, name);
  if (obj === undefined)
    throw new SpokesError('InvalidSpec', `${type.kind} ${args.namespace}/${name} not found`);
  if (kind === 'appset') return { kind, obj };
  const projectName = (obj['spec'] as { project?: string } | undefined)?.project;
  const project = projectName
    ? await hub.get<KubeObject>(APP_PROJECTS, args.namespace, projectName)
    : undefined;
  return { kind, obj, project };
}

function formatResult(args: TestArgs, result: TryResult): string {
  const lines: string[] = [
    `Trigger ${args.trigger} on ${args.target.kind === 'app' ? 'Application' : 'ApplicationSet'} ${args.namespace}/${args.target.name}`,
  ];
  for (const error of result.errors) lines.push(`  error: ${error}`);
  if (result.destinations.length === 0)
    lines.push(
      `  no destinations: subscribe with notifications.argoproj.io/subscribe.${args.trigger}.<service>, or give --recipient`,
    );
  for (const c of result.conditions) {
    lines.push(
      '',
      `[${c.index}] when: ${c.when}`,
      `    result: ${c.triggered}${c.oncePer ? `   oncePer: ${c.oncePer} = ${c.oncePerValue}` : ''}`,
      `    send: ${c.templates.join(', ')}`,
    );
    for (const render of c.renders) lines.push(...formatRender(render, c.triggered, args.send));
  }
  return `${lines.join('\n')}\n`;
}

function formatRender(render: TriedRender, triggered: boolean, send: boolean): string[] {
  const to = `${render.dest.service}${render.dest.recipient ? `:${render.dest.recipient}` : ''}`;
  if (render.error !== undefined) return [`  → ${to}: cannot render: ${render.error}`];
  const out = [`  → ${to}:`, ...indent(JSON.stringify(render.notification, null, 2), '      ')];
  if (render.sent === true) out.push('      delivered');
  else if (render.sent === false) out.push(`      not delivered: ${render.sendError ?? ''}`);
  else if (send && !triggered) out.push('      not sent: the condition is false');
  return out;
}

function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((line) => prefix + line);
}
