/**
 * How Argo CD combines two param sets: fasttemplate mode compares flat string values, goTemplate
 * mode deep-merges nested maps (mergo with override: maps merge key by key, anything else is
 * replaced by the overriding side).
 */
import { SpokesError } from '../errors.ts';
import { isPlainObject, type Params } from '../params.ts';
import { formatGoValue } from './go-format.ts';
import { ANY, elemType, typed, type GoMap } from './go/value.ts';

/**
 * `base` deep-merged with `override` winning; neither input is modified. A merged map keeps the
 * Go element type of the base (mergo merges into the existing map, e.g. a map[string]string).
 */
export function deepMergeParams(base: Params, override: Params): Params {
  const elem = elemType(base as GoMap);
  const out: Params = elem === ANY ? { ...base } : typed({ ...(base as GoMap) }, elem);
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMergeParams(current, value) : value;
  }
  return out;
}

/**
 * Matrix combination in fasttemplate mode: values are stringified (Go `%v`), and a key present
 * in both with different values is an error.
 */
export function combineFlatParams(a: Params, b: Params): Params {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(a)) out[key] = formatGoValue(value);
  for (const [key, value] of Object.entries(b)) {
    const text = formatGoValue(value);
    const current = out[key];
    if (current !== undefined && current !== text) {
      throw new SpokesError(
        'MatrixConflict',
        `found duplicate key ${key} with different value, a: ${current} ,b: ${text}`,
      );
    }
    out[key] = text;
  }
  return out;
}
