/** Tolerant readers for the loosely typed fields of live objects (absent or mistyped reads as empty). */

export type Json = Record<string, unknown>;

function walk(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Json)[key];
  }
  return cur;
}

export function record(obj: unknown, ...path: string[]): Json {
  const v = walk(obj, path);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

export function list(obj: unknown, ...path: string[]): Json[] {
  const v = walk(obj, path);
  return Array.isArray(v) ? v.filter((x): x is Json => x !== null && typeof x === 'object') : [];
}

export function str(obj: unknown, ...path: string[]): string {
  const v = walk(obj, path);
  return typeof v === 'string' ? v : '';
}

/** A number, or 0 when absent (Go's zero value). */
export function num(obj: unknown, ...path: string[]): number {
  const v = walk(obj, path);
  return typeof v === 'number' ? v : 0;
}

/** A number, or undefined when absent (Go's nil pointer). */
export function optNum(obj: unknown, ...path: string[]): number | undefined {
  const v = walk(obj, path);
  return typeof v === 'number' ? v : undefined;
}

export function bool(obj: unknown, ...path: string[]): boolean {
  return walk(obj, path) === true;
}

export function has(obj: unknown, ...path: string[]): boolean {
  const v = walk(obj, path);
  return v !== undefined && v !== null;
}
