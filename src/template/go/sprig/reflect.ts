/**
 * sprig's type introspection (typeOf, typeIs, typeIsLike, kindOf, kindIs, deepEqual), plus the
 * odds and ends: fail and uuidv4.
 */
import { randomUUID } from 'node:crypto';
import { FuncError, fn, type GoFunc } from '../funcs.ts';
import { ANY, deepEqual, kindOf, typeName } from '../value.ts';

export const REFLECT_FUNCS: Record<string, GoFunc> = {
  typeOf: fn([ANY], ([v]) => typeName(v)),
  typeIs: fn(['string', ANY], ([t, v]) => t === typeName(v)),
  typeIsLike: fn(['string', ANY], ([t, v]) => t === typeName(v) || `*${t as string}` === typeName(v)),
  kindOf: fn([ANY], ([v]) => kindOf(v)),
  kindIs: fn(['string', ANY], ([k, v]) => k === kindOf(v)),
  deepEqual: fn([ANY, ANY], ([a, b]) => deepEqual(a, b)),
  fail: fn(['string'], ([msg]) => {
    throw new FuncError(msg as string);
  }),
  uuidv4: fn([], () => randomUUID()),
};
