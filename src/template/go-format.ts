/**
 * Go's `fmt.Sprintf("%v", v)` for the JSON-like values params hold, where every number is a
 * float64 (Argo round-trips params through JSON). Used wherever Argo stringifies a value.
 */
import { isPlainObject } from '../params.ts';

export function formatGoValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatGoFloat(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(formatGoValue).join(' ')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${formatGoValue(value[k])}`).join(' ')}]`;
  }
  return typeof value === 'bigint' ? value.toString() : '?';
}

/** `%v` of a float64: shortest round-trip digits, in exponent form when exp < -4 or exp >= 6 (so 1e6 is "1e+06"). */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const exponential = f.toExponential(); // shortest round-trip digits, e.g. "1.234567e+6"
  const [mantissa, exp] = exponential.split('e') as [string, string];
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(f);
}
