/**
 * Go's `path.Match` patterns, which the git directories generator uses: `*` is any run of
 * characters but `/`, `?` one character but `/`, `[a-z]` / `[^a-z]` a class (which, as in Go, may
 * match `/`), `\x` a literal x. A malformed pattern is an error (Go's ErrBadPattern).
 */
import { classSource, escapeChar, rangeSource } from './regex.ts';

export type PathMatcher = (path: string) => boolean;

export class BadPatternError extends Error {
  override readonly name = 'BadPatternError';
}

export function compileGoPathPattern(pattern: string): PathMatcher {
  const chars = [...pattern];
  let source = '';
  let i = 0;
  while (i < chars.length) {
    const char = chars[i]!;
    if (char === '*') {
      source += '[^/]*';
      i++;
    } else if (char === '?') {
      source += '[^/]';
      i++;
    } else if (char === '[') {
      const parsed = parseClass(chars, i + 1, pattern);
      source += parsed.source;
      i = parsed.next;
    } else if (char === '\\') {
      const next = chars[i + 1];
      if (next === undefined) throw bad(pattern, 'ends with an escape');
      source += escapeChar(next);
      i += 2;
    } else {
      source += escapeChar(char);
      i++;
    }
  }
  const regex = new RegExp(`^${source}$`, 'u');
  return (path) => regex.test(path);
}

function parseClass(
  chars: readonly string[],
  start: number,
  pattern: string,
): { source: string; next: number } {
  let i = start;
  const negated = chars[i] === '^';
  if (negated) i++;
  const items: string[] = [];
  let ranges = 0;
  for (;;) {
    if (chars[i] === ']' && ranges > 0) return { source: classSource(items, negated), next: i + 1 };
    const lo = classChar(chars, i, pattern);
    let hi = lo;
    if (chars[lo.next] === '-') hi = classChar(chars, lo.next + 1, pattern);
    items.push(rangeSource(lo.char, hi.char));
    ranges++;
    i = hi.next;
  }
}

/** One (possibly escaped) character of a class; `-`, `]` and the end are errors here, as in Go. */
function classChar(chars: readonly string[], i: number, pattern: string): { char: string; next: number } {
  let char = chars[i];
  let next = i + 1;
  if (char === undefined || char === '-' || char === ']')
    throw bad(pattern, 'has a malformed character class');
  if (char === '\\') {
    char = chars[i + 1];
    next = i + 2;
    if (char === undefined) throw bad(pattern, 'ends with an escape');
  }
  if (next >= chars.length) throw bad(pattern, 'has an unterminated character class');
  return { char, next };
}

function bad(pattern: string, why: string): BadPatternError {
  return new BadPatternError(`bad pattern "${pattern}": it ${why}`);
}
