/**
 * Go's unicode package over code points: classes (IsSpace, IsUpper, ...) and the simple
 * one-rune case mappings (a rune never expands, unlike JS's full case mapping: 'ß' stays 'ß').
 */

const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;
const TITLE = /^\p{Lt}$/u;
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const NUMBER = /^\p{N}$/u;
const PUNCT = /^\p{P}$/u;
const SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

export function isSpace(c: string): boolean {
  return SPACE.test(c);
}
export function isUpper(c: string): boolean {
  return UPPER.test(c);
}
export function isLower(c: string): boolean {
  return LOWER.test(c);
}
export function isTitle(c: string): boolean {
  return TITLE.test(c);
}
export function isLetter(c: string): boolean {
  return LETTER.test(c);
}
export function isDigit(c: string): boolean {
  return DIGIT.test(c);
}
export function isNumber(c: string): boolean {
  return NUMBER.test(c);
}
export function isPunct(c: string): boolean {
  return PUNCT.test(c);
}

function single(mapped: string, original: string): string {
  const cp = mapped.codePointAt(0);
  return cp !== undefined && String.fromCodePoint(cp) === mapped ? mapped : original;
}

/** unicode.ToUpper of one rune. */
export function toUpperRune(c: string): string {
  return single(c.toUpperCase(), c);
}

/** unicode.ToLower of one rune (İ maps to i, as Go's simple mapping does). */
export function toLowerRune(c: string): string {
  const lower = c.toLowerCase();
  if (lower === 'i̇') return 'i';
  return single(lower, c);
}

const TITLE_CASE: Readonly<Record<string, string>> = {
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
};

/** unicode.ToTitle of one rune. */
export function toTitleRune(c: string): string {
  return TITLE_CASE[c] ?? toUpperRune(c);
}

/** strings.ToUpper. */
export function toUpper(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s.toUpperCase();
  let out = '';
  for (const c of s) out += toUpperRune(c);
  return out;
}

/** strings.ToLower. */
export function toLower(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  let out = '';
  for (const c of s) out += toLowerRune(c);
  return out;
}

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (start < end && isSpace(chars[start]!)) start++;
  while (end > start && isSpace(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

/** The bytes of a string viewed as Latin-1 runes (Go code that indexes `str[i]` as a rune). */
export function latin1Bytes(s: string): string[] {
  return [...Buffer.from(s, 'utf8')].map((b) => String.fromCharCode(b));
}
