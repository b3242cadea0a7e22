/**
 * The Go value model the engine evaluates over.
 *
 * Params arrive as plain JSON-like data, which is exactly what Argo CD hands text/template after
 * its JSON round trip: objects are `map[string]interface {}`, arrays `[]interface {}`, numbers
 * `float64`, plus string, bool and nil. Functions can produce other Go types, so:
 *
 * - `undefined` is Go's invalid reflect.Value ("no value": a missing map key); `null` is a nil
 *   interface (a JSON null, or a nil function result).
 * - JS `number` is always float64. Go integers are {@link GoInt} (a kind plus a bigint, wrapped
 *   to the kind's width), so `len`, `add` or `atoi` results print and compare as Go ints.
 * - Arrays and plain objects are slices and maps; a non-`interface {}` element type (`[]string`
 *   from `splitList`, `map[string]string` from `split`) is carried in a symbol-keyed tag.
 * - Other Go values (time.Time, *semver.Version, time.Month) are {@link GoObject}s with a type
 *   name, a kind, optional `String()` and a method table.
 */
export type IntKind =
  'int' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64';

const INT_BITS: Record<IntKind, [bits: number, signed: boolean]> = {
  int: [64, true],
  int8: [8, true],
  int16: [16, true],
  int32: [32, true],
  int64: [64, true],
  uint: [64, false],
  uint8: [8, false],
  uint16: [16, false],
  uint32: [32, false],
  uint64: [64, false],
};

/** A Go integer of a given kind; the value wraps like Go's on overflow. */
export class GoInt {
  readonly kind: IntKind;
  readonly value: bigint;
  constructor(kind: IntKind, value: bigint) {
    const [bits, signed] = INT_BITS[kind];
    this.kind = kind;
    this.value = signed ? BigInt.asIntN(bits, value) : BigInt.asUintN(bits, value);
  }
  get signed(): boolean {
    return INT_BITS[this.kind][1];
  }
  toNumber(): number {
    return Number(this.value);
  }
}

export function goInt(value: number | bigint): GoInt {
  return new GoInt('int', typeof value === 'bigint' ? value : BigInt(Math.trunc(value)));
}

export function goInt64(value: number | bigint): GoInt {
  return new GoInt('int64', typeof value === 'bigint' ? value : BigInt(Math.trunc(value)));
}

/** A Go method callable from a template as `.Name args...`. */
export interface GoMethod {
  readonly params: readonly GoType[];
  readonly variadic?: GoType;
  call(self: GoObject, args: readonly GoValue[]): GoValue;
}

/** A Go value that is neither JSON-like nor an int: time.Time, *semver.Version, time.Month... */
export abstract class GoObject {
  abstract readonly typeName: string;
  abstract readonly kind: string;
  /** Go's `String()` if the type has one (fmt prints through it). */
  abstract goString(): string | undefined;
  methods(): Readonly<Record<string, GoMethod>> {
    return {};
  }
  /** The JSON encoding (`encoding/json`), for toJson. */
  abstract toJSONValue(): unknown;
  /** The integer inside a named integer type (time.Month...), for %d and comparisons. */
  asInt(): GoInt | undefined {
    return undefined;
  }
  /** text/template truth: structs and non-nil pointers are true; int-like kinds override. */
  truthy(): boolean {
    return true;
  }
  /** For `eq`: Go's `==` on two values of the same type. */
  abstract equals(other: GoObject): boolean;
}

export type GoMap = { [key: string]: GoValue };
export type GoValue = undefined | null | string | boolean | number | GoInt | GoValue[] | GoMap | GoObject;

/** A Go type, as far as function signatures need: a type name, or `any` (interface {}). */
export type GoType = string;
export const ANY: GoType = 'interface {}';
export const REFLECT_VALUE: GoType = 'reflect.Value';

const ELEM = Symbol('goElem');
type Tagged = { [ELEM]?: GoType };

/** Tags an array or map with a non-interface element type, e.g. `string` for `[]string`. */
export function typed<T extends GoValue[] | GoMap>(container: T, elem: GoType): T {
  Object.defineProperty(container, ELEM, { value: elem, enumerable: false });
  return container;
}

export function elemType(container: GoValue[] | GoMap): GoType {
  return (container as Tagged)[ELEM] ?? ANY;
}

export function isMap(v: unknown): v is GoMap {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof GoInt) &&
    !(v instanceof GoObject)
  );
}

/** Go's `%T` name of a value (`<nil>` for nil). */
export function typeName(v: GoValue): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
    case 'undefined':
      return '<nil>';
  }
  if (v === null) return '<nil>';
  if (v instanceof GoInt) return v.kind;
  if (v instanceof GoObject) return v.typeName;
  if (Array.isArray(v)) return `[]${elemType(v)}`;
  return `map[string]${elemType(v)}`;
}

/** reflect.Kind names: string, bool, float64, int..., slice, map, struct, ptr; `invalid` for nil. */
export function kindOf(v: GoValue): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
    case 'undefined':
      return 'invalid';
  }
  if (v === null) return 'invalid';
  if (v instanceof GoInt) return v.kind;
  if (v instanceof GoObject) return v.kind;
  return Array.isArray(v) ? 'slice' : 'map';
}

/** The kind that a Go type name denotes (for zero values and signature checks). */
export function kindOfType(t: GoType): string {
  if (t.startsWith('[]')) return 'slice';
  if (t.startsWith('map[')) return 'map';
  if (t.startsWith('*')) return 'ptr';
  if (t === ANY) return 'interface';
  if (t in INT_BITS) return t;
  return t;
}

/** The zero value of a Go type; nil for nillable types. */
export function zeroOf(t: GoType): GoValue {
  if (t === 'string') return '';
  if (t === 'bool') return false;
  if (t === 'float64' || t === 'float32') return 0;
  if (t in INT_BITS) return new GoInt(t as IntKind, 0n);
  return null;
}

/** text/template's truth: non-zero of its type; nil is false. */
export function isTrue(v: GoValue): boolean {
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'undefined':
      return false;
  }
  if (v === null) return false;
  if (v instanceof GoInt) return v.value !== 0n;
  if (v instanceof GoObject) return v.truthy();
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

/** Go `len`, or undefined when the value has no length. */
export function goLen(v: GoValue): number | undefined {
  if (typeof v === 'string') return byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  return undefined;
}

/** The number of UTF-8 bytes in a string (Go's len). */
export function byteLength(s: string): number {
  return /^[\x00-\x7f]*$/.test(s) ? s.length : Buffer.byteLength(s, 'utf8');
}

/** Map keys in Go's sorted order (byte-wise, which for strings is UTF-8 order). */
export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(compareGoStrings);
}

/** Compares strings as Go does (by UTF-8 bytes), not by UTF-16 code units. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order differs from UTF-8 order only around surrogates; compare code points.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Go's reflect.DeepEqual over our values. */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return isNilish(a) && isNilish(b);
  if (typeName(a) !== typeName(b)) return false;
  if (a instanceof GoInt) return a.value === (b as GoInt).value;
  if (a instanceof GoObject) return a.equals(b as GoObject);
  if (Array.isArray(a)) {
    const bb = b as GoValue[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  if (isMap(a)) {
    const bm = b as GoMap;
    const ka = Object.keys(a);
    return ka.length === Object.keys(bm).length && ka.every((k) => k in bm && deepEqual(a[k], bm[k]));
  }
  return a === b;
}

function isNilish(v: GoValue): boolean {
  return v === undefined || v === null;
}
