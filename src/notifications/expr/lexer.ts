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
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      i = scanNumber(source, i);
      tokens.push({ kind: 'number', value: source.slice(start, i), pos: start });
    } else if (c === '"' || c === "'") {
      const [value, end] = scanQuoted(source, i);
      tokens.push({ kind: 'string', value, pos: start });
      i = end;
    } else if (c === '`') {
      const end = source.indexOf('`', i + 1);
      if (end === -1) throw new ExprSyntaxError('literal not terminated', source, start);
      tokens.push({ kind: 'string', value: source.slice(i + 1, end), pos: start });
      i = end + 1;
    } else if (/[A-Za-z_$]/.test(c)) {
      while (i < source.length && /[A-Za-z0-9_$]/.test(source[i]!)) i++;
      const word = source.slice(start, i);
      tokens.push({ kind: WORD_OPERATORS.has(word) ? 'operator' : 'identifier', value: word, pos: start });
    } else if ('()[]{}'.includes(c)) {
      tokens.push({ kind: 'bracket', value: c, pos: start });
      i++;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (op === undefined)
        throw new ExprSyntaxError(`unrecognized character: ${JSON.stringify(c)}`, source, i);
      tokens.push({ kind: 'operator', value: op, pos: start });
      i += op.length;
    }
  }
  tokens.push({ kind: 'eof', value: '', pos: source.length });
  return tokens;
}

function scanNumber(source: string, start: number): number {
  let i = start;
  const prefixed = /^0[xXoObB]/.test(source.slice(i, i + 2));
  if (prefixed) {
    i += 2;
    while (i < source.length && /[0-9a-fA-F_]/.test(source[i]!)) i++;
    return i;
  }
  while (i < source.length && /[0-9_]/.test(source[i]!)) i++;
  // A fraction, unless this is the range operator `1..5`.
  if (source[i] === '.' && source[i + 1] !== '.') {
    i++;
    while (i < source.length && /[0-9_]/.test(source[i]!)) i++;
  }
  if (/[eE]/.test(source[i] ?? '')) {
    let j = i + 1;
    if (/[+-]/.test(source[j] ?? '')) j++;
    if (/[0-9]/.test(source[j] ?? '')) {
      i = j;
      while (i < source.length && /[0-9_]/.test(source[i]!)) i++;
    }
  }
  return i;
}

/** A quoted string with Go escapes; returns its value and the index after the closing quote. */
function scanQuoted(source: string, start: number): [string, number] {
  const quote = source[start]!;
  let out = '';
  let i = start + 1;
  while (i < source.length && source[i] !== quote) {
    const c = source[i]!;
    if (c === '\n') break;
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const next = source[i + 1] ?? '';
    if (next in ESCAPES) {
      out += ESCAPES[next];
      i += 2;
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const width = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const hex = source.slice(i + 2, i + 2 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex))
        throw new ExprSyntaxError('invalid char escape', source, i);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 2 + width;
    } else if (/[0-7]/.test(next)) {
      const oct = source.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) throw new ExprSyntaxError('invalid char escape', source, i);
      out += String.fromCharCode(parseInt(oct, 8));
      i += 4;
    } else {
      throw new ExprSyntaxError('invalid char escape', source, i);
    }
  }
  if (source[i] !== quote) throw new ExprSyntaxError('literal not terminated', source, start);
  return [out, i + 1];
}
