/**
 * sprig's string functions: trimming and case, substrings, repetition, quoting, indentation,
 * splitting and joining, word wrapping, case styles (snake/camel/kebab) and random strings.
 */
import { randomInt } from 'node:crypto';
import { strval } from '../convert.ts';
import { sprintf } from '../fmt.ts';
import { fn, variadic, type GoFunc } from '../funcs.ts';
import { byteLen, byteSlice, repeat, splitN, trimCutset } from '../gostrings.ts';
import { quote as goQuote } from '../strconv.ts';
import {
  isLetter,
  isLower,
  isSpace,
  isTitle,
  isUpper,
  latin1Bytes,
  toLower,
  toLowerRune,
  toTitleRune,
  toUpper,
  trimSpace,
} from '../unicode.ts';
import { ANY, compareGoStrings, typed, type GoInt, type GoValue } from '../value.ts';
import { caseStyle, pascalCase } from './case.ts';

const S = 'string';
const INT = 'int';

const str = (v: GoValue): string => v as string;
const num = (v: GoValue): number => Number((v as GoInt).value);

function abbreviate(s: string, offsetIn: number, maxWidth: number): string {
  // goutils returns an error (which sprig drops, leaving "") for widths below 4.
  if (s === '' || maxWidth < 4) return '';
  const len = byteLen(s);
  if (len <= maxWidth) return s;
  let offset = Math.min(offsetIn, len);
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  if (offset <= 4) return byteSlice(s, 0, maxWidth - 3) + '...';
  if (maxWidth < 7) return '';
  if (offset + maxWidth - 3 < len)
    return '...' + abbreviate(byteSlice(s, offset, undefined), 0, maxWidth - 3);
  return '...' + byteSlice(s, len - (maxWidth - 3), undefined);
}

/** strings.Title: the first letter after a separator becomes title case. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const c of s) {
    out += isSeparator(prev) ? toTitleRune(c) : c;
    prev = c;
  }
  return out;
}

function isSeparator(c: string): boolean {
  if (c.charCodeAt(0) <= 0x7f) return !/[0-9a-zA-Z_]/.test(c);
  if (isLetter(c) || /^\p{Nd}$/u.test(c)) return false;
  return isSpace(c);
}

/** goutils.Uncapitalize: the first rune of each whitespace-separated word in lower case. */
function untitle(s: string): string {
  let next = true;
  let out = '';
  for (const c of s) {
    if (isSpace(c)) {
      next = true;
      out += c;
    } else if (next) {
      out += toLowerRune(c);
      next = false;
    } else out += c;
  }
  return out;
}

/** goutils.SwapCase: upper → lower, lower → upper (title case at a word start). */
function swapCase(s: string): string {
  let whitespace = true;
  let out = '';
  for (const c of s) {
    if (isUpper(c) || isTitle(c)) {
      out += toLowerRune(c);
      whitespace = false;
    } else if (isLower(c)) {
      out += whitespace ? toTitleRune(c) : toUpper(c);
      whitespace = false;
    } else {
      whitespace = isSpace(c);
      out += c;
    }
  }
  return out;
}

/** goutils.Initials (which reads the string byte by byte). */
function initials(s: string): string {
  let out = '';
  let gap = true;
  for (const c of latin1Bytes(s)) {
    if (isSpace(c)) gap = true;
    else if (gap) {
      out += c;
      gap = false;
    }
  }
  return out;
}

/** goutils.DeleteWhiteSpace (byte by byte, too). */
function noSpace(s: string): string {
  const bytes = latin1Bytes(s);
  const kept = bytes.filter((c) => !isSpace(c));
  return kept.length === bytes.length ? s : kept.join('');
}

/** goutils.WrapCustom over bytes. */
export function wrap(s: string, widthIn: number, newLineIn: string, wrapLong: boolean): string {
  if (s === '') return '';
  const newLine = newLineIn === '' ? '\n' : newLineIn;
  const width = Math.max(widthIn, 1);
  const b = Buffer.from(s, 'utf8');
  const slice = (from: number, to: number): string => b.subarray(from, to).toString('utf8');
  let offset = 0;
  let out = '';
  while (b.length - offset > width) {
    if (b[offset] === 0x20) {
      offset++;
      continue;
    }
    const end = Math.min(width + offset + 1, b.length);
    const space = b.subarray(offset, end).lastIndexOf(0x20);
    if (space >= 0) {
      out += slice(offset, offset + space) + newLine;
      offset += space + 1;
    } else if (wrapLong) {
      out += slice(offset, offset + width) + newLine;
      offset += width;
    } else {
      const next = b.indexOf(0x20, width + offset);
      if (next < 0) {
        out += slice(offset, b.length);
        offset = b.length;
      } else {
        out += slice(offset, next) + newLine;
        offset = next + 1;
      }
    }
  }
  return out + slice(offset, b.length);
}

/** sprig's strslice: a list as strings (nil elements dropped), anything else as one string. */
export function strslice(v: GoValue): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(strval);
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

function sortAlpha(list: GoValue): string[] {
  if (!Array.isArray(list)) return typed([strval(list)], S);
  return typed(strslice(list).sort(compareGoStrings), S);
}

function splitMap(parts: string[]): GoValue {
  const out: Record<string, GoValue> = {};
  parts.forEach((p, i) => (out[`_${i}`] = p));
  return typed(out, S);
}

function randomString(count: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < count; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ASCII_PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

function shuffle(s: string): string {
  const runes = [...s];
  for (let i = runes.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [runes[i], runes[j]] = [runes[j]!, runes[i]!];
  }
  return runes.join('');
}

function quoteAll(args: GoValue[]): string {
  return args
    .filter((a) => a !== null && a !== undefined)
    .map((a) => goQuote(strval(a)))
    .join(' ');
}

function squoteAll(args: GoValue[]): string {
  return args
    .filter((a) => a !== null && a !== undefined)
    .map((a) => sprintf("'%v'", [a]))
    .join(' ');
}

function cat(args: GoValue[]): string {
  return args
    .filter((a) => a !== null && a !== undefined)
    .map((a) => sprintf('%v', [a]))
    .join(' ');
}

function indent(spaces: number, s: string): string {
  const pad = repeat(' ', spaces);
  return pad + s.replaceAll('\n', '\n' + pad);
}

function trunc(c: number, s: string): string {
  const len = byteLen(s);
  if (c < 0 && len + c > 0) return byteSlice(s, len + c, undefined);
  if (c >= 0 && len > c) return byteSlice(s, 0, c);
  return s;
}

function substring(start: number, end: number, s: string): string {
  if (start < 0) return byteSlice(s, undefined, end);
  if (end < 0 || end > byteLen(s)) return byteSlice(s, start, undefined);
  return byteSlice(s, start, end);
}

export const STRING_FUNCS: Record<string, GoFunc> = {
  hello: fn([], () => 'Hello!'),
  abbrev: fn([INT, S], ([w, s]) => (num(w) < 4 ? str(s) : abbreviate(str(s), 0, num(w)))),
  abbrevboth: fn([INT, INT, S], ([l, r, s]) => {
    const left = num(l);
    const right = num(r);
    if (right < 4 || (left > 0 && right < 7)) return str(s);
    return abbreviate(str(s), left, right);
  }),
  trunc: fn([INT, S], ([c, s]) => trunc(num(c), str(s))),
  trim: fn([S], ([s]) => trimSpace(str(s))),
  upper: fn([S], ([s]) => toUpper(str(s))),
  lower: fn([S], ([s]) => toLower(str(s))),
  title: fn([S], ([s]) => title(str(s))),
  untitle: fn([S], ([s]) => untitle(str(s))),
  substr: fn([INT, INT, S], ([a, b, s]) => substring(num(a), num(b), str(s))),
  repeat: fn([INT, S], ([c, s]) => repeat(str(s), num(c))),
  trimall: fn([S, S], ([a, b]) => trimCutset(str(b), str(a))),
  trimAll: fn([S, S], ([a, b]) => trimCutset(str(b), str(a))),
  trimSuffix: fn([S, S], ([a, b]) =>
    str(b).endsWith(str(a)) ? str(b).slice(0, str(b).length - str(a).length) : str(b),
  ),
  trimPrefix: fn([S, S], ([a, b]) => (str(b).startsWith(str(a)) ? str(b).slice(str(a).length) : str(b))),
  nospace: fn([S], ([s]) => noSpace(str(s))),
  initials: fn([S], ([s]) => initials(str(s))),
  randAlphaNum: fn([INT], ([n]) => randomString(num(n), LETTERS + DIGITS)),
  randAlpha: fn([INT], ([n]) => randomString(num(n), LETTERS)),
  randAscii: fn([INT], ([n]) => randomString(num(n), ASCII_PRINTABLE)),
  randNumeric: fn([INT], ([n]) => randomString(num(n), DIGITS)),
  swapcase: fn([S], ([s]) => swapCase(str(s))),
  shuffle: fn([S], ([s]) => shuffle(str(s))),
  snakecase: fn([S], ([s]) => caseStyle(str(s), '_')),
  camelcase: fn([S], ([s]) => pascalCase(str(s))),
  kebabcase: fn([S], ([s]) => caseStyle(str(s), '-')),
  wrap: fn([INT, S], ([l, s]) => wrap(str(s), num(l), '', false)),
  wrapWith: fn([INT, S, S], ([l, sep, s]) => wrap(str(s), num(l), str(sep), true)),
  contains: fn([S, S], ([sub, s]) => str(s).includes(str(sub))),
  hasPrefix: fn([S, S], ([p, s]) => str(s).startsWith(str(p))),
  hasSuffix: fn([S, S], ([p, s]) => str(s).endsWith(str(p))),
  quote: variadic([], ANY, quoteAll),
  squote: variadic([], ANY, squoteAll),
  cat: variadic([], ANY, cat),
  indent: fn([INT, S], ([n, s]) => indent(num(n), str(s))),
  nindent: fn([INT, S], ([n, s]) => '\n' + indent(num(n), str(s))),
  replace: fn([S, S, S], ([o, n, s]) => str(s).replaceAll(str(o), str(n))),
  plural: fn([S, S, INT], ([one, many, c]) => (num(c) === 1 ? str(one) : str(many))),
  toString: fn([ANY], ([v]) => strval(v)),
  split: fn([S, S], ([sep, s]) => splitMap(splitN(str(s), str(sep), -1))),
  splitList: fn([S, S], ([sep, s]) => typed(splitN(str(s), str(sep), -1), S)),
  splitn: fn([S, INT, S], ([sep, n, s]) => splitMap(splitN(str(s), str(sep), num(n)))),
  toStrings: fn([ANY], ([v]) => typed(strslice(v), S)),
  join: fn([S, ANY], ([sep, v]) => strslice(v).join(str(sep))),
  sortAlpha: fn([ANY], ([l]) => sortAlpha(l)),
};
