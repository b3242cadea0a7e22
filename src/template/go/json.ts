/**
 * encoding/json over our value model: Marshal (sorted map keys, Go's float format, HTML-safe
 * escaping unless disabled, MarshalIndent) and Unmarshal into interface{} (float64 numbers).
 */
import { FuncError } from './funcs.ts';
import { formatFloat } from './strconv.ts';
import { GoInt, GoObject, isMap, sortedKeys, type GoMap, type GoValue } from './value.ts';

export interface MarshalOptions {
  /** Escape <, > and & as \u003c... (json.Marshal does; an Encoder can turn it off). */
  readonly escapeHTML: boolean;
  /** MarshalIndent's indent string; undefined for compact output. */
  readonly indent?: string;
}

/** Go's float64 encoding: %f, or %e outside [1e-6, 1e21), with e-07 shortened to e-7. */
export function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new FuncError(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const abs = Math.abs(f);
  const fmt = abs !== 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f';
  let s = formatFloat(f, fmt, -1);
  if (fmt === 'e') s = s.replace(/e([+-])0(\d)$/, 'e$1$2');
  return s;
}

export function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20) out += JSON_CONTROL[c] ?? '\\u00' + c.toString(16).padStart(2, '0');
    else if (escapeHTML && (ch === '<' || ch === '>' || ch === '&')) out += '\\u00' + c.toString(16);
    else if (c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16);
    else if (c >= 0xd800 && c < 0xe000) out += '\ufffd';
    else out += ch;
  }
  return out + '"';
}

const JSON_CONTROL: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };

function encode(v: GoValue, opts: MarshalOptions, depth: number): string {
  if (v === undefined || v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return jsonString(v, opts.escapeHTML);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return jsonFloat(v);
  }
  if (v instanceof GoInt) return v.value.toString();
  if (v instanceof GoObject) return encode(v.toJSONValue() as GoValue, opts, depth);
  if (Array.isArray(v)) return encodeList(v, opts, depth);
  return encodeMap(v, opts, depth);
}

function newline(opts: MarshalOptions, depth: number): string {
  return opts.indent === undefined ? '' : '\n' + opts.indent.repeat(depth);
}

function encodeList(v: GoValue[], opts: MarshalOptions, depth: number): string {
  if (v.length === 0) return '[]';
  const items = v.map((x) => newline(opts, depth + 1) + encode(x, opts, depth + 1));
  return `[${items.join(',')}${newline(opts, depth)}]`;
}

function encodeMap(v: GoMap, opts: MarshalOptions, depth: number): string {
  const keys = sortedKeys(v);
  if (keys.length === 0) return '{}';
  const sep = opts.indent === undefined ? ':' : ': ';
  const items = keys.map(
    (k) => newline(opts, depth + 1) + jsonString(k, opts.escapeHTML) + sep + encode(v[k], opts, depth + 1),
  );
  return `{${items.join(',')}${newline(opts, depth)}}`;
}

/** json.Marshal / MarshalIndent(v, "", indent). */
export function marshal(v: GoValue, opts: MarshalOptions): string {
  return encode(v, opts, 0);
}

/** json.Unmarshal into interface{}: objects become maps, numbers float64. */
export function unmarshal(text: string): GoValue {
  try {
    return JSON.parse(text) as GoValue;
  } catch (err) {
    throw new FuncError(describeJsonError(text, err));
  }
}

function describeJsonError(text: string, err: unknown): string {
  if (text.trim() === '') return 'unexpected end of JSON input';
  return err instanceof Error ? err.message : String(err);
}

export function isJsonMap(v: GoValue): v is GoMap {
  return isMap(v);
}
