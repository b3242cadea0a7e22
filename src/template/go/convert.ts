/**
 * The value conversions sprig relies on: its `strval`, and spf13/cast's ToInt64, ToInt and
 * ToFloat64 with errors ignored (an unconvertible value becomes 0, as in sprig).
 */
import { formatValue } from './fmt.ts';
import { parseFloat64, parseInteger } from './literal.ts';
import { GoInt, GoObject, type GoValue } from './value.ts';

/** sprig's strval: strings as-is, Stringers through String(), everything else as %v. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof GoObject) {
    const s = v.goString();
    if (s !== undefined) return s;
  }
  return v === undefined || v === null ? '<nil>' : formatValue(v);
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Go's int64(f) on amd64: truncation; NaN and out-of-range values become MinInt64. */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(f));
}

/** cast's trimZeroDecimal: "12.000" → "12". */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') return foundZero ? s.slice(0, i - 1) : s;
    if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** cast.ToInt64 (0 when it cannot convert). */
export function toInt64(v: GoValue): bigint {
  if (v instanceof GoInt) return BigInt.asIntN(64, v.value);
  if (typeof v === 'number') return floatToInt64(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    const n = parseInteger(trimZeroDecimal(v));
    return n !== undefined && n >= INT64_MIN && n <= INT64_MAX ? n : 0n;
  }
  return 0n;
}

/** cast.ToFloat64 (0 when it cannot convert). */
export function toFloat64(v: GoValue): number {
  if (v instanceof GoInt) return Number(v.value);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return parseFloat64(v) ?? 0;
  return 0;
}

export function int(v: bigint | number): GoInt {
  return new GoInt('int', typeof v === 'bigint' ? v : BigInt(v));
}

export function int64(v: bigint | number): GoInt {
  return new GoInt('int64', typeof v === 'bigint' ? v : BigInt(v));
}
