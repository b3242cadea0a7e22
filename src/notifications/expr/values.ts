/**
 * The values triggers compute with: JSON-like data (the object as JSON: maps, arrays, strings,
 * numbers, booleans, nil), Go time values from the template engine (time.Time, time.Duration),
 * and functions ({@link GoFuncValue}, shared with templates so `time.Parse` is one function in both).
 */
import { formatValue } from '../../template/go/fmt.ts';
import { GoFuncValue } from '../../template/go/funcs.ts';
import { GoDuration, GoTime } from '../../template/go/gotime.ts';
import { GoInt, GoObject, type GoValue } from '../../template/go/value.ts';
import { ExprRuntimeError } from './errors.ts';

export type Value = unknown;

export function isNil(v: Value): v is null | undefined {
  return v === null || v === undefined;
}

export function isMap(v: Value): v is Record<string, Value> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoObject);
}

/** Go's `%T` of a value, as expr's errors name types. */
export function typeOf(v: Value): string {
  if (isNil(v)) return '<nil>';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float64';
  }
  if (v instanceof GoObject) return v.typeName;
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** Go's `%v`, which is what oncePer keys are made of (`fmt.Sprintf("%v", val)`). */
export function formatV(v: Value): string {
  return formatValue(toGo(v));
}

/** A value as the Go template engine models it (numbers stay float64 unless integral). */
export function toGo(v: Value): GoValue {
  if (v === undefined) return null;
  if (typeof v === 'number')
    return Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? new GoInt('int', BigInt(v)) : v;
  if (Array.isArray(v)) return v.map(toGo);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toGo(x)]));
  return v as GoValue;
}

/** A Go function result as a trigger value: Go ints become numbers. */
export function fromGo(v: GoValue): Value {
  if (v instanceof GoInt) return Number(v.value);
  if (v === undefined) return null;
  return v;
}

/** An argument for a Go function parameter of `type`, or an error naming both. */
export function argFor(v: Value, type: string | undefined): GoValue {
  if (type === undefined || type === 'interface {}' || type === 'reflect.Value') return toGo(v);
  const actual = typeOf(v);
  if (/^u?int(8|16|32|64)?$/.test(type) && typeof v === 'number' && Number.isInteger(v))
    return new GoInt(type as 'int', BigInt(v));
  if ((type === 'float64' || type === 'float32') && typeof v === 'number') return v;
  if (actual === type) return toGo(v);
  throw new ExprRuntimeError(`cannot use ${actual} as argument (type ${type}) to call`);
}

export function callFunc(fn: GoFuncValue, args: readonly Value[], name: string): Value {
  const { params, variadic } = fn.fn;
  const arity = variadic === undefined ? args.length === params.length : args.length >= params.length;
  if (!arity)
    throw new ExprRuntimeError(
      `${name}: ${args.length < params.length ? 'not enough' : 'too many'} arguments (expected ${params.length}, got ${args.length})`,
    );
  const converted = args.map((a, i) => argFor(a, i < params.length ? params[i] : variadic));
  try {
    return fromGo(fn.fn.call(converted));
  } catch (err) {
    throw new ExprRuntimeError(`${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function deepEqual(a: Value, b: Value): boolean {
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  if (a instanceof GoObject || b instanceof GoObject)
    return a instanceof GoObject && b instanceof GoObject && a.equals(b);
  return containersEqual(a, b) ?? a === b;
}

/** Lists and maps compared item by item; undefined when neither is a container. */
function containersEqual(a: Value, b: Value): boolean | undefined {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && listsEqual(a, b);
  if (isMap(a) || isMap(b)) return isMap(a) && isMap(b) && mapsEqual(a, b);
  return undefined;
}

function listsEqual(a: readonly Value[], b: readonly Value[]): boolean {
  return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
}

function mapsEqual(a: Record<string, Value>, b: Record<string, Value>): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
  );
}

export { GoDuration, GoFuncValue, GoTime };
