/**
 * Go literal syntax inside template actions: strconv.Unquote for strings and character constants,
 * and the number rules of text/template/parse (an int, uint and float reading of the same text).
 */

import { quote } from './strconv.ts';

/** A malformed literal; the message is Go's (usually `invalid syntax`). */
export class LiteralError extends Error {}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
};

interface Escape {
  /** A code point, or a raw byte (for \x and octal escapes). */
  value: number;
  isByte: boolean;
  next: number;
}

function hexValue(s: string, from: number, count: number): number {
  const digits = s.slice(from, from + count);
  if (digits.length !== count || !/^[0-9a-fA-F]+$/.test(digits)) throw new LiteralError('invalid syntax');
  return parseInt(digits, 16);
}

/** \uXXXX or \UXXXXXXXX at `i` (the u): a valid code point. */
function unicodeEscape(s: string, i: number, n: number): Escape {
  const v = hexValue(s, i + 1, n);
  if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new LiteralError('invalid syntax');
  return { value: v, isByte: false, next: i + 1 + n };
}

/** One escape sequence starting after the backslash at `i`. */
function unescape(s: string, i: number, quote: string): Escape {
  const c = s[i];
  if (c === undefined) throw new LiteralError('invalid syntax');
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) {
    if ((c === "'" || c === '"') && c !== quote) throw new LiteralError('invalid syntax');
    return { value: simple, isByte: false, next: i + 1 };
  }
  if (c === 'x') return { value: hexValue(s, i + 1, 2), isByte: true, next: i + 3 };
  if (c === 'u' || c === 'U') return unicodeEscape(s, i, c === 'u' ? 4 : 8);
  if (c >= '0' && c <= '7') {
    const digits = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(digits)) throw new LiteralError('invalid syntax');
    const v = parseInt(digits, 8);
    if (v > 255) throw new LiteralError('invalid syntax');
    return { value: v, isByte: true, next: i + 3 };
  }
  throw new LiteralError('invalid syntax');
}

/** strconv.Unquote for "..." and `...` literals; throws LiteralError('invalid syntax'). */
export function unquote(lit: string): string {
  if (lit.length < 2) throw new LiteralError('invalid syntax');
  const q = lit[0]!;
  if (q !== lit[lit.length - 1]) throw new LiteralError('invalid syntax');
  const body = lit.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new LiteralError('invalid syntax');
    return body.replaceAll('\r', '');
  }
  if (q !== '"') throw new LiteralError('invalid syntax');
  if (!body.includes('\\')) {
    if (body.includes('"') || body.includes('\n')) throw new LiteralError('invalid syntax');
    return body;
  }
  const bytes: number[] = [];
  for (let i = 0; i < body.length;) {
    const ch = body[i]!;
    if (ch === '"' || ch === '\n') throw new LiteralError('invalid syntax');
    if (ch !== '\\') {
      const cp = body.codePointAt(i)!;
      pushRune(bytes, cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = unescape(body, i + 1, '"');
    if (e.isByte) bytes.push(e.value);
    else pushRune(bytes, e.value);
    i = e.next;
  }
  return Buffer.from(bytes).toString('utf8');
}

function pushRune(bytes: number[], cp: number): void {
  for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
}

/** The value of a character constant such as 'a' or '\n'. */
export function unquoteChar(lit: string): number {
  const body = lit.slice(1);
  if (body[0] === '\\') {
    const e = unescape(body, 1, "'");
    if (body.slice(e.next) !== "'") throw new LiteralError(`malformed character constant: ${lit}`);
    return e.value;
  }
  const cp = body.codePointAt(0);
  if (cp === undefined || cp === 0x27) throw new LiteralError('invalid syntax');
  const width = cp > 0xffff ? 2 : 1;
  if (body.slice(width) !== "'") throw new LiteralError(`malformed character constant: ${lit}`);
  return cp;
}

/** Go's rule for `_` digit separators (strconv's underscoreOK). */
function underscoreOK(text: string): boolean {
  let s = text;
  if (s[0] === '+' || s[0] === '-') s = s.slice(1);
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** strconv.ParseInt/ParseUint with base 0, as a bigint; undefined when not an integer. */
export function parseInteger(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s.includes('_')) {
    if (!underscoreOK(text)) return undefined;
    s = s.replaceAll('_', '');
  }
  let digits = s;
  let base = 10;
  if (/^0[xX]/.test(s)) [base, digits] = [16, s.slice(2)];
  else if (/^0[oO]/.test(s)) [base, digits] = [8, s.slice(2)];
  else if (/^0[bB]/.test(s)) [base, digits] = [2, s.slice(2)];
  else if (s.length > 1 && s[0] === '0') [base, digits] = [8, s.slice(1)];
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base]!;
  if (!valid.test(digits)) return undefined;
  const prefix = { 2: '0b', 8: '0o', 10: '', 16: '0x' }[base]!;
  const v = BigInt(prefix + digits);
  return neg ? -v : v;
}

/** strconv.ParseFloat(text, 64); undefined on syntax or range errors. */
export function parseFloat64(text: string): number | undefined {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special !== null) {
    if (special[2]!.toLowerCase() === 'nan') return special[1] === '' ? NaN : undefined;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  let s = text;
  if (s.includes('_')) {
    if (!underscoreOK(text)) return undefined;
    s = s.replaceAll('_', '');
  }
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s);
  let v: number;
  if (hex !== null) {
    const [, sign, int, frac = '', exp] = hex as unknown as [
      string,
      string,
      string,
      string | undefined,
      string,
    ];
    if (int.length + frac.length === 0) return undefined;
    const mant = BigInt('0x' + (int + frac || '0'));
    v = Number(mant) * 2 ** (Number(exp) - 4 * frac.length);
    if (sign === '-') v = -v;
  } else {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
    v = Number(s);
  }
  return Number.isFinite(v) ? v : undefined;
}

export interface NumberValue {
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
}

/** The readings of a number constant (text/template/parse's newNumber). */
export function parseNumber(text: string): NumberValue {
  if (text.endsWith('i')) throw new LiteralError(`complex number constants are not supported: ${text}`);
  const n: NumberValue = { isInt: false, isUint: false, isFloat: false, int64: 0n, uint64: 0n, float64: 0 };
  const big = parseInteger(text);
  if (big !== undefined) {
    if (big >= 0n && big <= UINT64_MAX && text[0] !== '-' && text[0] !== '+') {
      n.isUint = true;
      n.uint64 = big;
    }
    if (big >= INT64_MIN && big <= INT64_MAX) {
      n.isInt = true;
      n.int64 = big;
      if (big === 0n) {
        n.isUint = true;
        n.uint64 = 0n;
      }
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    floatReading(text, n);
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new LiteralError(`illegal number syntax: ${quote(text)}`);
  return n;
}

function floatReading(text: string, n: NumberValue): void {
  const f = /^[+-]?(inf|infinity|nan)$/i.test(text) ? undefined : parseFloat64(text);
  if (f === undefined) return;
  if (!/[.eEpP]/.test(text)) throw new LiteralError(`integer overflow: ${quote(text)}`);
  n.isFloat = true;
  n.float64 = f;
  if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
    n.isInt = true;
    n.int64 = BigInt(f);
  }
  if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
    n.isUint = true;
    n.uint64 = BigInt(f);
  }
}
