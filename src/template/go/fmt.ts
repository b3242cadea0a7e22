/**
 * Go's fmt over our value model: Sprint, Sprintln, Sprintf with flags, width, precision, argument
 * indexes and Go's error notations (`%!d(string=x)`, `%!v(MISSING)`, `%!(EXTRA ...)`).
 */
import { canBackquote, formatFloat, quote, quoteRune, quoteToASCII } from './strconv.ts';
import { GoInt, GoObject, elemType, sortedKeys, typeName, type GoValue } from './value.ts';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

function clearFlags(): Flags {
  return {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    widPresent: false,
    prec: 0,
    precPresent: false,
  };
}

const NIL_ANGLE = '<nil>';
const LDIGITS = '0123456789abcdefx';
const UDIGITS = '0123456789ABCDEFX';

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** One formatting run (Go's pp): an output buffer and the current flags. */
class Printer {
  buf = '';
  f: Flags = clearFlags();

  private writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.f.zero && !this.f.minus ? '0' : ' ').repeat(n);
  }

  pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  private withoutZero(fn: () => void): void {
    const old = this.f.zero;
    this.f.zero = false;
    fn();
    this.f.zero = old;
  }

  private truncate(s: string): string {
    if (!this.f.precPresent) return s;
    let n = this.f.prec;
    let i = 0;
    for (const ch of s) {
      if (--n < 0) return s.slice(0, i);
      i += ch.length;
    }
    return s;
  }

  /** The minimum number of digits: the precision, or the width under the '0' flag. */
  private integerPrecision(negative: boolean): number {
    if (this.f.precPresent) return this.f.prec;
    if (!this.f.zero || this.f.minus || !this.f.widPresent) return 0;
    return negative || this.f.plus || this.f.space ? this.f.wid - 1 : this.f.wid;
  }

  private integerPrefix(s: string, base: number, verb: string, digits: string): string {
    let out = s;
    if (this.f.sharp) {
      if (base === 2) out = '0b' + out;
      else if (base === 8 && out[0] !== '0') out = '0' + out;
      else if (base === 16) out = '0' + digits[16]! + out;
    }
    return verb === 'O' ? '0o' + out : out;
  }

  private sign(negative: boolean): string {
    if (negative) return '-';
    if (this.f.plus) return '+';
    return this.f.space ? ' ' : '';
  }

  fmtInteger(value: bigint, base: number, verb: string, digits: string): void {
    const negative = value < 0n;
    let u = negative ? -value : value;
    const prec = this.integerPrecision(negative);
    if (this.f.precPresent && prec === 0 && u === 0n) {
      this.withoutZero(() => this.writePadding(this.f.wid));
      return;
    }
    let s = '';
    const b = BigInt(base);
    do {
      s = digits[Number(u % b)]! + s;
      u /= b;
    } while (u > 0n);
    if (prec > s.length) s = '0'.repeat(prec - s.length) + s;
    s = this.sign(negative) + this.integerPrefix(s, base, verb, digits);
    this.withoutZero(() => this.pad(s));
  }

  private fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.f.precPresent && this.f.prec > 4) prec = this.f.prec;
    let s = u.toString(16).toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    s = 'U+' + s;
    if (this.f.sharp && u <= 0x10ffffn && isPrintRune(Number(u)))
      s += ` '${String.fromCodePoint(Number(u))}'`;
    this.withoutZero(() => this.pad(s));
  }

  private fmtC(u: bigint): void {
    const r = u > 0x10ffffn || (u >= 0xd800n && u < 0xe000n) ? 0xfffd : Number(u);
    this.pad(String.fromCodePoint(r));
  }

  private fmtQc(u: bigint): void {
    const r = u > 0x10ffffn ? 0xfffd : Number(u);
    this.pad(quoteRune(r, this.f.plus));
  }

  fmtIntegerVerb(v: GoInt, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV && !v.signed) this.fmt0x64(v.value, true);
        else this.fmtInteger(v.value, 10, verb, LDIGITS);
        return;
      case 'd':
        return this.fmtInteger(v.value, 10, verb, LDIGITS);
      case 'b':
        return this.fmtInteger(v.value, 2, verb, LDIGITS);
      case 'o':
      case 'O':
        return this.fmtInteger(v.value, 8, verb, LDIGITS);
      case 'x':
        return this.fmtInteger(v.value, 16, verb, LDIGITS);
      case 'X':
        return this.fmtInteger(v.value, 16, verb, UDIGITS);
      case 'c':
        return this.fmtC(v.value);
      case 'q':
        return this.fmtQc(v.value);
      case 'U':
        return this.fmtUnicode(v.value);
    }
    this.badVerb(verb, v);
  }

  private fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.f.sharp;
    this.f.sharp = leading0x;
    this.fmtInteger(v, 16, 'v', LDIGITS);
    this.f.sharp = sharp;
  }

  /** The number with an explicit sign character: '-', '+', or ' ' under the space flag. */
  private signedFloat(v: number, verb: string, prec: number): string {
    const num = formatFloat(v, verb, prec);
    if (num[0] === '-') return num;
    const unsigned = num[0] === '+' ? num.slice(1) : num;
    return (this.f.space && !this.f.plus ? ' ' : '+') + unsigned;
  }

  fmtFloat(v: number, verb: string, precDefault: number): void {
    const prec = this.f.precPresent ? this.f.prec : precDefault;
    let num = this.signedFloat(v, verb, prec);
    if (num[1] === 'I' || num[1] === 'N') return this.fmtNonFinite(num);
    if (this.f.sharp && verb !== 'b') num = sharpFloat(num, verb, prec);
    if (!this.f.plus && num[0] === '+') return this.pad(num.slice(1));
    if (this.f.zero && !this.f.minus && this.f.widPresent && this.f.wid > num.length) {
      // Zero padding goes between the sign and the digits.
      this.buf += num[0];
      this.writePadding(this.f.wid - num.length);
      this.buf += num.slice(1);
      return;
    }
    this.pad(num);
  }

  /** Infinities and NaN are padded with spaces, never zeros; NaN shows no '+' unless asked. */
  private fmtNonFinite(signed: string): void {
    const num = signed[1] === 'N' && !this.f.space && !this.f.plus ? signed.slice(1) : signed;
    this.withoutZero(() => this.pad(num));
  }

  fmtFloatVerb(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        return this.fmtFloat(v, 'g', -1);
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        return this.fmtFloat(v, verb, -1);
      case 'f':
      case 'e':
      case 'E':
        return this.fmtFloat(v, verb, 6);
      case 'F':
        return this.fmtFloat(v, 'f', 6);
    }
    this.badVerb(verb, v);
  }

  /** The output width of %x on `length` bytes (with ' ' and '#' flags). */
  private hexWidth(length: number): number {
    if (this.f.space) return (this.f.sharp ? 4 * length : 2 * length) + length - 1;
    return 2 * length + (this.f.sharp ? 2 : 0);
  }

  private fmtSx(s: string, digits: string): void {
    const bytes = Buffer.from(s, 'utf8');
    const length = this.f.precPresent && this.f.prec < bytes.length ? this.f.prec : bytes.length;
    if (length === 0) {
      if (this.f.widPresent) this.writePadding(this.f.wid);
      return;
    }
    const width = this.hexWidth(length);
    const padding = this.f.widPresent && this.f.wid > width ? this.f.wid - width : 0;
    if (!this.f.minus) this.writePadding(padding);
    const prefix = this.f.sharp ? '0' + digits[16]! : '';
    let out = prefix;
    for (let i = 0; i < length; i++) {
      if (this.f.space && i > 0) out += ' ' + prefix;
      const c = bytes[i]!;
      out += digits[c >> 4]! + digits[c & 15]!;
    }
    this.buf += out;
    if (this.f.minus) this.writePadding(padding);
  }

  private fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.f.sharp && canBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(this.f.plus ? quoteToASCII(s) : quote(s));
  }

  fmtString(v: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(v);
        else this.pad(this.truncate(v));
        return;
      case 's':
        return this.pad(this.truncate(v));
      case 'x':
        return this.fmtSx(v, LDIGITS);
      case 'X':
        return this.fmtSx(v, UDIGITS);
      case 'q':
        return this.fmtQ(v);
    }
    this.badVerb(verb, v);
  }

  private fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.pad(v ? 'true' : 'false');
    else this.badVerb(verb, v);
  }

  badVerb(verb: string, arg: GoValue): void {
    this.buf += '%!' + verb + '(';
    if (arg === undefined || arg === null) {
      this.buf += NIL_ANGLE;
    } else {
      this.buf += typeName(arg) + '=';
      this.printArg(arg, 'v', true);
    }
    this.buf += ')';
  }

  private handleMethods(arg: GoValue, verb: string, erroring: boolean): boolean {
    if (erroring || !(arg instanceof GoObject)) return false;
    const s = arg.goString();
    if (s === undefined || this.f.sharpV) return false;
    if (verb === 'v' || verb === 's' || verb === 'x' || verb === 'X' || verb === 'q') {
      this.fmtString(s, verb);
      return true;
    }
    return false;
  }

  printArg(arg: GoValue, verb: string, erroring = false): void {
    if (arg === undefined || arg === null) {
      if (verb === 'T' || verb === 'v') this.pad(NIL_ANGLE);
      else this.badVerb(verb, arg);
      return;
    }
    if (verb === 'T') {
      this.pad(this.truncate(typeName(arg)));
      return;
    }
    if (verb === 'p') {
      this.badVerb(verb, arg);
      return;
    }
    if (!this.handleMethods(arg, verb, erroring)) this.printValue(arg, verb, 0, erroring);
  }

  printValue(v: GoValue, verb: string, depth: number, erroring = false): void {
    if (depth > 0 && this.handleMethods(v, verb, erroring)) return;
    switch (typeof v) {
      case 'boolean':
        return this.fmtBool(v, verb);
      case 'number':
        return this.fmtFloatVerb(v, verb);
      case 'string':
        return this.fmtString(v, verb);
      case 'undefined':
        this.buf += depth === 0 ? '<invalid reflect.Value>' : NIL_ANGLE;
        return;
    }
    if (v === null) {
      this.buf += this.f.sharpV ? 'interface {}(nil)' : NIL_ANGLE;
      return;
    }
    if (v instanceof GoInt) return this.fmtIntegerVerb(v, verb);
    if (v instanceof GoObject) return this.printObject(v, verb);
    if (Array.isArray(v)) return this.printSlice(v, verb, depth);
    this.printMap(v, verb, depth);
  }

  private printObject(v: GoObject, verb: string): void {
    const n = v.asInt();
    if (n !== undefined) return this.fmtIntegerVerb(n, verb);
    const s = v.goString();
    if (s !== undefined) this.fmtString(s, verb);
    else this.buf += `{${typeName(v)}}`;
  }

  private printSlice(v: GoValue[], verb: string, depth: number): void {
    if (this.f.sharpV) {
      this.buf += typeName(v) + '{';
      v.forEach((item, i) => {
        if (i > 0) this.buf += ', ';
        this.printElem(item, verb, depth, elemType(v));
      });
      this.buf += '}';
      return;
    }
    this.buf += '[';
    v.forEach((item, i) => {
      if (i > 0) this.buf += ' ';
      this.printValue(item, verb, depth + 1);
    });
    this.buf += ']';
  }

  private printMap(v: Record<string, GoValue>, verb: string, depth: number): void {
    const keys = sortedKeys(v);
    if (this.f.sharpV) {
      this.buf += typeName(v) + '{';
      keys.forEach((k, i) => {
        if (i > 0) this.buf += ', ';
        this.printValue(k, verb, depth + 1);
        this.buf += ':';
        this.printElem(v[k], verb, depth, elemType(v));
      });
      this.buf += '}';
      return;
    }
    this.buf += 'map[';
    keys.forEach((k, i) => {
      if (i > 0) this.buf += ' ';
      this.printValue(k, verb, depth + 1);
      this.buf += ':';
      this.printValue(v[k], verb, depth + 1);
    });
    this.buf += ']';
  }

  /** An element inside %#v: interface elements name their dynamic type only when nil. */
  private printElem(item: GoValue, verb: string, depth: number, elem: string): void {
    if ((item === null || item === undefined) && elem !== 'interface {}') {
      this.buf += `${elem}(nil)`;
      return;
    }
    this.printValue(item, verb, depth + 1);
  }
}

function isPrintRune(r: number): boolean {
  return /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(String.fromCodePoint(r));
}

/** The '#' flag on floats: always a decimal point, and %g keeps trailing zeros. */
function sharpFloat(num: string, verb: string, prec: number): string {
  const keepDigits = verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x';
  const expAt = num.slice(1).search(verb === 'x' || verb === 'X' ? /[pP]/ : /[eEpP]/);
  let body = expAt >= 0 ? num.slice(0, expAt + 1) : num;
  const tail = expAt >= 0 ? num.slice(expAt + 1) : '';
  // Significant digits already present, counted from the first non-zero one.
  const significant = body.slice(1).replace('.', '').replace(/^0+/, '').length;
  let digits = keepDigits ? (prec === -1 ? 6 : prec) - significant : 0;
  if (!body.includes('.')) {
    if (body.length === 2 && body[1] === '0') digits--;
    body += '.';
  }
  if (digits > 0) body += '0'.repeat(digits);
  return body + tail;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly GoValue[]): string {
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) p.buf += ' ';
    p.printArg(arg, 'v');
    prevString = isString;
  });
  return p.buf;
}

/** fmt.Sprintln: always spaces between operands, then a newline. */
export function sprintln(args: readonly GoValue[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    if (i > 0) p.buf += ' ';
    p.printArg(arg, 'v');
  });
  return p.buf + '\n';
}

/** fmt.Sprint of one value (how a template action prints its result). */
export function formatValue(v: GoValue): string {
  if (typeof v === 'string') return v;
  // %v of a float64 in [1e-4, 1e6) is its shortest decimal form, as JS prints it.
  if (typeof v === 'number' && Math.abs(v) < 1e6 && (Math.abs(v) >= 1e-4 || v === 0) && !Object.is(v, -0)) {
    return String(v);
  }
  const p = new Printer();
  p.printArg(v, 'v');
  return p.buf;
}

const TOO_LARGE = 1e6;

function parseNum(s: string, start: number, end: number): [num: number, isNum: boolean, next: number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isNum = false;
  let i = start;
  for (; i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) {
    if (num > TOO_LARGE) return [0, false, end];
    num = num * 10 + s.charCodeAt(i) - 48;
    isNum = true;
  }
  return [num, isNum, i];
}

function intFromArg(args: readonly GoValue[], argNum: number): [num: number, ok: boolean, next: number] {
  if (argNum >= args.length) return [0, false, argNum];
  const a = args[argNum];
  if (!(a instanceof GoInt)) return [0, false, argNum + 1];
  const n = a.toNumber();
  if (Math.abs(n) > TOO_LARGE) return [0, false, argNum + 1];
  return [n, true, argNum + 1];
}

/** State of one Sprintf run over its arguments. */
class Formatter {
  readonly p = new Printer();
  argNum = 0;
  reordered = false;
  goodArgNum = true;
  afterIndex = false;
  i = 0;
  readonly format: string;
  readonly args: readonly GoValue[];

  constructor(format: string, args: readonly GoValue[]) {
    this.format = format;
    this.args = args;
  }

  /** Parses `[n]` at i: returns whether an index was found. */
  argNumber(): void {
    const s = this.format;
    if (this.i >= s.length || s[this.i] !== '[') {
      this.afterIndex = false;
      return;
    }
    this.reordered = true;
    const close = s.indexOf(']', this.i + 1);
    if (close < 0 || s.length - this.i < 3) {
      this.goodArgNum = false;
      this.i += 1;
      this.afterIndex = false;
      return;
    }
    const [num, ok, next] = parseNum(s, this.i + 1, close);
    if (!ok || next !== close) {
      this.goodArgNum = false;
      this.i = close + 1;
      this.afterIndex = false;
      return;
    }
    this.i = close + 1;
    this.afterIndex = true;
    if (num - 1 >= 0 && num - 1 < this.args.length) this.argNum = num - 1;
    else this.goodArgNum = false;
  }

  run(): string {
    const s = this.format;
    const end = s.length;
    const p = this.p;
    while (this.i < end) {
      this.goodArgNum = true;
      const pct = s.indexOf('%', this.i);
      if (pct < 0) {
        p.buf += s.slice(this.i);
        break;
      }
      p.buf += s.slice(this.i, pct);
      this.i = pct + 1;
      p.f = clearFlags();
      if (this.simpleFlags()) continue;
      if (!this.widthAndPrecision()) break;
      this.verb();
    }
    this.extra();
    return p.buf;
  }

  /** Flags, and the fast path of a plain lower-case verb; true when a verb was printed. */
  private simpleFlags(): boolean {
    const s = this.format;
    const f = this.p.f;
    for (; this.i < s.length; this.i++) {
      const c = s[this.i]!;
      if (c === '#') f.sharp = true;
      else if (c === '0') f.zero = true;
      else if (c === '+') f.plus = true;
      else if (c === '-') f.minus = true;
      else if (c === ' ') f.space = true;
      else {
        if (c >= 'a' && c <= 'z' && this.argNum < this.args.length) {
          if (c === 'v') this.setV();
          this.p.printArg(this.args[this.argNum], c);
          this.argNum++;
          this.i++;
          return true;
        }
        return false;
      }
    }
    return false;
  }

  private setV(): void {
    const f = this.p.f;
    f.sharpV = f.sharp;
    f.sharp = false;
    f.plusV = f.plus;
    f.plus = false;
  }

  /** Width and precision (possibly `*` or indexed); false when the format ended without a verb. */
  private widthAndPrecision(): boolean {
    this.argNumber();
    this.width();
    if (this.i + 1 < this.format.length && this.format[this.i] === '.') {
      this.i++;
      if (this.afterIndex) this.goodArgNum = false;
      this.argNumber();
      this.precision();
    }
    if (!this.afterIndex) this.argNumber();
    if (this.i >= this.format.length) {
      this.p.buf += '%!(NOVERB)';
      return false;
    }
    return true;
  }

  private width(): void {
    const f = this.p.f;
    if (this.format[this.i] !== '*') {
      [f.wid, f.widPresent, this.i] = parseNum(this.format, this.i, this.format.length);
      if (this.afterIndex && f.widPresent) this.goodArgNum = false;
      return;
    }
    this.i++;
    [f.wid, f.widPresent, this.argNum] = intFromArg(this.args, this.argNum);
    if (!f.widPresent) this.p.buf += '%!(BADWIDTH)';
    if (f.wid < 0) {
      f.wid = -f.wid;
      f.minus = true;
      f.zero = false;
    }
    this.afterIndex = false;
  }

  private precision(): void {
    const f = this.p.f;
    if (this.format[this.i] !== '*') {
      [f.prec, f.precPresent, this.i] = parseNum(this.format, this.i, this.format.length);
      if (!f.precPresent) [f.prec, f.precPresent] = [0, true];
      return;
    }
    this.i++;
    [f.prec, f.precPresent, this.argNum] = intFromArg(this.args, this.argNum);
    if (f.prec < 0) [f.prec, f.precPresent] = [0, false];
    if (!f.precPresent) this.p.buf += '%!(BADPREC)';
    this.afterIndex = false;
  }

  private verb(): void {
    const cp = this.format.codePointAt(this.i)!;
    const verb = String.fromCodePoint(cp);
    this.i += verb.length;
    const p = this.p;
    if (verb === '%') p.buf += '%';
    else if (!this.goodArgNum) p.buf += `%!${verb}(BADINDEX)`;
    else if (this.argNum >= this.args.length) p.buf += `%!${verb}(MISSING)`;
    else {
      if (verb === 'v') this.setV();
      p.printArg(this.args[this.argNum], verb);
      this.argNum++;
    }
  }

  private extra(): void {
    if (this.reordered || this.argNum >= this.args.length) return;
    const p = this.p;
    p.f = clearFlags();
    p.buf += '%!(EXTRA ';
    this.args.slice(this.argNum).forEach((arg, i) => {
      if (i > 0) p.buf += ', ';
      if (arg === undefined || arg === null) p.buf += NIL_ANGLE;
      else {
        p.buf += typeName(arg) + '=';
        p.printArg(arg, 'v');
      }
    });
    p.buf += ')';
  }
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly GoValue[]): string {
  return new Formatter(format, args).run();
}
