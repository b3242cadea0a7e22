/**
 * Go's strconv, as far as fmt needs it: float formatting (FormatFloat with the e/E/f/g/G/b/x/X
 * formats, shortest or fixed precision, round-half-even on the exact binary value), quoting
 * (Quote, QuoteToASCII, QuoteRune, CanBackquote) and IsPrint.
 */

/** Decimal digits of |v|: value = 0.d1d2d3... × 10^dp; no leading or trailing zeros. */
interface Digits {
  d: string;
  dp: number;
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

function bitsOf(v: number): bigint {
  F64[0] = v;
  return U64[0]!;
}

/** Mantissa (with implicit bit) and binary exponent: |v| = mant × 2^exp. */
function decompose(v: number): { mant: bigint; exp: number } {
  const bits = bitsOf(v);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  if (biased === 0) return { mant: frac, exp: -1074 };
  return { mant: frac | (1n << 52n), exp: biased - 1075 };
}

function trimDigits(d: string, dp: number): Digits {
  let start = 0;
  while (start < d.length && d[start] === '0') start++;
  let end = d.length;
  while (end > start && d[end - 1] === '0') end--;
  if (start === end) return { d: '', dp: 0 };
  return { d: d.slice(start, end), dp: dp - start };
}

/** The exact decimal expansion of a finite |v|. */
function exactDigits(v: number): Digits {
  const { mant, exp } = decompose(Math.abs(v));
  if (mant === 0n) return { d: '', dp: 0 };
  if (exp >= 0) {
    const s = (mant << BigInt(exp)).toString();
    return trimDigits(s, s.length);
  }
  const s = (mant * 5n ** BigInt(-exp)).toString();
  return trimDigits(s, s.length + exp);
}

/** The shortest digits that round-trip (JS and Go agree on these). */
function shortestDigits(v: number): Digits {
  if (v === 0) return { d: '', dp: 0 };
  const [mantissa, exponent] = Math.abs(v).toExponential().split('e') as [string, string];
  const d = mantissa.replace('.', '');
  return trimDigits(d, Number(exponent) + 1);
}

/** The shortest decimal that reads back as `v` (finite), as coefficient × 10^exponent. */
export function shortestDecimal(v: number): { coef: bigint; exp: number } {
  const x = shortestDigits(v);
  if (x.d.length === 0) return { coef: 0n, exp: 0 };
  const coef = BigInt(x.d);
  return { coef: v < 0 ? -coef : coef, exp: x.dp - x.d.length };
}

/** Rounds to `nd` digits, half to even (the digits are exact, so a 5 followed by nothing is a tie). */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0) return { d: '', dp: 0 };
  if (nd >= x.d.length) return x;
  const next = x.d.charCodeAt(nd) - 48;
  let up = next > 5;
  if (next === 5) up = nd + 1 < x.d.length || (nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1);
  if (!up) return trimDigits(x.d.slice(0, nd), x.dp);
  let i = nd - 1;
  while (i >= 0 && x.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  return trimDigits(x.d.slice(0, i) + String.fromCharCode(x.d.charCodeAt(i) + 1), x.dp);
}

function fmtE(neg: boolean, x: Digits, prec: number, e: string): string {
  let out = neg ? '-' : '';
  out += x.d.length === 0 ? '0' : x.d[0];
  if (prec > 0) out += '.' + x.d.slice(1, prec + 1).padEnd(prec, '0');
  let exp = x.d.length === 0 ? 0 : x.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${out}${e}${sign}${exp < 10 ? '0' : ''}${exp}`;
}

function fmtF(neg: boolean, x: Digits, prec: number): string {
  let out = neg ? '-' : '';
  if (x.dp > 0) {
    out += x.d.slice(0, x.dp).padEnd(x.dp, '0');
  } else {
    out += '0';
  }
  if (prec > 0) {
    let frac = '';
    for (let i = 0; i < prec; i++) {
      const j = x.dp + i;
      frac += j < 0 || j >= x.d.length ? '0' : x.d[j];
    }
    out += '.' + frac;
  }
  return out;
}

function fmtB(neg: boolean, v: number): string {
  const { mant, exp } = decompose(Math.abs(v));
  const e = mant === 0n ? -1074 : exp;
  return `${neg ? '-' : ''}${mant}p${e >= 0 ? '+' : ''}${e}`;
}

/** %x / %X of a float: hexadecimal mantissa and binary exponent, e.g. 0x1.8p+01. */
function fmtX(neg: boolean, v: number, prec: number, upper: boolean): string {
  let { mant, exp } = decompose(Math.abs(v));
  if (mant === 0n) exp = 0;
  else {
    // Normalize so the leading 1 is bit 60 (4 bits above 56 fraction bits = 14 hex digits).
    while (mant < 1n << 60n) {
      mant <<= 1n;
      exp--;
    }
    exp += 60;
  }
  // mant now has 1 integer bit (bit 60) and 60 fraction bits; digits are 15 hex nibbles of fraction.
  const fracBits = 60n;
  if (prec >= 0 && prec < 15) {
    const shift = fracBits - BigInt(prec * 4);
    const half = 1n << (shift - 1n);
    const rem = mant & ((1n << shift) - 1n);
    mant >>= shift;
    if (rem > half || (rem === half && (mant & 1n) === 1n)) mant++;
    if (mant >> BigInt(prec * 4) >= 2n) {
      mant >>= 1n;
      exp++;
    }
    mant <<= shift;
  }
  const intBit = mant >> fracBits;
  let frac = (mant & ((1n << fracBits) - 1n)).toString(16).padStart(15, '0');
  if (prec < 0) frac = frac.replace(/0+$/, '');
  else frac = frac.slice(0, prec).padEnd(prec, '0');
  const e = exp;
  const es = `${e >= 0 ? '+' : '-'}${Math.abs(e) < 10 ? '0' : ''}${Math.abs(e)}`;
  let out = `${neg ? '-' : ''}0x${intBit}${frac.length > 0 ? '.' + frac : ''}p${es}`;
  if (upper) out = out.toUpperCase();
  return out;
}

/** The formats that show the binary mantissa: %b and %x/%X. */
function binaryFormat(neg: boolean, v: number, fmt: string, prec: number): string {
  return fmt === 'b' ? fmtB(neg, v) : fmtX(neg, v, prec, fmt === 'X');
}

/** strconv.FormatFloat(v, fmt, prec, 64). */
export function formatFloat(v: number, fmt: string, prec: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  if (fmt === 'b' || fmt === 'x' || fmt === 'X') return binaryFormat(neg, v, fmt, prec);
  const shortest = prec < 0;
  const x = shortest ? shortestDigits(v) : fixedDigits(v, fmt, prec);
  return decimalFormat({ neg, x, shortest, e: fmt === 'G' || fmt === 'E' ? 'E' : 'e' }, fmt, prec);
}

/** %e, %f and %g of the decimal digits. */
function decimalFormat(g: GFormat, fmt: string, prec: number): string {
  const p = g.shortest ? shortestPrecision(g.x, fmt) : prec;
  if (fmt === 'e' || fmt === 'E') return fmtE(g.neg, g.x, p, g.e);
  if (fmt === 'f') return fmtF(g.neg, g.x, p);
  if (fmt === 'g' || fmt === 'G') return fmtG(g, p);
  return `%${fmt}`;
}

/** The exact value rounded to what the format and precision keep. */
function fixedDigits(v: number, fmt: string, prec: number): Digits {
  const exact = exactDigits(v);
  if (fmt === 'f') return roundDigits(exact, exact.dp + prec);
  if (fmt === 'e' || fmt === 'E') return roundDigits(exact, prec + 1);
  return roundDigits(exact, prec === 0 ? 1 : prec);
}

/** The precision that shows exactly the shortest digits. */
function shortestPrecision(x: Digits, fmt: string): number {
  if (fmt === 'e' || fmt === 'E') return Math.max(x.d.length - 1, 0);
  if (fmt === 'f') return Math.max(x.d.length - x.dp, 0);
  return x.d.length;
}

interface GFormat {
  readonly neg: boolean;
  readonly x: Digits;
  readonly shortest: boolean;
  /** The exponent letter, e or E. */
  readonly e: string;
}

/** %g: %e for large and small exponents, %f otherwise, without trailing zeros. */
function fmtG({ neg, x, shortest, e }: GFormat, precIn: number): string {
  let prec = precIn === 0 && !shortest ? 1 : precIn;
  const nd = x.d.length;
  let eprec = prec > nd && nd >= x.dp ? nd : prec;
  if (shortest) eprec = 6;
  const exp = x.dp - 1;
  if (nd !== 0 && (exp < -4 || exp >= eprec)) return fmtE(neg, x, Math.min(prec, nd) - 1, e);
  if (nd === 0) return fmtF(neg, x, 0);
  if (prec > x.dp) prec = nd;
  return fmtF(neg, x, Math.max(prec - x.dp, 0));
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r >= 0xd800 && r < 0xe000) return false;
  return PRINTABLE.test(String.fromCodePoint(r));
}

const ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function escapeRune(r: number, quote: number, asciiOnly: boolean): string {
  if (r === quote || r === 0x5c) return '\\' + String.fromCodePoint(r);
  if (asciiOnly ? r < 0x80 && isPrint(r) : isPrint(r)) return String.fromCodePoint(r);
  const esc = ESCAPES[r];
  if (esc !== undefined) return esc;
  if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
  if (r >= 0xd800 && r < 0xe000) r = 0xfffd;
  if (r < 0x10000) return '\\u' + hex(r, 4);
  return '\\U' + hex(r, 8);
}

function quoteWith(s: string, quote: number, asciiOnly: boolean): string {
  const q = String.fromCharCode(quote);
  let out = q;
  for (const ch of s) out += escapeRune(ch.codePointAt(0)!, quote, asciiOnly);
  return out + q;
}

/** strconv.Quote. */
export function quote(s: string): string {
  return quoteWith(s, 0x22, false);
}

/** strconv.QuoteToASCII. */
export function quoteToASCII(s: string): string {
  return quoteWith(s, 0x22, true);
}

/** strconv.QuoteRune / QuoteRuneToASCII. */
export function quoteRune(r: number, asciiOnly: boolean): string {
  if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) r = 0xfffd;
  return `'${escapeRune(r, 0x27, asciiOnly)}'`;
}

/** strconv.CanBackquote: a single line without control characters (tab allowed) or backquotes. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r === 0x60 || r === 0xfeff) return false;
    if ((r < 0x20 && r !== 0x09) || r === 0x7f) return false;
  }
  return true;
}
