/**
 * Strict file globs, as Argo CD's opt-in "new git file globbing" (doublestar) applies them:
 * `*` any run of characters but `/`, `**` as a whole segment zero or more directories, `?` one
 * character but `/`, `[a-z]` / `[!a-z]` / `[^a-z]` a class (never `/`), `{a,b}` alternatives, `\x`
 * a literal x. The pattern is cleaned first (`./`, `//`, `..`); leaving the repository is an error.
 */
import { BadPatternError, type PathMatcher } from './go-path.ts';
import { classSource, escapeChar, rangeSource } from './regex.ts';
import { splitRepoPath } from '../safe-path.ts';

/** Brace expansion stops here: a pattern is not a way to burn CPU. */
const MAX_ALTERNATIVES = 1024;

export function compileDoublestar(pattern: string): PathMatcher {
  const sources = expandBraces(pattern).map((alternative) => {
    const segments = splitRepoPath(alternative);
    if (segments === undefined) throw new BadPatternError(`"${pattern}" is outside the repository`);
    return segmentsSource(segments, pattern);
  });
  const regex = new RegExp(`^(?:${sources.join('|')})$`, 'u');
  return (path) => regex.test(path);
}

function segmentsSource(segments: readonly string[], pattern: string): string {
  let out = '';
  let needSlash = false;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      if (last) out += i === 0 ? '.*' : '(?:/.*)?';
      else out += i === 0 ? '(?:[^/]+/)*' : '/(?:[^/]+/)*';
      needSlash = false;
      return;
    }
    out += (needSlash ? '/' : '') + segmentSource(segment, pattern);
    needSlash = true;
  });
  return out;
}

function segmentSource(segment: string, pattern: string): string {
  const chars = [...segment];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char === '*') {
      while (chars[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (char === '?') out += '[^/]';
    else if (char === '[') {
      const end = chars.indexOf(']', i + 2);
      if (end < 0) throw new BadPatternError(`bad pattern "${pattern}": unterminated character class`);
      out += classOf(chars.slice(i + 1, end));
      i = end;
    } else if (char === '\\') {
      const next = chars[++i];
      if (next === undefined) throw new BadPatternError(`bad pattern "${pattern}": it ends with an escape`);
      out += escapeChar(next);
    } else out += escapeChar(char);
  }
  return out;
}

function classOf(body: readonly string[]): string {
  const negated = body[0] === '!' || body[0] === '^';
  const chars = negated ? body.slice(1) : [...body];
  const items: string[] = negated ? [escapeChar('/')] : [];
  for (let i = 0; i < chars.length; i++) {
    let lo = chars[i]!;
    if (lo === '\\' && chars[i + 1] !== undefined) lo = chars[++i]!;
    if (chars[i + 1] === '-' && chars[i + 2] !== undefined) {
      items.push(rangeSource(lo, chars[i + 2]!));
      i += 2;
    } else items.push(escapeChar(lo));
  }
  return classSource(items, negated);
}

/** `a{b,c{d,e}}` → `ab`, `acd`, `ace`. A `\`-escaped brace or comma is literal. */
export function expandBraces(pattern: string): string[] {
  const open = findUnescaped(pattern, '{', 0);
  if (open < 0) return [pattern];
  const close = matchingBrace(pattern, open);
  if (close < 0) throw new BadPatternError(`bad pattern "${pattern}": unclosed "{"`);
  const head = pattern.slice(0, open);
  const tails = expandBraces(pattern.slice(close + 1));
  const out: string[] = [];
  for (const option of splitTopLevel(pattern.slice(open + 1, close))) {
    for (const expanded of expandBraces(option)) {
      for (const tail of tails) out.push(head + expanded + tail);
      if (out.length > MAX_ALTERNATIVES) {
        throw new BadPatternError(`bad pattern "${pattern}": more than ${MAX_ALTERNATIVES} alternatives`);
      }
    }
  }
  return out;
}

function findUnescaped(text: string, char: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === char) return i;
  }
  return -1;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === '{') depth++;
    else if (body[i] === '}') depth--;
    else if (body[i] === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}
