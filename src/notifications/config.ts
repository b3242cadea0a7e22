/**
 * argocd-notifications-cm and argocd-notifications-secret, read as Argo CD reads them: services
 * (`service.<type>[.<name>]`, `$key` references replaced by the Secret's values in every string),
 * `template.<name>`, `trigger.<name>`, `defaultTriggers`, `defaultTriggers.<service>`,
 * `subscriptions` and `context`. Every entry is parsed on its own: a broken one becomes a problem
 * naming its key, and the rest keep working. Catalog triggers and templates fill in names the
 * ConfigMap does not define.
 */
import { parseYamlValue } from '../yaml.ts';
import { CATALOG_TEMPLATES, CATALOG_TRIGGERS } from './catalog.ts';
import { buildService, type NotificationService } from './services/index.ts';
import { parseSelectorString, type DefaultTriggers, type GlobalSubscription } from './subscriptions.ts';
import { compileNotificationTemplate, type CompiledNotificationTemplate } from './templates.ts';
import { compileTrigger, type Condition, type Trigger } from './triggers.ts';

export const CONFIG_MAP_NAME = 'argocd-notifications-cm';
export const SECRET_NAME = 'argocd-notifications-secret';

/** A ConfigMap entry that could not be used, and why. */
export interface ConfigProblem {
  readonly key: string;
  readonly message: string;
}

export interface NotificationsConfig extends DefaultTriggers {
  readonly services: ReadonlyMap<string, NotificationService>;
  readonly templates: ReadonlyMap<string, CompiledNotificationTemplate>;
  readonly triggers: ReadonlyMap<string, Trigger>;
  readonly subscriptions: readonly GlobalSubscription[];
  readonly context: Readonly<Record<string, string>>;
  /** The Secret's values by key, for `$key` references and `.secrets` in templates. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly problems: readonly ConfigProblem[];
}

/** `$key` references: the Secret's value where the key exists, else left as written (as Argo). */
export function replaceSecretRefs(text: string, secrets: Readonly<Record<string, string>>): string {
  return text.replace(/\$[\w-]+/g, (ref) =>
    Object.hasOwn(secrets, ref.slice(1)) ? secrets[ref.slice(1)]! : ref,
  );
}

function substituteSecrets(value: unknown, secrets: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return replaceSecretRefs(value, secrets);
  if (Array.isArray(value)) return value.map((v) => substituteSecrets(v, secrets));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteSecrets(v, secrets)]));
  return value;
}

function stringList(value: unknown, what: string): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new Error(`expected a list of ${what}`);
  return value;
}

function conditionsOf(value: unknown): Condition[] {
  // A single condition written as a map is accepted too (Argo's docs show both).
  const list = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
  return list.map((item, i) => {
    if (typeof item !== 'object' || item === null)
      throw new Error(`[${i}]: expected a condition {when, send}`);
    const c = item as Record<string, unknown>;
    const text = (f: string): string | undefined => {
      const v = c[f];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string' && typeof v !== 'boolean') throw new Error(`[${i}].${f}: expected a string`);
      return String(v);
    };
    return {
      when: text('when') ?? '',
      ...(text('oncePer') ? { oncePer: text('oncePer')! } : {}),
      ...(text('description') ? { description: text('description')! } : {}),
      send: stringList(c['send'], 'template names'),
    };
  });
}

function subscriptionsOf(value: unknown): GlobalSubscription[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new Error('expected a list of {recipients, triggers, selector}');
  return value.map((item: Record<string, unknown>, i) => {
    try {
      return {
        recipients: stringList(item['recipients'], 'recipients'),
        triggers: stringList(item['triggers'], 'trigger names'),
        selector: parseSelectorString(typeof item['selector'] === 'string' ? item['selector'] : ''),
      };
    } catch (err) {
      throw new Error(`[${i}]: ${(err as Error).message}`, { cause: err });
    }
  });
}

function contextOf(value: unknown): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a map of strings');
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]),
  );
}

/** Parses the ConfigMap's data (and the Secret's decoded data) into a working configuration. */
export function parseNotificationsConfig(
  data: Readonly<Record<string, string>>,
  secrets: Readonly<Record<string, string>> = {},
): NotificationsConfig {
  const problems: ConfigProblem[] = [];
  const services = new Map<string, NotificationService>();
  const templates = new Map<string, CompiledNotificationTemplate>();
  const triggers = new Map<string, Trigger>();
  const serviceDefaultTriggers = new Map<string, string[]>();
  let defaultTriggers: string[] = [];
  let subscriptions: GlobalSubscription[] = [];
  let context: Record<string, string> = {};

  for (const [name, conditions] of Object.entries(CATALOG_TRIGGERS))
    triggers.set(name, compileTrigger(name, conditions));
  for (const [name, spec] of Object.entries(CATALOG_TEMPLATES))
    templates.set(name, compileNotificationTemplate(name, spec));

  /** Reads one key; a failure is a problem, and `forget` drops a built-in of the same name. */
  const entry = (key: string, read: (value: unknown) => void, forget?: () => void): void => {
    try {
      read(parseYamlValue(data[key]!, `${CONFIG_MAP_NAME} ${key}`));
    } catch (err) {
      forget?.();
      problems.push({ key, message: err instanceof Error ? err.message : String(err) });
    }
  };

  for (const key of Object.keys(data).sort()) {
    if (key === 'defaultTriggers') entry(key, (v) => (defaultTriggers = stringList(v, 'trigger names')));
    else if (key === 'subscriptions') entry(key, (v) => (subscriptions = subscriptionsOf(v)));
    else if (key === 'context') entry(key, (v) => (context = contextOf(v)));
    else if (key.startsWith('defaultTriggers.'))
      entry(key, (v) =>
        serviceDefaultTriggers.set(key.slice('defaultTriggers.'.length), stringList(v, 'trigger names')),
      );
    else if (key.startsWith('trigger.')) {
      const name = key.slice('trigger.'.length);
      entry(
        key,
        (v) => triggers.set(name, compileTrigger(name, conditionsOf(v))),
        () => triggers.delete(name),
      );
    } else if (key.startsWith('template.')) {
      const name = key.slice('template.'.length);
      entry(
        key,
        (v) => templates.set(name, compileNotificationTemplate(name, v)),
        () => templates.delete(name),
      );
    } else if (key.startsWith('service.')) {
      const parts = key.split('.');
      if (parts.length !== 2 && parts.length !== 3) {
        problems.push({
          key,
          message: `invalid service key; expected 'service.<type>(.<name>)' but got '${key}'`,
        });
        continue;
      }
      const [type, name] = [parts[1]!, parts[2] ?? parts[1]!];
      entry(key, (v) => services.set(name, buildService(type, substituteSecrets(v, secrets))));
    }
  }
  return {
    services,
    templates,
    triggers,
    defaultTriggers,
    serviceDefaultTriggers,
    subscriptions,
    context,
    secrets,
    problems,
  };
}
