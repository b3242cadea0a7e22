/** Small helpers shared by the glob compilers, which all compile a pattern to one RegExp. */

/** The character as a RegExp source that matches exactly it (in a class or outside one). */
export function escapeChar(char: string): string {
  const code = char.codePointAt(0)!;
  return code < 0x10000 ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
}

/** A class item `lo-hi` as RegExp source; an empty string when the range is reversed (matches nothing). */
export function rangeSource(lo: string, hi: string): string {
  if (lo.codePointAt(0)! > hi.codePointAt(0)!) return '';
  return lo === hi ? escapeChar(lo) : `${escapeChar(lo)}-${escapeChar(hi)}`;
}

/** A class of the given item sources, negated or not; an empty class matches nothing. */
export function classSource(items: readonly string[], negated: boolean): string {
  const body = items.join('');
  if (body === '') return negated ? '[\\s\\S]' : '(?!)';
  return `[${negated ? '^' : ''}${body}]`;
}
