/**
 * sprig's lists and dicts: list/tuple, append/prepend, first/last/rest/initial, reverse, uniq,
 * without, has, compact, slice, concat, chunk, until/untilStep; dict, get/set/unset, hasKey,
 * pluck, keys, pick, omit, values, merge/mergeOverwrite (dario.cat/mergo's rules), deepCopy, dig.
 *
 * Go iterates maps in random order where sprig's keys/values do; we return key order.
 */
import { strval, toInt64 } from '../convert.ts';
import { FuncError, fn, variadic, type GoFunc } from '../funcs.ts';
import {
  ANY,
  GoInt,
  GoObject,
  deepEqual,
  elemType,
  isMap,
  kindOf,
  sortedKeys,
  typed,
  type GoMap,
  type GoValue,
} from '../value.ts';
import { isEmpty } from './defaults.ts';

const MAP = 'map[string]interface {}';
const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

/** The list argument of sprig's list functions, or the error they raise for other kinds. */
function asList(v: GoValue, what: (kind: string) => string): GoValue[] {
  if (v === null || v === undefined) throw new FuncError(NIL_DEREF);
  if (Array.isArray(v)) return v;
  throw new FuncError(what(kindOf(v)));
}

/** A list function and its must- twin (both fail the same way through the template). */
function listFunc(
  params: string[],
  call: (args: GoValue[]) => GoValue,
  returnsInterface = false,
): [GoFunc, GoFunc] {
  const f = fn(params, call, returnsInterface);
  return [f, f];
}

function uniq(list: GoValue[]): GoValue[] {
  const out: GoValue[] = [];
  for (const item of list) if (!out.some((x) => deepEqual(x, item))) out.push(item);
  return out;
}

function sliceList(list: GoValue, indices: GoValue[]): GoValue {
  const l = asList(list, (k) => `list should be type of slice or array but ${k}`);
  if (l.length === 0) return null;
  const start = indices.length > 0 ? Number(toInt64(indices[0])) : 0;
  const end = indices.length > 1 ? Number(toInt64(indices[1])) : l.length;
  if (start < 0 || end < start || end > l.length)
    throw new FuncError('reflect.Value.Slice: slice index out of bounds');
  return typed(l.slice(start, end), elemType(l));
}

function concat(lists: GoValue[]): GoValue {
  const out: GoValue[] = [];
  for (const list of lists) {
    if (list === null || list === undefined) throw new FuncError(NIL_DEREF);
    if (!Array.isArray(list)) throw new FuncError(`Cannot concat type ${kindOf(list)} as list`);
    out.push(...list);
  }
  return out;
}

function chunk(size: number, list: GoValue): GoValue {
  const l = asList(list, (k) => `Cannot chunk type ${k}`);
  const count = Math.floor((l.length - 1) / size) + 1;
  const out: GoValue[] = [];
  for (let i = 0; i < count; i++) {
    let len = size;
    if (i === count - 1) {
      len = Math.floor(l.length % size);
      if (len === 0) len = size;
    }
    out.push(l.slice(i * size, i * size + len));
  }
  return typed(out, '[]interface {}');
}

/** sprig's untilStep: ints from start toward stop (exclusive) by step. */
export function untilStep(start: number, stop: number, step: number): GoValue[] {
  const v: GoValue[] = [];
  if (stop < start) {
    if (step >= 0) return typed(v, 'int');
    for (let i = start; i > stop; i += step) v.push(new GoInt('int', BigInt(i)));
    return typed(v, 'int');
  }
  if (step <= 0) return typed(v, 'int');
  for (let i = start; i < stop; i += step) v.push(new GoInt('int', BigInt(i)));
  return typed(v, 'int');
}

function num(v: GoValue): number {
  return Number((v as GoInt).value);
}

// --- dicts ---

function asMap(v: GoValue): GoMap | null {
  return isMap(v) ? v : null;
}

function dict(args: GoValue[]): GoMap {
  const out: GoMap = {};
  for (let i = 0; i < args.length; i += 2) out[strval(args[i])] = i + 1 < args.length ? args[i + 1] : '';
  return out;
}

function setKey(d: GoValue, key: string, value: GoValue): GoValue {
  const m = asMap(d);
  if (m === null) throw new FuncError('assignment to entry in nil map');
  m[key] = value;
  return m;
}

/** mergo.Merge / MergeWithOverwrite on map[string]interface{} values (dst is changed in place). */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const key of sortedKeys(src)) mergeKey(dst, key, src[key], overwrite);
}

/** One key of mergo's map merge: nil, nested maps, slices, then "set when empty or overwriting". */
function mergeKey(dst: GoMap, key: string, s: GoValue, overwrite: boolean): void {
  const had = Object.hasOwn(dst, key);
  const d = dst[key];
  if (s === null || s === undefined) {
    if (overwrite) dst[key] = null;
    return;
  }
  if (isMap(s) && had && isMap(d)) mergeInto(d, s, overwrite);
  if (Array.isArray(s)) dst[key] = mergedSlice(dst, key, s, overwrite);
  if (!dstWins(had, d, s) && (overwrite || !had || isEmpty(d))) dst[key] = s;
}

/** A non-empty destination keeps its value against a slice, or a map merged into its map. */
function dstWins(had: boolean, d: GoValue, s: GoValue): boolean {
  return had && !isEmpty(d) && (Array.isArray(s) || (isMap(s) && isMap(d)));
}

/** mergo's slice step: the source slice when overwriting (or dst is empty), else dst's value. */
function mergedSlice(dst: GoMap, key: string, s: GoValue[], overwrite: boolean): GoValue {
  if (overwrite || Object.keys(dst).length === 0) return s;
  const d = dst[key];
  return d === null || d === undefined ? typed([], elemType(s)) : d;
}

function merge(overwrite: boolean): (args: GoValue[]) => GoValue {
  return ([dst, ...srcs]) => {
    let target = asMap(dst);
    for (const src of srcs) {
      const s = asMap(src);
      if (s === null) continue;
      target ??= {};
      mergeInto(target, s, overwrite);
    }
    return target;
  };
}

export function deepCopy(v: GoValue): GoValue {
  if (Array.isArray(v)) return typed(v.map(deepCopy), elemType(v));
  if (isMap(v)) {
    const out: GoMap = {};
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k]);
    return typed(out, elemType(v));
  }
  return v;
}

function assertionError(v: GoValue, want: string): FuncError {
  const got = v === null || v === undefined ? 'nil' : v instanceof GoObject ? v.typeName : kindOrType(v);
  return new FuncError(`interface conversion: interface {} is ${got}, not ${want}`);
}

function kindOrType(v: GoValue): string {
  if (Array.isArray(v)) return `[]${elemType(v)}`;
  if (isMap(v)) return `map[string]${elemType(v)}`;
  return kindOf(v);
}

function dig(args: GoValue[]): GoValue {
  if (args.length < 3) throw new FuncError('dig needs at least three arguments');
  const last = args[args.length - 1];
  if (!isMap(last) || elemType(last) !== ANY) throw assertionError(last, MAP);
  const def = args[args.length - 2];
  const keys = args.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw assertionError(k, 'string');
    return k;
  });
  let d: GoMap = last;
  for (let i = 0; i < keys.length; i++) {
    if (!Object.hasOwn(d, keys[i]!)) return def;
    const step = d[keys[i]!];
    if (i === keys.length - 1) return step;
    if (!isMap(step)) throw assertionError(step, MAP);
    d = step;
  }
  return def;
}

function mapOrEmpty(v: GoValue): GoMap {
  return asMap(v) ?? {};
}

const [first, mustFirst] = listFunc(
  [ANY],
  ([l]) => asList(l, (k) => `Cannot find first on type ${k}`)[0] ?? null,
  true,
);
const [last, mustLast] = listFunc(
  [ANY],
  ([l]) => asList(l, (k) => `Cannot find last on type ${k}`).at(-1) ?? null,
  true,
);
const [rest, mustRest] = listFunc([ANY], ([l]) => asList(l, (k) => `Cannot find rest on type ${k}`).slice(1));
const [initial, mustInitial] = listFunc([ANY], ([l]) =>
  asList(l, (k) => `Cannot find initial on type ${k}`).slice(0, -1),
);
const [reverse, mustReverse] = listFunc([ANY], ([l]) =>
  [...asList(l, (k) => `Cannot find reverse on type ${k}`)].reverse(),
);
const [uniqF, mustUniq] = listFunc([ANY], ([l]) => uniq(asList(l, (k) => `Cannot find uniq on type ${k}`)));
const [compact, mustCompact] = listFunc([ANY], ([l]) =>
  asList(l, (k) => `Cannot compact on type ${k}`).filter((x) => !isEmpty(x)),
);
const push = fn([ANY, ANY], ([l, v]) => [...asList(l, (k) => `Cannot push on type ${k}`), v]);
const prepend = fn([ANY, ANY], ([l, v]) => [v, ...asList(l, (k) => `Cannot prepend on type ${k}`)]);
const without = variadic([ANY], ANY, ([l, ...omit]) =>
  asList(l, (k) => `Cannot find without on type ${k}`).filter((x) => !omit.some((o) => deepEqual(o, x))),
);
const has = fn([ANY, ANY], ([needle, haystack]) => {
  if (haystack === null || haystack === undefined) return false;
  return asList(haystack, (k) => `Cannot find has on type ${k}`).some((x) => deepEqual(needle, x));
});
const sliceF = variadic([ANY], ANY, ([l, ...indices]) => sliceList(l, indices), true);
const mergeF = variadic([MAP], MAP, merge(false), true);
const mergeOverwrite = variadic([MAP], MAP, merge(true), true);
const copyF = fn([ANY], ([v]) => deepCopy(v), true);

export const COLLECTION_FUNCS: Record<string, GoFunc> = {
  list: variadic([], ANY, (args) => args),
  tuple: variadic([], ANY, (args) => args),
  append: push,
  push,
  mustAppend: push,
  mustPush: push,
  prepend,
  mustPrepend: prepend,
  first,
  mustFirst,
  last,
  mustLast,
  rest,
  mustRest,
  initial,
  mustInitial,
  reverse,
  mustReverse,
  uniq: uniqF,
  mustUniq,
  without,
  mustWithout: without,
  has,
  mustHas: has,
  compact,
  mustCompact,
  slice: sliceF,
  mustSlice: sliceF,
  concat: variadic([], ANY, concat, true),
  chunk: fn(['int', ANY], ([n, l]) => chunk(num(n), l)),
  mustChunk: fn(['int', ANY], ([n, l]) => chunk(num(n), l)),
  until: fn(['int'], ([n]) => (num(n) < 0 ? untilStep(0, num(n), -1) : untilStep(0, num(n), 1))),
  untilStep: fn(['int', 'int', 'int'], ([a, b, c]) => untilStep(num(a), num(b), num(c))),
  dict: variadic([], ANY, dict),
  get: fn(
    [MAP, 'string'],
    ([d, k]) => {
      const m = mapOrEmpty(d);
      return Object.hasOwn(m, k as string) ? m[k as string] : '';
    },
    true,
  ),
  set: fn([MAP, 'string', ANY], ([d, k, v]) => setKey(d, k as string, v)),
  unset: fn([MAP, 'string'], ([d, k]) => {
    const m = asMap(d);
    if (m !== null) delete m[k as string];
    return m;
  }),
  hasKey: fn([MAP, 'string'], ([d, k]) => Object.hasOwn(mapOrEmpty(d), k as string)),
  pluck: variadic(['string'], MAP, ([k, ...ds]) =>
    ds
      .map(mapOrEmpty)
      .filter((m) => Object.hasOwn(m, k as string))
      .map((m) => m[k as string]),
  ),
  keys: variadic([], MAP, (ds) =>
    typed(
      ds.flatMap((d) => sortedKeys(mapOrEmpty(d))),
      'string',
    ),
  ),
  pick: variadic([MAP], 'string', ([d, ...ks]) => {
    const m = mapOrEmpty(d);
    const out: GoMap = {};
    for (const k of ks as string[]) if (Object.hasOwn(m, k)) out[k] = m[k];
    return out;
  }),
  omit: variadic([MAP], 'string', ([d, ...ks]) => {
    const m = mapOrEmpty(d);
    const out: GoMap = {};
    for (const k of Object.keys(m)) if (!(ks as string[]).includes(k)) out[k] = m[k];
    return out;
  }),
  values: fn([MAP], ([d]) => {
    const m = mapOrEmpty(d);
    return sortedKeys(m).map((k) => m[k]);
  }),
  merge: mergeF,
  mustMerge: mergeF,
  mergeOverwrite,
  mustMergeOverwrite: mergeOverwrite,
  deepCopy: copyF,
  mustDeepCopy: copyF,
  dig: variadic([], ANY, dig, true),
};
