/**
 * Merging a generator's own `template` over `spec.template`, as Argo does with mergo (no
 * override): whatever the generator's template sets wins; anything it leaves empty ("", 0, false,
 * null, empty list or map) is filled from `spec.template`, maps merging key by key.
 */
import { isPlainObject } from '../params.ts';

export function fillEmptyFrom(own: unknown, base: unknown): unknown {
  if (isPlainObject(own) && isPlainObject(base)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(own)) out[key] = fillEmptyFrom(value, base[key]);
    return out;
  }
  return isEmptyValue(own) ? base : own;
}

function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}
