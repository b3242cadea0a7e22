/**
 * Who gets notified about what: `notifications.argoproj.io/subscribe.<trigger>.<service>`
 * annotations (recipients separated by `;`, an empty value meaning the service's default
 * recipient), `subscribe.<service>` annotations that take the default triggers, the YAML
 * `notifications.argoproj.io/subscriptions` annotation, and the ConfigMap's global
 * `subscriptions` (recipients `service:recipient`, optional triggers, a label selector).
 */
import type { LabelSelector } from '../api/selector.ts';
import { matchesSelector } from '../labels.ts';
import { parseYamlValue } from '../yaml.ts';
import type { Destination } from './state.ts';

const PREFIX = 'notifications.argoproj.io/subscribe.';
const YAML_KEY = 'notifications.argoproj.io/subscriptions';

/** Destinations by trigger name. */
export type Destinations = Map<string, Destination[]>;

export interface DefaultTriggers {
  readonly defaultTriggers: readonly string[];
  /** `defaultTriggers.<service>`: the default triggers of one service. */
  readonly serviceDefaultTriggers: ReadonlyMap<string, readonly string[]>;
}

export interface GlobalSubscription {
  readonly recipients: readonly string[];
  readonly triggers: readonly string[];
  readonly selector: LabelSelector;
}

function recipientsOf(value: string): string[] {
  if (value === '') return [''];
  return value
    .split(';')
    .map((r) => r.trim())
    .filter((r) => r !== '');
}

function add(into: Destinations, trigger: string, dest: Destination): void {
  const list = into.get(trigger) ?? [];
  if (!list.some((d) => d.service === dest.service && d.recipient === dest.recipient)) list.push(dest);
  into.set(trigger, list);
}

function triggersFor(trigger: string, service: string, defaults: DefaultTriggers): readonly string[] {
  if (trigger !== '') return [trigger];
  return defaults.serviceDefaultTriggers.get(service) ?? defaults.defaultTriggers;
}

interface YamlSubscription {
  trigger?: string[];
  destinations?: { service?: string; recipients?: string[] }[];
}

/** The subscriptions an object's annotations declare. */
export function annotationDestinations(
  annotations: Readonly<Record<string, string>> | undefined,
  defaults: DefaultTriggers,
  into: Destinations = new Map(),
): Destinations {
  const subscribe = (trigger: string, service: string, recipients: readonly string[]): void => {
    for (const recipient of recipients)
      for (const t of triggersFor(trigger, service, defaults)) add(into, t, { service, recipient });
  };
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (key.startsWith(PREFIX)) {
      const parts = key.slice(PREFIX.length).split('.');
      const [trigger, service] = parts.length >= 2 ? [parts[0]!, parts[1]!] : ['', parts[0]!];
      subscribe(trigger, service, recipientsOf(value));
    } else if (key === YAML_KEY && value !== '') {
      for (const [trigger, service, recipients] of yamlSubscriptions(value))
        subscribe(trigger, service, recipients);
    }
  }
  return into;
}

/** The `subscriptions` annotation as (trigger, service, recipients) triples; unreadable YAML is none. */
function yamlSubscriptions(text: string): [string, string, readonly string[]][] {
  let parsed: unknown;
  try {
    parsed = parseYamlValue(text, YAML_KEY);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return (parsed as YamlSubscription[]).flatMap((sub) =>
    (sub.trigger?.length ? sub.trigger : ['']).flatMap((trigger) =>
      (sub.destinations ?? [])
        .filter((d) => d.service)
        .map((d): [string, string, readonly string[]] => [trigger, d.service!, d.recipients ?? []]),
    ),
  );
}

/** The ConfigMap's `subscriptions` that select an object with these labels. */
export function globalDestinations(
  subscriptions: readonly GlobalSubscription[],
  labels: Readonly<Record<string, string>> | undefined,
  defaults: DefaultTriggers,
  into: Destinations = new Map(),
): Destinations {
  for (const sub of subscriptions) {
    if (!matchesSelector(sub.selector, labels ?? {})) continue;
    const triggers = sub.triggers.length > 0 ? sub.triggers : defaults.defaultTriggers;
    for (const trigger of triggers) {
      for (const recipient of sub.recipients) {
        // As Argo: `service:recipient`, anything after a second colon ignored.
        const [service = '', name = ''] = recipient.split(':');
        add(into, trigger, { service, recipient: name });
      }
    }
  }
  return into;
}

/**
 * A label selector in kubectl's string form: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
 * `a`, `!a`, joined by commas. Throws on anything else.
 */
export function parseSelectorString(text: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: NonNullable<LabelSelector['matchExpressions']> = [];
  for (const term of splitTerms(text)) {
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
      const values = m[3]!
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      matchExpressions.push({ key: m[1]!, operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term))) {
      if (m[2] === '!=') matchExpressions.push({ key: m[1]!, operator: 'NotIn', values: [m[3]!] });
      else matchLabels[m[1]!] = m[3]!;
    } else if ((m = /^(!?)([\w./-]+)$/.exec(term))) {
      matchExpressions.push({ key: m[2]!, operator: m[1] === '!' ? 'DoesNotExist' : 'Exists' });
    } else {
      throw new Error(`invalid label selector term ${JSON.stringify(term)}`);
    }
  }
  return { matchLabels, matchExpressions };
}

/** Splits on commas outside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += c;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}
