/**
 * Label arguments in kubectl's syntax (`key=value` sets, `key-` removes), checked against
 * Kubernetes' rules for label keys and values before anything is written.
 */
import { SECRET_TYPE_LABEL } from '../../api/secret.ts';
import { SpokesError } from '../../errors.ts';

/** One label change: a value to set, or `null` to remove the key. */
export type LabelChanges = ReadonlyMap<string, string | null>;

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `key` is not a valid label key, or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a key has at most one "/" (prefix/name)';
  const name = parts.at(-1)!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '') return 'the prefix before "/" must not be empty';
    if (prefix.length > 253) return 'the prefix must be at most 253 characters';
    if (!prefix.split('.').every((label) => DNS_LABEL.test(label)))
      return 'the prefix must be a DNS subdomain (lowercase letters, digits, "-" and ".")';
  }
  if (name === '') return 'the name part must not be empty';
  if (name.length > 63) return 'the name part must be at most 63 characters';
  if (!NAME.test(name))
    return 'the name part must be letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  return undefined;
}

/** Why `value` is not a valid label value, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return 'a value must be at most 63 characters';
  if (!NAME.test(value))
    return 'a value must be letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  return undefined;
}

function invalid(arg: string, detail: string): SpokesError {
  return new SpokesError('InvalidLabel', `label "${arg}": ${detail}`);
}

/** Parses one argument: `[key, value]` to set, `[key, null]` to remove. */
export function parseLabelArg(arg: string, options: { allowRemove: boolean }): [string, string | null] {
  const eq = arg.indexOf('=');
  let key: string;
  let value: string | null;
  if (eq !== -1) {
    key = arg.slice(0, eq);
    value = arg.slice(eq + 1);
  } else if (options.allowRemove && arg.endsWith('-')) {
    key = arg.slice(0, -1);
    value = null;
  } else {
    throw invalid(arg, options.allowRemove ? 'expected KEY=VALUE or KEY-' : 'expected KEY=VALUE');
  }
  const keyProblem = labelKeyProblem(key);
  if (keyProblem !== undefined) throw invalid(arg, `invalid key: ${keyProblem}`);
  if (value !== null) {
    const valueProblem = labelValueProblem(value);
    if (valueProblem !== undefined) throw invalid(arg, `invalid value: ${valueProblem}`);
  }
  if (key === SECRET_TYPE_LABEL)
    throw invalid(arg, `${SECRET_TYPE_LABEL} marks the Secret as a cluster and cannot be changed`);
  return [key, value];
}

/** Parses every argument; a key named twice is an error. */
export function parseLabelArgs(args: readonly string[], options: { allowRemove: boolean }): LabelChanges {
  const changes = new Map<string, string | null>();
  for (const arg of args) {
    const [key, value] = parseLabelArg(arg, options);
    if (changes.has(key)) throw invalid(arg, `key "${key}" is given more than once`);
    changes.set(key, value);
  }
  return changes;
}

/** `labels` after `changes` (a new object). */
export function applyLabelChanges(
  labels: Readonly<Record<string, string>>,
  changes: LabelChanges,
): Record<string, string> {
  const out = { ...labels };
  for (const [key, value] of changes) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** `env=prod, tier-` for messages. */
export function describeChanges(changes: LabelChanges): string {
  return [...changes].map(([key, value]) => (value === null ? `${key}-` : `${key}=${value}`)).join(', ');
}
