/**
 * text/template's builtin functions: and, or, not, len, index, print, printf, println, eq, ne, lt,
 * le, gt, ge, html, js, urlquery, call. (`slice` is sprig's in Argo CD, which shadows the builtin.)
 */
import { FuncError, fn, variadic, type GoFunc } from './funcs.ts';
import { sprint, sprintf, sprintln } from './fmt.ts';
import { isPrint } from './strconv.ts';
import {
  ANY,
  GoInt,
  GoObject,
  REFLECT_VALUE,
  byteLength,
  compareGoStrings,
  elemType,
  isMap,
  isTrue,
  typeName,
  zeroOf,
  type GoValue,
} from './value.ts';

/** reflect's indirectInterface: a nil interface is no value (named ints compare as ints). */
function unwrap(v: GoValue): GoValue {
  if (v instanceof GoObject) return v.asInt() ?? v;
  return v === null ? undefined : v;
}

function length(item: GoValue): GoValue {
  if (item === null) throw new FuncError('len of nil pointer');
  if (item === undefined) throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
  if (typeof item === 'string') return new GoInt('int', BigInt(byteLength(item)));
  if (Array.isArray(item)) return new GoInt('int', BigInt(item.length));
  if (isMap(item)) return new GoInt('int', BigInt(Object.keys(item).length));
  throw new FuncError(`len of type ${typeName(item)}`);
}

function indexArg(index: GoValue, cap: number): number {
  if (!(index instanceof GoInt)) {
    if (index === undefined) throw new FuncError('cannot index slice/array with nil');
    throw new FuncError(`cannot index slice/array with type ${typeName(index)}`);
  }
  const x = index.value;
  if (x < 0n || x > BigInt(cap)) throw new FuncError(`index out of range: ${x}`);
  return Number(x);
}

function indexOne(item: GoValue, index: GoValue): GoValue {
  if (typeof item === 'string') {
    const bytes = Buffer.from(item, 'utf8');
    const x = indexArg(index, bytes.length);
    if (x === bytes.length) throw new FuncError('reflect: string index out of range');
    return new GoInt('uint8', BigInt(bytes[x]!));
  }
  if (Array.isArray(item)) {
    const x = indexArg(index, item.length);
    if (x === item.length) throw new FuncError('reflect: slice index out of range');
    return item[x];
  }
  if (isMap(item)) {
    if (index === undefined) throw new FuncError('value is nil; should be of type string');
    if (typeof index !== 'string') throw new FuncError(`value has type ${typeName(index)}; should be string`);
    return Object.hasOwn(item, index) ? item[index] : zeroOf(elemType(item));
  }
  throw new FuncError(`can't index item of type ${typeName(item)}`);
}

function index(args: GoValue[]): GoValue {
  let item = unwrap(args[0]);
  if (item === undefined) throw new FuncError('index of untyped nil');
  for (const i of args.slice(1)) {
    if (item === null) throw new FuncError('index of nil pointer');
    item = indexOne(item, unwrap(i));
  }
  return item;
}

type BasicKind = 'invalid' | 'bool' | 'int' | 'uint' | 'float' | 'string';

function basicKind(v: GoValue): BasicKind {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  if (v instanceof GoInt) return v.signed ? 'int' : 'uint';
  return 'invalid';
}

function incompatible(a: GoValue, b: GoValue): FuncError {
  return new FuncError(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
}

function equalNonBasic(a: GoValue, b: GoValue): boolean {
  const aNil = a === undefined;
  const bNil = b === undefined;
  const kindA = aNil ? 'invalid' : Array.isArray(a) ? 'slice' : isMap(a) ? 'map' : typeName(a);
  const kindB = bNil ? 'invalid' : Array.isArray(b) ? 'slice' : isMap(b) ? 'map' : typeName(b);
  if (kindA !== kindB && !aNil && !bNil) {
    throw new FuncError(sprintf('non-comparable types %s: %v, %s: %v', [a, typeName(a), typeName(b), b]));
  }
  if (aNil || bNil) return aNil === bNil;
  if (b instanceof GoObject && a instanceof GoObject) return a.equals(b);
  throw new FuncError(sprintf('non-comparable type %s: %v', [b, typeName(b)]));
}

function equalPair(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint')
      return (a as GoInt).value >= 0n && (a as GoInt).value === (b as GoInt).value;
    if (k1 === 'uint' && k2 === 'int')
      return (b as GoInt).value >= 0n && (a as GoInt).value === (b as GoInt).value;
    if (a !== undefined && b !== undefined) throw incompatible(a, b);
    return false;
  }
  switch (k1) {
    case 'int':
    case 'uint':
      return (a as GoInt).value === (b as GoInt).value;
    case 'invalid':
      return equalNonBasic(a, b);
    default:
      return a === b;
  }
}

function eq(args: GoValue[]): GoValue {
  const a = unwrap(args[0]);
  if (args.length < 2) throw new FuncError('missing argument for comparison');
  for (const other of args.slice(1)) if (equalPair(a, unwrap(other))) return true;
  return false;
}

function lessThan(x: GoValue, y: GoValue): boolean {
  const a = unwrap(x);
  const b = unwrap(y);
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid') throw new FuncError('invalid type for comparison');
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint')
      return (a as GoInt).value < 0n || (a as GoInt).value < (b as GoInt).value;
    if (k1 === 'uint' && k2 === 'int')
      return (b as GoInt).value >= 0n && (a as GoInt).value < (b as GoInt).value;
    throw incompatible(a, b);
  }
  switch (k1) {
    case 'bool':
      throw new FuncError('invalid type for comparison');
    case 'int':
    case 'uint':
      return (a as GoInt).value < (b as GoInt).value;
    case 'string':
      return compareGoStrings(a as string, b as string) < 0;
    default:
      return (a as number) < (b as number);
  }
}

function lessOrEqual(a: GoValue, b: GoValue): boolean {
  return lessThan(a, b) || (eq([a, b]) as boolean);
}

/** The printable form of builtin escaper arguments (text/template's evalArgs). */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === undefined || a === null ? '<no value>' : a)));
}

const HTML_ESCAPES: Record<string, string> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  "'": '&#39;',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
};

export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => HTML_ESCAPES[c]!);
}

const JS_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};

export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    const special = JS_ESCAPES[ch];
    if (special !== undefined) out += special;
    else if (r < 0x20) out += '\\u00' + r.toString(16).toUpperCase().padStart(2, '0');
    else if (r < 0x80 || isPrint(r)) out += ch;
    else out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** net/url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

const unreachable = (): GoValue => {
  throw new FuncError('unreachable');
};

/** The builtins, keyed by name. */
export const BUILTINS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  ['and', { params: [REFLECT_VALUE], variadic: REFLECT_VALUE, special: 'and', call: unreachable }],
  ['or', { params: [REFLECT_VALUE], variadic: REFLECT_VALUE, special: 'or', call: unreachable }],
  ['call', { params: [REFLECT_VALUE], variadic: REFLECT_VALUE, special: 'call', call: unreachable }],
  ['not', fn([REFLECT_VALUE], ([v]) => !isTrue(unwrap(v)))],
  ['len', fn([REFLECT_VALUE], ([v]) => length(v))],
  ['index', variadic([REFLECT_VALUE], REFLECT_VALUE, index)],
  ['print', variadic([], ANY, (args) => sprint(args))],
  ['printf', variadic(['string'], ANY, ([format, ...args]) => sprintf(format as string, args))],
  ['println', variadic([], ANY, (args) => sprintln(args))],
  ['eq', variadic([REFLECT_VALUE], REFLECT_VALUE, eq)],
  ['ne', fn([REFLECT_VALUE, REFLECT_VALUE], ([a, b]) => !(eq([a, b]) as boolean))],
  ['lt', fn([REFLECT_VALUE, REFLECT_VALUE], ([a, b]) => lessThan(a, b))],
  ['le', fn([REFLECT_VALUE, REFLECT_VALUE], ([a, b]) => lessOrEqual(a, b))],
  ['gt', fn([REFLECT_VALUE, REFLECT_VALUE], ([a, b]) => !lessOrEqual(a, b))],
  ['ge', fn([REFLECT_VALUE, REFLECT_VALUE], ([a, b]) => !lessThan(a, b))],
  ['html', variadic([], ANY, (args) => htmlEscape(evalArgs(args)))],
  ['js', variadic([], ANY, (args) => jsEscape(evalArgs(args)))],
  ['urlquery', variadic([], ANY, (args) => queryEscape(evalArgs(args)))],
]);
