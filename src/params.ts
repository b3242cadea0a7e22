/**
 * A parameter set: what a generator yields and a template consumes.
 * In fasttemplate mode keys are flat (`metadata.labels.env`, `path[1]`) and values strings;
 * in goTemplate mode values are nested JSON-like data (numbers are Go float64s).
 */
export type Params = Record<string, unknown>;

/** JSON-like values, as parsed from YAML. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Flattens nested params to dotted string keys (`a.b`, arrays as `a.0`), values as Go's `%v`:
 * what post-selectors match against, in both template modes.
 */
export function flattenParams(params: Params, format: (value: unknown) => string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${key}.${i}`));
    else if (isPlainObject(value))
      for (const [k, v] of Object.entries(value)) visit(v, key === '' ? k : `${key}.${k}`);
    else out[key] = format(value);
  };
  for (const [k, v] of Object.entries(params)) visit(v, k);
  return out;
}

/** A short description of a value's kind for error messages ("a map", "number 3"). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}
