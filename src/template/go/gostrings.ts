/**
 * Go's byte-oriented string operations (Go strings are UTF-8 bytes; JS strings are UTF-16), and
 * the runtime's panic texts for out-of-range slicing.
 */
import { FuncError } from './funcs.ts';

const ASCII = /^[\x00-\x7f]*$/;

/** s[start:end] on the UTF-8 bytes, with Go's panics for bad bounds. */
export function byteSlice(s: string, start: number | undefined, end: number | undefined): string {
  const ascii = ASCII.test(s);
  const len = ascii ? s.length : Buffer.byteLength(s, 'utf8');
  checkBounds(len, start, end);
  if (ascii) return s.slice(start ?? 0, end ?? len);
  return Buffer.from(s, 'utf8')
    .subarray(start ?? 0, end ?? len)
    .toString('utf8');
}

function checkBounds(len: number, start: number | undefined, end: number | undefined): void {
  const hi = end ?? len;
  if (end !== undefined && (end < 0 || end > len)) {
    throw new FuncError(`runtime error: slice bounds out of range [:${end}] with length ${len}`);
  }
  if (start !== undefined && start < 0)
    throw new FuncError(`runtime error: slice bounds out of range [${start}:]`);
  if (start !== undefined && start > hi)
    throw new FuncError(`runtime error: slice bounds out of range [${start}:${hi}]`);
}

export function byteLen(s: string): number {
  return ASCII.test(s) ? s.length : Buffer.byteLength(s, 'utf8');
}

/** strings.Split / SplitN (n < 0: all; n == 0: none; otherwise at most n pieces). */
export function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const runes = [...s];
    if (n < 0 || n >= runes.length) return runes;
    return [...runes.slice(0, n - 1), runes.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || n >= parts.length) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** strings.Trim with a cutset of runes. */
export function trimCutset(s: string, cutset: string): string {
  const cut = new Set(cutset);
  const runes = [...s];
  let start = 0;
  let end = runes.length;
  while (start < end && cut.has(runes[start]!)) start++;
  while (end > start && cut.has(runes[end - 1]!)) end--;
  return runes.slice(start, end).join('');
}

/** strings.Repeat, which panics on a negative count. */
export function repeat(s: string, count: number): string {
  if (count < 0) throw new FuncError('strings: negative Repeat count');
  if (s.length * count > 1 << 28) throw new FuncError('strings: Repeat output length overflow');
  return s.repeat(count);
}
