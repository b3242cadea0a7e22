/**
 * Go's `fmt.Sprintf("%v", v)` for the JSON-like values params hold, where every number is a
 * float64 (Argo round-trips params through JSON). Used wherever Argo stringifies a value: the
 * same printer the Go template engine uses.
 */
import { formatValue } from './go/fmt.ts';
import type { GoValue } from './go/value.ts';

export function formatGoValue(value: unknown): string {
  return formatValue(value as GoValue);
}
