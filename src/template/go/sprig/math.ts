/**
 * sprig's numbers: integer arithmetic on int64 (add, sub, mul, div, mod, max, min...), float
 * arithmetic through shopspring/decimal (addf 0.1 0.2 is 0.3), rounding, conversions (atoi, int,
 * int64, float64, toDecimal) and sequences (seq).
 */
import { randomInt } from 'node:crypto';
import { int, int64, toFloat64, toInt64 } from '../convert.ts';
import { formatValue } from '../fmt.ts';
import { FuncError, fn, variadic, type GoFunc } from '../funcs.ts';
import { formatFloat, shortestDecimal } from '../strconv.ts';
import { ANY, GoInt, type GoValue } from '../value.ts';
import { untilStep } from './collections.ts';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

const num = (v: GoValue): number => Number((v as GoInt).value);

function divide(a: bigint, b: bigint, op: 'div' | 'mod'): GoInt {
  if (b === 0n) throw new FuncError('runtime error: integer divide by zero');
  return int64(op === 'div' ? a / b : a % b);
}

/** strconv.Atoi with sprig's ignored error: 0 on bad syntax, clamped on overflow. */
function atoi(s: string): GoInt {
  if (!/^[+-]?[0-9]+$/.test(s)) return int(0);
  const n = BigInt(s);
  return int(n < INT64_MIN ? INT64_MIN : n > INT64_MAX ? INT64_MAX : n);
}

function toDecimal(v: GoValue): GoInt {
  const s = v === null || v === undefined ? '<nil>' : formatValue(v);
  const m = /^([+-]?)([0-7]+)$/.exec(s);
  if (m === null) return int64(0);
  const n = BigInt('0o' + m[2]!) * (m[1] === '-' ? -1n : 1n);
  return int64(n < INT64_MIN || n > INT64_MAX ? 0n : n);
}

// --- shopspring/decimal arithmetic for the ...f functions ---

interface Decimal {
  readonly coef: bigint;
  readonly exp: number;
}

function decimalOf(v: GoValue): Decimal {
  const f = toFloat64(v);
  if (!Number.isFinite(f)) throw new FuncError(`Cannot create a Decimal from ${formatFloat(f, 'g', -1)}`);
  return shortestDecimal(f);
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
}

const DIVISION_PRECISION = 16;

const decimalOps: Record<'add' | 'sub' | 'mul' | 'div', (a: Decimal, b: Decimal) => Decimal> = {
  add: (a, b) => {
    const [x, y, exp] = align(a, b);
    return { coef: x + y, exp };
  },
  sub: (a, b) => {
    const [x, y, exp] = align(a, b);
    return { coef: x - y, exp };
  },
  mul: (a, b) => ({ coef: a.coef * b.coef, exp: a.exp + b.exp }),
  div: (a, b) => {
    if (b.coef === 0n) throw new FuncError('decimal division by 0');
    // Round half away from zero at 16 decimal places (decimal.DivRound).
    const k = a.exp - b.exp + DIVISION_PRECISION;
    const n = k >= 0 ? a.coef * 10n ** BigInt(k) : a.coef;
    const d = k >= 0 ? b.coef : b.coef * 10n ** BigInt(-k);
    let q = n / d;
    const r = n % d;
    const abs = (x: bigint): bigint => (x < 0n ? -x : x);
    if (2n * abs(r) >= abs(d)) q += n < 0n !== d < 0n ? -1n : 1n;
    return { coef: q, exp: -DIVISION_PRECISION };
  },
};

function decimalToFloat(d: Decimal): number {
  return Number(`${d.coef}e${d.exp}`);
}

function decimalOp(op: keyof typeof decimalOps, first: GoValue, rest: readonly GoValue[]): number {
  let acc = decimalOf(first);
  for (const x of rest) acc = decimalOps[op](acc, decimalOf(x));
  return decimalToFloat(acc);
}

function round(a: GoValue, places: number, rOpt: readonly GoValue[]): number {
  const roundOn = rOpt.length > 0 ? (rOpt[0] as number) : 0.5;
  const pow = 10 ** places;
  const digit = pow * toFloat64(a);
  const frac = digit - Math.trunc(digit);
  const r = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

/** sprig's seq: like the Unix command (1 arg: 1..n; 2: a..b; 3: a, step, b). */
function seq(params: readonly number[]): string {
  let start: number;
  let end: number;
  let step: number;
  if (params.length === 1) {
    [start, end] = [1, params[0]!];
    step = end < start ? -1 : 1;
    return untilStep(start, end + step, step)
      .map(formatValue)
      .join(' ');
  }
  if (params.length === 2) {
    [start, end] = [params[0]!, params[1]!];
    step = end < start ? -1 : 1;
    return untilStep(start, end + step, step)
      .map(formatValue)
      .join(' ');
  }
  if (params.length === 3) {
    [start, step, end] = [params[0]!, params[1]!, params[2]!];
    let inc = 1;
    if (end < start) {
      inc = -1;
      if (step > 0) return '';
    }
    return untilStep(start, end + inc, step)
      .map(formatValue)
      .join(' ');
  }
  return '';
}

function maxMin(pick: (a: bigint, b: bigint) => boolean): (args: GoValue[]) => GoValue {
  return ([a, ...rest]) => {
    let acc = toInt64(a);
    for (const b of rest) {
      const v = toInt64(b);
      if (pick(v, acc)) acc = v;
    }
    return int64(acc);
  };
}

/** Go's math.Max / math.Min (NaN wins; +0 beats -0 for max). */
function goMax(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === 0 && b === 0) return Object.is(a, -0) ? b : a;
  return a > b ? a : b;
}

function goMin(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === 0 && b === 0) return Object.is(a, -0) ? a : b;
  return a < b ? a : b;
}

export const MATH_FUNCS: Record<string, GoFunc> = {
  atoi: fn(['string'], ([s]) => atoi(s as string)),
  int64: fn([ANY], ([v]) => int64(toInt64(v))),
  int: fn([ANY], ([v]) => int(toInt64(v))),
  float64: fn([ANY], ([v]) => toFloat64(v)),
  seq: variadic([], 'int', (ps) => seq(ps.map(num))),
  toDecimal: fn([ANY], ([v]) => toDecimal(v)),
  add1: fn([ANY], ([v]) => int64(toInt64(v) + 1n)),
  add: variadic([], ANY, (args) => int64(args.reduce<bigint>((acc, x) => acc + toInt64(x), 0n))),
  sub: fn([ANY, ANY], ([a, b]) => int64(toInt64(a) - toInt64(b))),
  div: fn([ANY, ANY], ([a, b]) => divide(toInt64(a), toInt64(b), 'div')),
  mod: fn([ANY, ANY], ([a, b]) => divide(toInt64(a), toInt64(b), 'mod')),
  mul: variadic([ANY], ANY, ([a, ...rest]) =>
    int64(rest.reduce<bigint>((acc, x) => acc * toInt64(x), toInt64(a))),
  ),
  randInt: fn(['int', 'int'], ([a, b]) => {
    if (num(b) - num(a) <= 0) throw new FuncError('invalid argument to Intn');
    return int(num(a) + randomInt(num(b) - num(a)));
  }),
  add1f: fn([ANY], ([v]) => decimalOp('add', v, [new GoInt('int', 1n)])),
  addf: variadic([], ANY, (args) => decimalOp('add', 0, args)),
  subf: variadic([ANY], ANY, ([a, ...rest]) => decimalOp('sub', a, rest)),
  divf: variadic([ANY], ANY, ([a, ...rest]) => decimalOp('div', a, rest)),
  mulf: variadic([ANY], ANY, ([a, ...rest]) => decimalOp('mul', a, rest)),
  biggest: variadic(
    [ANY],
    ANY,
    maxMin((v, acc) => v > acc),
  ),
  max: variadic(
    [ANY],
    ANY,
    maxMin((v, acc) => v > acc),
  ),
  min: variadic(
    [ANY],
    ANY,
    maxMin((v, acc) => v < acc),
  ),
  maxf: variadic([ANY], ANY, ([a, ...rest]) =>
    rest.reduce<number>((acc, x) => goMax(acc, toFloat64(x)), toFloat64(a)),
  ),
  minf: variadic([ANY], ANY, ([a, ...rest]) =>
    rest.reduce<number>((acc, x) => goMin(acc, toFloat64(x)), toFloat64(a)),
  ),
  ceil: fn([ANY], ([v]) => Math.ceil(toFloat64(v))),
  floor: fn([ANY], ([v]) => Math.floor(toFloat64(v))),
  round: variadic([ANY, 'int'], 'float64', ([a, p, ...r]) => round(a, num(p), r)),
};
