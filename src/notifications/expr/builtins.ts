/**
 * expr-lang's builtin functions that trigger conditions reach for: strings, numbers, lists and
 * maps, JSON, dates, and the predicate builtins (`all`, `any`, `filter`, `map`, `count`, ...).
 */
import { GoDuration, GoTime, UTC_ZONE, parseDuration, parseTime } from '../../template/go/gotime.ts';
import { ExprRuntimeError } from './errors.ts';
import { deepEqual, formatV, isMap, isNil, typeOf, type Value } from './values.ts';

type Builtin = (args: readonly Value[]) => Value;

function arity(name: string, args: readonly Value[], min: number, max = min): void {
  if (args.length < min || args.length > max)
    throw new ExprRuntimeError(
      `${name}: expected ${min === max ? min : `${min}-${max}`} arguments, got ${args.length}`,
    );
}

function str(name: string, v: Value): string {
  if (typeof v !== 'string') throw new ExprRuntimeError(`${name}: expected string, got ${typeOf(v)}`);
  return v;
}

function num(name: string, v: Value): number {
  if (typeof v !== 'number') throw new ExprRuntimeError(`${name}: expected number, got ${typeOf(v)}`);
  return v;
}

function list(name: string, v: Value): readonly Value[] {
  if (!Array.isArray(v)) throw new ExprRuntimeError(`${name}: expected array, got ${typeOf(v)}`);
  return v;
}

const strings = (name: string, fn: (...s: string[]) => Value, n: number): Builtin => {
  return (args) => {
    arity(name, args, n);
    return fn(...args.map((a) => str(name, a)));
  };
};

const numbers = (name: string, fn: (x: number) => number): Builtin => {
  return (args) => {
    arity(name, args, 1);
    return fn(num(name, args[0]));
  };
};

function len(args: readonly Value[]): Value {
  arity('len', args, 1);
  const [v] = args;
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  throw new ExprRuntimeError(`invalid argument for len (type ${typeOf(v)})`);
}

function toInt(args: readonly Value[]): Value {
  arity('int', args, 1);
  const [v] = args;
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return Number(v.trim());
  throw new ExprRuntimeError(`invalid operation: int(${typeOf(v)})`);
}

function toFloat(args: readonly Value[]): Value {
  arity('float', args, 1);
  const [v] = args;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw new ExprRuntimeError(`invalid operation: float(${typeOf(v)})`);
}

function extreme(name: string, pick: (a: number, b: number) => number): Builtin {
  return (args) => {
    const values = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
    if (values.length === 0) throw new ExprRuntimeError(`${name}: no values`);
    return values.map((v) => num(name, v)).reduce((a, b) => pick(a, b));
  };
}

function date(args: readonly Value[]): Value {
  arity('date', args, 1, 2);
  const text = str('date', args[0]);
  if (args.length === 2) return parseTime(str('date', args[1]), text);
  for (const layout of [
    '2006-01-02T15:04:05Z07:00',
    '2006-01-02T15:04:05.999999999Z07:00',
    '2006-01-02 15:04:05',
    '2006-01-02',
  ]) {
    try {
      return parseTime(layout, text);
    } catch {
      // try the next layout
    }
  }
  throw new ExprRuntimeError(`date: cannot parse ${JSON.stringify(text)}`);
}

function trimWith(name: string, which: 'both' | 'prefix' | 'suffix'): Builtin {
  return (args) => {
    arity(name, args, 1, 2);
    const s = str(name, args[0]);
    if (args.length === 1) return which === 'both' ? s.trim() : s;
    const cut = str(name, args[1]);
    if (which === 'prefix') return s.startsWith(cut) ? s.slice(cut.length) : s;
    if (which === 'suffix') return s.endsWith(cut) && cut !== '' ? s.slice(0, -cut.length) : s;
    let out = s;
    while (cut !== '' && [...cut].includes(out[0] ?? '')) out = out.slice(1);
    while (cut !== '' && [...cut].includes(out.at(-1) ?? '')) out = out.slice(0, -1);
    return out;
  };
}

export const BUILTINS: Readonly<Record<string, Builtin>> = {
  len,
  type: (args) => typeOf(args[0]),
  string: (args) => {
    arity('string', args, 1);
    return formatV(args[0]);
  },
  int: toInt,
  float: toFloat,
  abs: numbers('abs', Math.abs),
  ceil: numbers('ceil', Math.ceil),
  floor: numbers('floor', Math.floor),
  round: numbers('round', Math.round),
  max: extreme('max', Math.max),
  min: extreme('min', Math.min),
  sum: (args) => list('sum', args[0]).reduce<number>((total, v) => total + num('sum', v), 0),
  mean: (args) => {
    const values = list('mean', args[0]);
    return values.length === 0 ? 0 : values.reduce<number>((t, v) => t + num('mean', v), 0) / values.length;
  },
  trim: trimWith('trim', 'both'),
  trimPrefix: trimWith('trimPrefix', 'prefix'),
  trimSuffix: trimWith('trimSuffix', 'suffix'),
  upper: strings('upper', (s) => s.toUpperCase(), 1),
  lower: strings('lower', (s) => s.toLowerCase(), 1),
  split: strings('split', (s, sep) => (sep === '' ? [...s] : s.split(sep)), 2),
  replace: strings('replace', (s, from, to) => s.replaceAll(from, to), 3),
  repeat: (args) => str('repeat', args[0]).repeat(num('repeat', args[1])),
  indexOf: strings('indexOf', (s, sub) => s.indexOf(sub), 2),
  lastIndexOf: strings('lastIndexOf', (s, sub) => s.lastIndexOf(sub), 2),
  hasPrefix: strings('hasPrefix', (s, p) => s.startsWith(p), 2),
  hasSuffix: strings('hasSuffix', (s, p) => s.endsWith(p), 2),
  join: (args) => {
    arity('join', args, 1, 2);
    return list('join', args[0])
      .map((v) => str('join', v))
      .join(args[1] === undefined ? '' : str('join', args[1]));
  },
  first: (args) => list('first', args[0])[0] ?? null,
  last: (args) => list('last', args[0]).at(-1) ?? null,
  get: (args) => {
    arity('get', args, 2);
    const [from, key] = args;
    if (isMap(from) && typeof key === 'string') return from[key] ?? null;
    if (Array.isArray(from) && typeof key === 'number') {
      const items: readonly Value[] = from;
      return items[key < 0 ? items.length + key : key] ?? null;
    }
    return null;
  },
  keys: (args) => {
    if (!isMap(args[0])) throw new ExprRuntimeError(`keys: expected map, got ${typeOf(args[0])}`);
    return Object.keys(args[0]).sort();
  },
  values: (args) => {
    if (!isMap(args[0])) throw new ExprRuntimeError(`values: expected map, got ${typeOf(args[0])}`);
    const m = args[0];
    return Object.keys(m)
      .sort()
      .map((k) => m[k]);
  },
  reverse: (args) => [...list('reverse', args[0])].reverse(),
  uniq: (args) => list('uniq', args[0]).filter((v, i, all) => all.findIndex((x) => deepEqual(x, v)) === i),
  concat: (args) => args.flatMap((a) => list('concat', a)),
  flatten: (args) => list('flatten', args[0]).flat(Infinity),
  toJSON: (args) => JSON.stringify(args[0] ?? null, null, 2),
  fromJSON: (args) => {
    const parsed: unknown = JSON.parse(str('fromJSON', args[0]));
    return parsed;
  },
  now: () => GoTime.fromMillis(Date.now(), UTC_ZONE),
  duration: (args) => new GoDuration(parseDuration(str('duration', args[0]))),
  date,
};

export function isBuiltin(name: string): boolean {
  return Object.hasOwn(BUILTINS, name);
}

/** all/any/none/one/filter/map/count/find... over a list; `test` evaluates the predicate for an element. */
export function runPredicateBuiltin(
  name: string,
  input: Value,
  test: ((element: Value, index: number) => Value) | undefined,
): Value {
  if (isNil(input)) throw new ExprRuntimeError(`${name}: cannot iterate <nil>`);
  const items = list(name, input);
  const check = (v: Value, i: number): boolean => {
    const result = test === undefined ? v : test(v, i);
    if (typeof result !== 'boolean')
      throw new ExprRuntimeError(`${name}: predicate returned ${typeOf(result)}, not bool`);
    return result;
  };
  switch (name) {
    case 'all':
      return items.every(check);
    case 'any':
      return items.some(check);
    case 'none':
      return !items.some(check);
    case 'one':
      return items.filter(check).length === 1;
    case 'filter':
      return items.filter(check);
    case 'count':
      return items.filter(check).length;
    case 'map':
      return items.map((v, i) => test!(v, i));
    case 'find':
      return items.find(check) ?? null;
    case 'findIndex':
      return items.findIndex(check);
    case 'findLast':
      return items.findLast(check) ?? null;
    case 'findLastIndex':
      return items.findLastIndex(check);
  }
  throw new ExprRuntimeError(`unknown function ${name}`);
}
