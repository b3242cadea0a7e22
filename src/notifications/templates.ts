/**
 * Notification templates (`template.<name>` in argocd-notifications-cm): a `message` for every
 * service and per-service blocks (`slack`: attachments, blocks, username, icon, groupingKey;
 * `webhook.<service>`: method, path, body), every string rendered with the Go-template engine
 * (sprig functions) over `app`, `context`, `secrets`, `serviceType`, `recipient` and Argo's helpers.
 */
import { GoExecError, GoParseError } from '../template/go/errors.ts';
import { compileGoTemplate } from '../template/go/index.ts';
import type { CompiledTemplate } from '../template/go/template.ts';
import { GoInt, GoObject, type GoValue } from '../template/go/value.ts';

export interface SlackMessage {
  readonly username: string;
  readonly icon: string;
  readonly attachments: string;
  readonly blocks: string;
  readonly groupingKey: string;
  readonly notifyBroadcast: boolean;
  readonly deliveryPolicy: string;
}

export interface WebhookMessage {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

/** A rendered notification: what the services send. */
export interface Notification {
  message: string;
  slack?: SlackMessage;
  webhook?: Record<string, WebhookMessage>;
}

type Render = (vars: GoValue) => string;

interface CompiledNotificationTemplate {
  apply(into: Notification, vars: GoValue): void;
}

const SLACK_STRINGS = ['username', 'icon', 'attachments', 'blocks', 'groupingKey'] as const;

/** Compiles one `template.<name>` value (already parsed from YAML); throws with the field at fault. */
export function compileNotificationTemplate(name: string, spec: unknown): CompiledNotificationTemplate {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new Error('expected a map with message and per-service fields');
  const doc = spec as Record<string, unknown>;
  const message = field(name, 'message', doc['message']);
  const slack = block(doc['slack']);
  const slackFields = slack
    ? Object.fromEntries(SLACK_STRINGS.map((f) => [f, field(name, `slack.${f}`, slack[f])]))
    : undefined;
  const webhooks = Object.entries(block(doc['webhook']) ?? {}).map(([service, value]) => {
    const w = block(value) ?? {};
    return {
      service,
      method: typeof w['method'] === 'string' ? w['method'] : '',
      path: field(name, `webhook.${service}.path`, w['path']),
      body: field(name, `webhook.${service}.body`, w['body']),
    };
  });
  return {
    apply(into, vars) {
      into.message = message(vars);
      if (slack && slackFields) {
        const rendered = Object.fromEntries(SLACK_STRINGS.map((f) => [f, slackFields[f]!(vars)]));
        into.slack = {
          ...(rendered as Pick<SlackMessage, (typeof SLACK_STRINGS)[number]>),
          notifyBroadcast: slack['notifyBroadcast'] === true,
          deliveryPolicy: typeof slack['deliveryPolicy'] === 'string' ? slack['deliveryPolicy'] : 'Post',
        };
      }
      for (const w of webhooks) {
        into.webhook ??= {};
        into.webhook[w.service] = { method: w.method, path: w.path(vars), body: w.body(vars) };
      }
    },
  };
}

function block(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** One templated string field; a missing field renders "". */
function field(template: string, path: string, value: unknown): Render {
  if (value === undefined || value === null) return () => '';
  if (typeof value !== 'string') throw new Error(`${path}: expected a string, got ${JSON.stringify(value)}`);
  const text = value;
  let compiled: CompiledTemplate;
  try {
    compiled = compileGoTemplate(text, { name: template });
  } catch (err) {
    if (err instanceof GoParseError) throw new Error(`${path}: ${err.message}`, { cause: err });
    throw err;
  }
  return (vars) => {
    try {
      return compiled(vars);
    } catch (err) {
      if (err instanceof GoExecError)
        throw new Error(`template ${template}: ${path}: ${err.message}`, { cause: err });
      throw err;
    }
  };
}

/** Renders the templates a condition sends, in order, into one notification (later fields win). */
export function renderNotification(
  templates: readonly CompiledNotificationTemplate[],
  vars: Readonly<Record<string, unknown>>,
): Notification {
  const notification: Notification = { message: '' };
  const data = toTemplateData(vars);
  for (const template of templates) template.apply(notification, data);
  return notification;
}

/**
 * JSON data as Argo hands it to text/template (Kubernetes' unstructured objects): integral numbers
 * are int64, others float64; Go values (times, functions) stay as they are.
 */
export function toTemplateData(value: unknown): GoValue {
  if (value === undefined) return null;
  if (typeof value === 'number')
    return Number.isSafeInteger(value) ? new GoInt('int64', BigInt(value)) : value;
  if (value === null || typeof value !== 'object' || value instanceof GoObject || value instanceof GoInt)
    return value as GoValue;
  if (Array.isArray(value)) return value.map(toTemplateData);
  const out: Record<string, GoValue> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toTemplateData(v);
  return out;
}

export type { CompiledNotificationTemplate };
