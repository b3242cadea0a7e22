/**
 * sprig's encodings and digests: b64enc/b64dec, b32enc/b32dec (a decoding error is returned as
 * the text, as sprig does, with Go's byte offsets), sha1sum, sha256sum, sha512sum, adler32sum.
 */
import { createHash } from 'node:crypto';
import { fn, type GoFunc } from '../funcs.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

class CorruptInput extends Error {
  constructor(offset: number, kind: string) {
    super(`illegal ${kind} data at input byte ${offset}`);
  }
}

function isNewline(b: number | undefined): boolean {
  return b === 0x0a || b === 0x0d;
}

function decodeMap(alphabet: string): Int16Array {
  const map = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) map[alphabet.charCodeAt(i)] = i;
  return map;
}

const B64_MAP = decodeMap(B64);
const B32_MAP = decodeMap(B32);
const PAD = 0x3d;

/** One base64 quantum from src[si]; returns the next index and the decoded bytes. */
function base64Quantum(src: Buffer, start: number, out: number[]): number {
  const buf = [0, 0, 0, 0];
  let si = start;
  let dlen = 4;
  for (let j = 0; j < 4; j++) {
    if (si === src.length) {
      if (j === 0) return si;
      throw new CorruptInput(si - j, 'base64');
    }
    const c = src[si++]!;
    const v = B64_MAP[c]!;
    if (v >= 0) {
      buf[j] = v;
      continue;
    }
    if (isNewline(c)) {
      j--;
      continue;
    }
    if (c !== PAD || j < 2) throw new CorruptInput(si - 1, 'base64');
    si = paddingEnd(src, si, j);
    dlen = j;
    break;
  }
  const val = (buf[0]! << 18) | (buf[1]! << 12) | (buf[2]! << 6) | buf[3]!;
  const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
  out.push(...bytes.slice(0, dlen - 1));
  return si;
}

/** After a '=' at quantum position j: the second '=' when needed, then nothing but newlines. */
function paddingEnd(src: Buffer, start: number, j: number): number {
  let si = start;
  if (j === 2) {
    while (si < src.length && isNewline(src[si])) si++;
    if (si === src.length) throw new CorruptInput(src.length, 'base64');
    if (src[si] !== PAD) throw new CorruptInput(si - 1, 'base64');
    si++;
  }
  while (si < src.length && isNewline(src[si])) si++;
  if (si < src.length) throw new CorruptInput(si, 'base64');
  return si;
}

function base64Decode(s: string): string {
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  try {
    for (let si = 0; si < src.length;) {
      const next = base64Quantum(src, si, out);
      if (next === si) break;
      si = next;
    }
  } catch (err) {
    if (err instanceof CorruptInput) return err.message;
    throw err;
  }
  return Buffer.from(out).toString('utf8');
}

function base32Encode(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.subarray(i, i + 5);
    let bits = 0n;
    for (let k = 0; k < 5; k++) bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let k = 0; k < 8; k++) out += k < chars ? B32[Number((bits >> BigInt(35 - 5 * k)) & 31n)] : '=';
  }
  return out;
}

/** Checks the padding that starts at src[p-1] with j characters of the quantum read. */
function checkBase32Padding(src: Buffer, p: number, j: number): void {
  const olen = src.length;
  const left = olen - p;
  if (left + j < 7) throw new CorruptInput(olen, 'base32');
  for (let k = 0; k < 7 - j; k++) {
    if (left > k && src[p + k] !== PAD) throw new CorruptInput(olen - left + k - 1, 'base32');
  }
  // RFC 4648: 1, 3 or 6 characters cannot carry a whole byte.
  if (j === 1 || j === 3 || j === 6) throw new CorruptInput(olen - left - 1, 'base32');
}

/** One base32 quantum (RFC 4648 padding rules, as Go checks them). */
function base32Quantum(src: Buffer, start: number, out: number[]): [next: number, end: boolean] {
  const buf = new Array<number>(8).fill(0);
  let p = start;
  let dlen = 8;
  for (let j = 0; j < 8;) {
    if (p === src.length) throw new CorruptInput(p - j, 'base32');
    const c = src[p++]!;
    if (c === PAD && j >= 2 && src.length - p < 8) {
      checkBase32Padding(src, p, j);
      dlen = j;
      break;
    }
    const v = B32_MAP[c]!;
    if (v < 0) throw new CorruptInput(p - 1, 'base32');
    buf[j++] = v;
  }
  let bits = 0n;
  for (const v of buf) bits = (bits << 5n) | BigInt(v);
  const bytes = [32n, 24n, 16n, 8n, 0n].map((shift) => Number((bits >> shift) & 0xffn));
  const count = { 8: 5, 7: 4, 5: 3, 4: 2, 2: 1 }[dlen] ?? 0;
  out.push(...bytes.slice(0, count));
  return dlen < 8 ? [src.length, true] : [p, false];
}

function base32Decode(s: string): string {
  const src = Buffer.from(s.replace(/[\r\n]/g, ''), 'utf8');
  const out: number[] = [];
  try {
    for (let p = 0, end = false; p < src.length && !end;) [p, end] = base32Quantum(src, p, out);
  } catch (err) {
    if (err instanceof CorruptInput) return err.message;
    throw err;
  }
  return Buffer.from(out).toString('utf8');
}

function adler32(s: string): string {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

const digest = (algorithm: string) => (s: string) => createHash(algorithm).update(s, 'utf8').digest('hex');

const stringFn = (f: (s: string) => string): GoFunc => fn(['string'], ([s]) => f(s as string));

export const ENCODING_FUNCS: Record<string, GoFunc> = {
  b64enc: stringFn((s) => Buffer.from(s, 'utf8').toString('base64')),
  b64dec: stringFn(base64Decode),
  b32enc: stringFn(base32Encode),
  b32dec: stringFn(base32Decode),
  sha1sum: stringFn(digest('sha1')),
  sha256sum: stringFn(digest('sha256')),
  sha512sum: stringFn(digest('sha512')),
  adler32sum: stringFn(adler32),
};
