/**
 * sprig's defaults and JSON functions: default, empty, coalesce, all, any, ternary, fromJson,
 * toJson, toPrettyJson, toRawJson and their must- variants.
 */
import { fn, variadic, type GoFunc } from '../funcs.ts';
import { marshal, unmarshal } from '../json.ts';
import { ANY, GoInt, GoObject, isMap, type GoValue } from '../value.ts';

/** sprig's empty: nil, zero numbers, false, and empty strings, lists and maps. */
export function isEmpty(v: GoValue): boolean {
  if (v === undefined || v === null) return true;
  switch (typeof v) {
    case 'string':
      return v.length === 0;
    case 'boolean':
      return !v;
    case 'number':
      return v === 0;
  }
  if (v instanceof GoInt) return v.value === 0n;
  if (v instanceof GoObject) return false;
  if (Array.isArray(v)) return v.length === 0;
  return isMap(v) && Object.keys(v).length === 0;
}

function quiet(f: () => string): string {
  try {
    return f();
  } catch {
    return '';
  }
}

const toJson = (v: GoValue): string => marshal(v, { escapeHTML: true });
const toPrettyJson = (v: GoValue): string => marshal(v, { escapeHTML: true, indent: '  ' });
const toRawJson = (v: GoValue): string => marshal(v, { escapeHTML: false });

function fromJson(s: string): GoValue {
  try {
    return unmarshal(s);
  } catch {
    return null;
  }
}

export const DEFAULT_FUNCS: Record<string, GoFunc> = {
  default: variadic(
    [ANY],
    ANY,
    ([d, ...given]) => (given.length === 0 || isEmpty(given[0]) ? d : given[0]!),
    true,
  ),
  empty: fn([ANY], ([v]) => isEmpty(v)),
  coalesce: variadic([], ANY, (args) => args.find((v) => !isEmpty(v)) ?? null, true),
  all: variadic([], ANY, (args) => args.every((v) => !isEmpty(v))),
  any: variadic([], ANY, (args) => args.some((v) => !isEmpty(v))),
  ternary: fn([ANY, ANY, 'bool'], ([t, f, c]) => (c === true ? t : f), true),
  fromJson: fn(['string'], ([s]) => fromJson(s as string), true),
  mustFromJson: fn(['string'], ([s]) => unmarshal(s as string), true),
  toJson: fn([ANY], ([v]) => quiet(() => toJson(v))),
  mustToJson: fn([ANY], ([v]) => toJson(v)),
  toPrettyJson: fn([ANY], ([v]) => quiet(() => toPrettyJson(v))),
  mustToPrettyJson: fn([ANY], ([v]) => toPrettyJson(v)),
  toRawJson: fn([ANY], ([v]) => toRawJson(v)),
  mustToRawJson: fn([ANY], ([v]) => toRawJson(v)),
};
