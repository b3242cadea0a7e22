/**
 * The globs of `directory.include` / `directory.exclude`, as Argo CD matches them (gobwas/glob with
 * no separators, against the path relative to the application's directory): `*` and `**` any run
 * of characters including `/`, `?` any one character, `[abc]` / `[a-z]` a class, `[!a-z]` its
 * negation, `{a,b}` alternatives (nestable), `\x` a literal x.
 */
import { classSource, escapeChar, rangeSource } from '../git/glob/regex.ts';
import { SpokesError } from '../errors.ts';

export type Matcher = (path: string) => boolean;

interface Cursor {
  readonly text: string;
  pos: number;
  /** Regex sources for `*` and `?`: any characters, or (with a separator) any but the separator. */
  readonly star: string;
  readonly any: string;
}

function fail(pattern: string, why: string): never {
  throw new SpokesError('InvalidSpec', `invalid glob "${pattern}": ${why}`);
}

function readClass(cur: Cursor): string {
  const start = cur.pos;
  cur.pos++; // [
  const negated = cur.text[cur.pos] === '!';
  if (negated) cur.pos++;
  const items: string[] = [];
  while (cur.pos < cur.text.length && cur.text[cur.pos] !== ']') {
    const lo = [...cur.text.slice(cur.pos)][0]!;
    cur.pos += lo.length;
    if (cur.text[cur.pos] === '-' && cur.text[cur.pos + 1] !== ']' && cur.pos + 1 < cur.text.length) {
      const hi = [...cur.text.slice(cur.pos + 1)][0]!;
      cur.pos += 1 + hi.length;
      items.push(rangeSource(lo, hi));
    } else {
      items.push(escapeChar(lo));
    }
  }
  if (cur.text[cur.pos] !== ']') fail(cur.text, `unclosed class at ${start}`);
  cur.pos++;
  return classSource(items, negated);
}

/** Regex source up to the end, or (inside braces) up to the `,` or `}` that ends this alternative. */
function readSequence(cur: Cursor, depth: number): string {
  let out = '';
  while (cur.pos < cur.text.length) {
    const ch = [...cur.text.slice(cur.pos)][0]!;
    if (depth > 0 && (ch === ',' || ch === '}')) return out;
    if (ch === '*') {
      const double = cur.text[cur.pos + 1] === '*';
      out += double ? '[\\s\\S]*' : cur.star;
      while (cur.text[cur.pos] === '*') cur.pos++;
      continue;
    }
    if (ch === '[') {
      out += readClass(cur);
      continue;
    }
    if (ch === '{') {
      out += readAlternatives(cur, depth + 1);
      continue;
    }
    cur.pos += ch.length;
    if (ch === '?') out += cur.any;
    else if (ch === '\\') out += readEscaped(cur);
    else out += escapeChar(ch);
  }
  if (depth > 0) fail(cur.text, 'unclosed {');
  return out;
}

function readEscaped(cur: Cursor): string {
  const next = [...cur.text.slice(cur.pos)][0];
  if (next === undefined) fail(cur.text, 'trailing \\');
  cur.pos += next.length;
  return escapeChar(next);
}

function readAlternatives(cur: Cursor, depth: number): string {
  cur.pos++; // {
  const alternatives: string[] = [];
  for (;;) {
    alternatives.push(readSequence(cur, depth));
    const ch = cur.text[cur.pos];
    cur.pos++;
    if (ch === '}') return `(?:${alternatives.join('|')})`;
  }
}

/**
 * Compiles a glob. With a `separator` (Argo CD uses '/' for project source repositories) `*` and
 * `?` stop at it and only `**` crosses it.
 */
export function compileGlob(pattern: string, separator?: string): Matcher {
  const not = separator === undefined ? undefined : `[^${escapeChar(separator)}]`;
  const cursor: Cursor = {
    text: pattern,
    pos: 0,
    star: not === undefined ? '[\\s\\S]*' : `${not}*`,
    any: not ?? '[\\s\\S]',
  };
  const regex = new RegExp(`^${readSequence(cursor, 0)}$`, 'u');
  return (path) => regex.test(path);
}
