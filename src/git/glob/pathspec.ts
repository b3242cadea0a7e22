/**
 * Git pathspecs as `git ls-files -- PATTERN` applies them, which is what Argo CD's git files
 * generator runs by default:
 * - a path equal to the pattern, or under it as a directory (`apps` matches `apps/x/y.json`), matches;
 * - otherwise, if the pattern has a wildcard, it is matched with git's wildmatch without
 *   WM_PATHNAME: `*` (and `**`) match any characters including `/`, `?` any one byte, `[...]`
 *   a class (`!` or `^` negates; POSIX `[:alpha:]` classes), `\x` a literal x.
 * Matching is on UTF-8 bytes, as in git. Pathspec magic (`:(glob)...`) is not supported.
 */
import { BadPatternError, type PathMatcher } from './go-path.ts';
import { classSource } from './regex.ts';
import { splitRepoPath } from '../safe-path.ts';

const GLOB_SPECIAL = /[*?[\\]/;

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '\\x21-\\x7e',
  lower: 'a-z',
  print: '\\x20-\\x7e',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\v\\f\\r',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
};

export function compilePathspec(pattern: string): PathMatcher {
  if (pattern.startsWith(':')) {
    throw new BadPatternError(`pathspec magic is not supported: "${pattern}"`);
  }
  const normalized = normalizePathspec(pattern);
  if (normalized === '') return () => true;
  const wildcard = GLOB_SPECIAL.test(normalized) ? wildcardMatcher(normalized) : undefined;
  return (path) => {
    if (path === normalized) return true;
    if (path.startsWith(normalized) && (normalized.endsWith('/') || path[normalized.length] === '/')) {
      return true;
    }
    return wildcard !== undefined && wildcard(path);
  };
}

/**
 * Only `?` and classes see the difference between bytes and characters; other patterns match the
 * string as it is, which saves converting every path.
 */
function wildcardMatcher(pattern: string): PathMatcher {
  if (!/[?[]/.test(pattern)) {
    const regex = wildmatchRegex(pattern);
    return (path) => regex.test(path);
  }
  const regex = wildmatchRegex(toBytes(pattern));
  return (path) => regex.test(toBytes(path));
}

/** `./a//b/../c/` → `a/c/`, as git normalizes a pathspec; outside the repository is an error. */
function normalizePathspec(pattern: string): string {
  const segments = splitRepoPath(pattern);
  if (segments === undefined) {
    throw new BadPatternError(`"${pattern}" is outside the repository`);
  }
  const joined = segments.join('/');
  return joined !== '' && pattern.endsWith('/') ? `${joined}/` : joined;
}

/** A string with one char per UTF-8 byte, so the RegExp works on bytes like wildmatch. */
function toBytes(text: string): string {
  return ASCII.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

const ASCII = /^[\x00-\x7f]*$/;

function wildmatchRegex(pattern: string): RegExp {
  let source = '';
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === '*') {
      while (pattern[i] === '*') i++;
      source += '[\\s\\S]*';
    } else if (char === '?') {
      source += '[\\s\\S]';
      i++;
    } else if (char === '[') {
      const parsed = parseClass(pattern, i + 1);
      if (parsed === undefined) return /(?!)/; // wildmatch aborts: nothing matches
      source += parsed.source;
      i = parsed.next;
    } else if (char === '\\') {
      if (i + 1 >= pattern.length) return /(?!)/; // a trailing escape matches nothing
      source += byteSource(pattern[i + 1]!);
      i += 2;
    } else {
      source += byteSource(char);
      i++;
    }
  }
  return new RegExp(`^${source}$`);
}

/** A bracket expression from just after `[`; undefined when malformed (wildmatch then fails). */
function parseClass(pattern: string, start: number): { source: string; next: number } | undefined {
  let i = start;
  const negated = pattern[i] === '!' || pattern[i] === '^';
  if (negated) i++;
  const items: string[] = [];
  let first = true;
  while (first || pattern[i] !== ']') {
    first = false;
    const item = classItem(pattern, i);
    if (item === undefined) return undefined;
    items.push(item.source);
    i = item.next;
  }
  return { source: classSource(items, negated), next: i + 1 };
}

function classItem(pattern: string, i: number): { source: string; next: number } | undefined {
  if (pattern[i] === '[' && pattern[i + 1] === ':') return posixClass(pattern, i);
  const lo = escapedChar(pattern, i);
  if (lo === undefined) return undefined;
  if (pattern[lo.next] !== '-' || pattern[lo.next + 1] === undefined || pattern[lo.next + 1] === ']') {
    return { source: byteSource(lo.char), next: lo.next };
  }
  const hi = escapedChar(pattern, lo.next + 1);
  if (hi === undefined) return undefined;
  const range = lo.char <= hi.char ? `${byteSource(lo.char)}-${byteSource(hi.char)}` : '';
  return { source: range, next: hi.next };
}

/** `[:alpha:]` and friends; a `[` not starting a well-formed class name is a literal `[`. */
function posixClass(pattern: string, i: number): { source: string; next: number } | undefined {
  const end = pattern.indexOf(':]', i + 2);
  const name = end < 0 ? undefined : pattern.slice(i + 2, end);
  if (name === undefined || name.includes(']')) return { source: byteSource('['), next: i + 1 };
  const posix = POSIX_CLASSES[name];
  return posix === undefined ? undefined : { source: posix, next: end + 2 };
}

function escapedChar(pattern: string, i: number): { char: string; next: number } | undefined {
  const char = pattern[i];
  if (char !== '\\') return char === undefined ? undefined : { char, next: i + 1 };
  const escaped = pattern[i + 1];
  return escaped === undefined ? undefined : { char: escaped, next: i + 2 };
}

/** One code unit (a byte, for byte strings) as a RegExp source. */
function byteSource(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
