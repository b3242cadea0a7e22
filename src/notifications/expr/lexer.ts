/**
 * The tokens of Argo CD's trigger language (expr-lang/expr): numbers (decimal, hex, octal,
 * binary, `_` separators, floats), strings in single or double quotes with Go escapes and raw
 * strings in backquotes, identifiers, and the operators and brackets the parser knows.
 */
import { ExprSyntaxError } from './errors.ts';

export type TokenKind = 'number' | 'string' | 'identifier' | 'operator' | 'bracket' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  /** Offset in the source (UTF-16 index), for error locations. */
  readonly pos: number;
}

/** Operators, longest first so that `?.` wins over `?` and `**` over `*`. */
const OPERATORS = [
  '?.',
  '??',
  '...',
  '..',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '**',
  '?',
  ':',
  '.',
  ',',
  '!',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '|',
  '#',
  ';',
];

/** Words that act as operators: `a in b`, `not x`, `s matches re`. */
export const WORD_OPERATORS = new Set([
  'and',
  'or',
  'not',
  'in',
  'matches',
  'contains',
  'startsWith',
  'endsWith',
]);

const ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    if (/\s/.test(source[i]!)) {
      i++;
      continue;
    }
    const [token, next] = scanToken(source, i);
    tokens.push(token);
    i = next;
  }
  tokens.push({ kind: 'eof', value: '', pos: source.length });
  return tokens;
}

/** The token at `start` and the index after it. */
function scanToken(source: string, start: number): [Token, number] {
  const c = source[start]!;
  if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[start + 1] ?? ''))) {
    const end = scanNumber(source, start);
    return [{ kind: 'number', value: source.slice(start, end), pos: start }, end];
  }
  if (c === '"' || c === "'") {
    const [value, end] = scanQuoted(source, start);
    return [{ kind: 'string', value, pos: start }, end];
  }
  if (c === '`') {
    const end = source.indexOf('`', start + 1);
    if (end === -1) throw new ExprSyntaxError('literal not terminated', source, start);
    return [{ kind: 'string', value: source.slice(start + 1, end), pos: start }, end + 1];
  }
  if (/[A-Za-z_$]/.test(c)) {
    let end = start;
    while (end < source.length && /[A-Za-z0-9_$]/.test(source[end]!)) end++;
    const word = source.slice(start, end);
    return [{ kind: WORD_OPERATORS.has(word) ? 'operator' : 'identifier', value: word, pos: start }, end];
  }
  if ('()[]{}'.includes(c)) return [{ kind: 'bracket', value: c, pos: start }, start + 1];
  const op = OPERATORS.find((o) => source.startsWith(o, start));
  if (op === undefined)
    throw new ExprSyntaxError(`unrecognized character: ${JSON.stringify(c)}`, source, start);
  return [{ kind: 'operator', value: op, pos: start }, start + op.length];
}

function skip(source: string, from: number, chars: RegExp): number {
  let i = from;
  while (i < source.length && chars.test(source[i]!)) i++;
  return i;
}

function scanNumber(source: string, start: number): number {
  if (/^0[xXoObB]/.test(source.slice(start, start + 2))) return skip(source, start + 2, /[0-9a-fA-F_]/);
  let i = skip(source, start, /[0-9_]/);
  // A fraction, unless this is the range operator `1..5`.
  if (source[i] === '.' && source[i + 1] !== '.') i = skip(source, i + 1, /[0-9_]/);
  if (/[eE]/.test(source[i] ?? '')) {
    const sign = /[+-]/.test(source[i + 1] ?? '') ? 1 : 0;
    if (/[0-9]/.test(source[i + 1 + sign] ?? '')) i = skip(source, i + 1 + sign, /[0-9_]/);
  }
  return i;
}

/** A quoted string with Go escapes; returns its value and the index after the closing quote. */
function scanQuoted(source: string, start: number): [string, number] {
  const quote = source[start]!;
  let out = '';
  let i = start + 1;
  while (i < source.length && source[i] !== quote && source[i] !== '\n') {
    if (source[i] !== '\\') {
      out += source[i];
      i++;
      continue;
    }
    const [text, next] = scanEscape(source, i);
    out += text;
    i = next;
  }
  if (source[i] !== quote) throw new ExprSyntaxError('literal not terminated', source, start);
  return [out, i + 1];
}

/** The escape sequence at `i` (a backslash): its text and the index after it. */
function scanEscape(source: string, i: number): [string, number] {
  const next = source[i + 1] ?? '';
  if (next in ESCAPES) return [ESCAPES[next]!, i + 2];
  const width = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
  if (width > 0) {
    const hex = source.slice(i + 2, i + 2 + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex))
      throw new ExprSyntaxError('invalid char escape', source, i);
    return [String.fromCodePoint(parseInt(hex, 16)), i + 2 + width];
  }
  const oct = source.slice(i + 1, i + 4);
  if (!/^[0-7]{3}$/.test(oct)) throw new ExprSyntaxError('invalid char escape', source, i);
  return [String.fromCharCode(parseInt(oct, 8)), i + 4];
}
