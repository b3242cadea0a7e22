/**
 * Go's regexp (RE2 syntax) on top of JS RegExp: a translator from Go's syntax to an equivalent JS
 * pattern (flags per atom, Go's `.`/`\s`/`^`/`$` meanings, POSIX classes, \Q..\E, named groups),
 * Go's syntax errors for what RE2 rejects (backreferences, lookaround), and Go's match-iteration,
 * replacement-template and split rules.
 */

/** A pattern Go's regexp.Compile rejects; the message is Go's. */
export class RegexpSyntaxError extends Error {
  constructor(code: string, expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
  }
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);
const GO_META = new Set([...'\\.+*?()|[]{}^$']);

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Perl classes as JS class contents (Go's are ASCII-only). */
const PERL: Record<string, [string, boolean]> = {
  d: ['0-9', false],
  D: ['0-9', true],
  s: ['\\t\\n\\f\\r ', false],
  S: ['\\t\\n\\f\\r ', true],
  w: ['0-9A-Za-z_', false],
  W: ['0-9A-Za-z_', true],
};

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\\x07',
  f: '\\f',
  t: '\\t',
  n: '\\n',
  r: '\\r',
  v: '\\v',
};

function codePointEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function literal(c: string): string {
  if (JS_SYNTAX.has(c)) return '\\' + c;
  const cp = c.codePointAt(0)!;
  return cp < 0x20 || cp === 0x7f ? codePointEscape(cp) : c;
}

function classLiteral(c: string): string {
  if ('\\]^-['.includes(c)) return '\\' + c;
  const cp = c.codePointAt(0)!;
  return cp < 0x20 || cp === 0x7f ? codePointEscape(cp) : c;
}

function unicodeClass(name: string, negated: boolean): string {
  const n = name.startsWith('^') ? name.slice(1) : name;
  const neg = negated !== name.startsWith('^');
  if (n === 'Any') return neg ? '[^\\s\\S]' : '[\\s\\S]';
  const prop =
    /^(L|Lu|Ll|Lt|Lm|Lo|M|Mn|Mc|Me|N|Nd|Nl|No|P|Pc|Pd|Ps|Pe|Pi|Pf|Po|S|Sm|Sc|Sk|So|Z|Zs|Zl|Zp|C|Cc|Cf|Cs|Co)$/.test(
      n,
    )
      ? n
      : `Script=${n}`;
  try {
    new RegExp(`\\p{${prop}}`, 'u');
  } catch {
    throw new RegexpSyntaxError('invalid character class range', `\\p{${name}}`);
  }
  return `\\${neg ? 'P' : 'p'}{${prop}}`;
}

class Translator {
  private readonly src: string[];
  private i = 0;
  private out = '';
  private readonly expr: string;
  private flags: Flags = { i: false, m: false, s: false, U: false };
  private readonly flagStack: Flags[] = [];
  /** Where each open group starts in `out`. */
  private readonly groupStarts: number[] = [];
  /** Whether the last emitted item can take a repetition operator, and where it starts. */
  private atomStart = -1;
  private lastWasRepeat = false;
  private lastRepeatText = '';

  constructor(expr: string) {
    this.expr = expr;
    this.src = [...expr];
  }

  translate(): string {
    while (this.i < this.src.length) this.step();
    if (this.flagStack.length > 0) throw new RegexpSyntaxError('missing closing )', this.expr);
    return this.out;
  }

  private peek(k = 0): string | undefined {
    return this.src[this.i + k];
  }

  private emitAtom(js: string): void {
    this.atomStart = this.out.length;
    this.out += this.flags.i ? `(?i:${js})` : js;
    this.lastWasRepeat = false;
  }

  private emitAssertion(js: string): void {
    this.atomStart = this.out.length;
    this.out += js;
    this.lastWasRepeat = false;
  }

  private step(): void {
    const c = this.src[this.i]!;
    const structural = this.structure(c);
    if (structural !== undefined) return structural();
    this.i++;
    switch (c) {
      case '.':
        return this.emitAtom(this.flags.s ? '[\\s\\S]' : '[^\\n]');
      case '^':
        return this.emitAssertion(this.flags.m ? '(?<![^\\n])' : '(?<![\\s\\S])');
      case '$':
        return this.emitAssertion(this.flags.m ? '(?![^\\n])' : '(?![\\s\\S])');
    }
    this.emitAtom(literal(c));
  }

  /** Groups, alternation, classes, repetition and escapes: what handles `c`, if anything. */
  private structure(c: string): (() => void) | undefined {
    switch (c) {
      case '(':
        return () => this.group();
      case ')':
        return () => this.closeGroup();
      case '|':
        return () => this.alternation();
      case '[':
        return () => this.charClass();
      case '*':
      case '+':
      case '?':
        return () => this.repeat(c);
      case '{':
        return () => {
          if (this.braceRepeat()) return;
          this.i++;
          this.emitAtom('\\{');
        };
      case '\\':
        return () => this.escape();
    }
    return undefined;
  }

  private alternation(): void {
    this.i++;
    this.out += '|';
    this.atomStart = -1;
    this.lastWasRepeat = false;
  }

  private repeat(op: string): void {
    const start = this.i;
    this.i++;
    this.applyRepeat(op, start);
  }

  private applyRepeat(op: string, start: number): void {
    let lazy = false;
    if (this.peek() === '?') {
      lazy = true;
      this.i++;
    }
    const text = this.src.slice(start, this.i).join('');
    if (this.lastWasRepeat)
      throw new RegexpSyntaxError('invalid nested repetition operator', this.lastRepeatText + text);
    if (this.atomStart < 0) throw new RegexpSyntaxError('missing argument to repetition operator', text);
    if (this.flags.U) lazy = !lazy;
    const atom = this.out.slice(this.atomStart);
    this.out = this.out.slice(0, this.atomStart) + `(?:${atom})` + op + (lazy ? '?' : '');
    this.lastWasRepeat = true;
    this.lastRepeatText = text;
  }

  /** `{n}`, `{n,}`, `{n,m}`; anything else makes `{` a literal. */
  private braceRepeat(): boolean {
    const rest = this.src.slice(this.i).join('');
    const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (m === null) return false;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
    if (min > 1000 || max > 1000 || (max >= 0 && min > max))
      throw new RegexpSyntaxError('invalid repeat count', m[0]);
    const start = this.i;
    this.i += [...m[0]].length;
    this.applyRepeat(m[0], start);
    return true;
  }

  private group(): void {
    const start = this.i;
    this.i++;
    if (this.peek() !== '?') return this.openGroup('(');
    const rest = this.src.slice(this.i).join('');
    const named = /^\?P?<([A-Za-z0-9_]*)>/.exec(rest);
    if (named !== null) {
      if (named[1] === '' || /^\d/.test(named[1]!)) {
        throw new RegexpSyntaxError(
          'invalid named capture',
          this.src.slice(start, start + 1 + named[0].length).join(''),
        );
      }
      this.i += named[0].length;
      return this.openGroup(`(?<${named[1]}>`);
    }
    const flags = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
    if (flags === null || (flags[1] === '' && flags[2] === undefined && flags[3] === ')')) {
      const shown = this.src.slice(start, start + 3).join('');
      throw new RegexpSyntaxError('invalid or unsupported Perl syntax', shown);
    }
    this.i += flags[0].length;
    const next = { ...this.flags };
    for (const f of flags[1]!) next[f as keyof Flags] = true;
    for (const f of flags[2] ?? '') next[f as keyof Flags] = false;
    if (flags[3] === ')') {
      this.flags = next;
      this.atomStart = -1;
      return;
    }
    this.openGroup('(?:', next);
  }

  private openGroup(js: string, inner?: Flags): void {
    this.flagStack.push(this.flags);
    this.groupStarts.push(this.out.length);
    if (inner !== undefined) this.flags = inner;
    this.out += js;
    this.atomStart = -1;
    this.lastWasRepeat = false;
  }

  private closeGroup(): void {
    const saved = this.flagStack.pop();
    const open = this.groupStarts.pop();
    if (saved === undefined || open === undefined) throw new RegexpSyntaxError('unexpected )', this.expr);
    this.i++;
    this.out += ')';
    this.flags = saved;
    // The whole group is the atom a following repetition applies to.
    this.atomStart = open;
    this.lastWasRepeat = false;
  }

  private escape(): void {
    const start = this.i;
    this.i++;
    const c = this.peek();
    if (c === undefined) throw new RegexpSyntaxError('trailing backslash at end of expression', '');
    this.i++;
    if (c === 'A') return this.emitAssertion('(?<![\\s\\S])');
    if (c === 'z') return this.emitAssertion('(?![\\s\\S])');
    if (c === 'b' || c === 'B') return this.emitAssertion('\\' + c);
    if (c === 'Q') return this.quoted();
    const perl = PERL[c];
    if (perl !== undefined) return this.emitAtom(`[${perl[1] ? '^' : ''}${perl[0]}]`);
    if (c === 'p' || c === 'P') return this.emitAtom(unicodeClass(this.unicodeName(start), c === 'P'));
    this.emitAtom(this.escapedChar(c, start, false));
  }

  private quoted(): void {
    const rest = this.src.slice(this.i).join('');
    const end = rest.indexOf('\\E');
    const text = end < 0 ? rest : rest.slice(0, end);
    this.i += [...text].length + (end < 0 ? 0 : 2);
    for (const ch of text) this.emitAtom(literal(ch));
  }

  private unicodeName(start: number): string {
    if (this.peek() === '{') {
      const rest = this.src.slice(this.i).join('');
      const close = rest.indexOf('}');
      if (close < 0)
        throw new RegexpSyntaxError('invalid character class range', this.src.slice(start).join(''));
      this.i += [...rest.slice(0, close + 1)].length;
      return rest.slice(1, close);
    }
    const name = this.peek();
    if (name === undefined)
      throw new RegexpSyntaxError('invalid character class range', this.src.slice(start).join(''));
    this.i++;
    return name;
  }

  /** An escaped literal character (octal, hex, control, punctuation); throws for the rest. */
  private escapedChar(c: string, start: number, inClass: boolean): string {
    const lit = inClass ? classLiteral : literal;
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) return simple;
    if (c >= '0' && c <= '7') {
      if (c !== '0' && !/[0-7]/.test(this.peek() ?? '')) {
        throw new RegexpSyntaxError('invalid escape sequence', `\\${c}`);
      }
      let digits = c;
      while (digits.length < 3 && /[0-7]/.test(this.peek() ?? '')) digits += this.src[this.i++]!;
      return codePointEscape(parseInt(digits, 8));
    }
    if (c === 'x') return codePointEscape(this.hexEscape(start));
    if (c.codePointAt(0)! < 0x80 && !/[0-9A-Za-z]/.test(c)) return lit(c);
    throw new RegexpSyntaxError('invalid escape sequence', this.src.slice(start, this.i).join(''));
  }

  private hexEscape(start: number): number {
    const bad = (): never => {
      throw new RegexpSyntaxError('invalid escape sequence', this.src.slice(start, this.i).join(''));
    };
    if (this.peek() === '{') {
      this.i++;
      let hex = '';
      while (this.peek() !== undefined && this.peek() !== '}') hex += this.src[this.i++];
      this.i++;
      if (!/^[0-9A-Fa-f]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff) bad();
      return parseInt(hex, 16);
    }
    const hex = (this.peek() ?? '') + (this.peek(1) ?? '');
    this.i += Math.min(2, this.src.length - this.i);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) bad();
    return parseInt(hex, 16);
  }

  private charClass(): void {
    const start = this.i;
    this.i++;
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.i++;
    }
    const parts: string[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new RegexpSyntaxError('missing closing ]', this.src.slice(start).join(''));
      if (c === ']' && !first) break;
      first = false;
      parts.push(this.classItem(start));
    }
    this.i++;
    const body = parts.join('');
    this.emitAtom(`[${negated ? '^' : ''}${body}]`);
  }

  private classItem(classStart: number): string {
    const c = this.peek()!;
    if (c === '[' && this.peek(1) === ':') {
      const rest = this.src.slice(this.i).join('');
      const m = /^\[:(\^?)([a-z]+):\]/.exec(rest);
      if (m !== null) {
        const set = POSIX[m[2]!];
        if (set === undefined) throw new RegexpSyntaxError('invalid character class range', m[0]);
        this.i += m[0].length;
        return m[1] === '^' ? this.negatedSet(set) : set;
      }
    }
    const lo = this.classChar(classStart);
    if (lo.set !== undefined) return lo.set;
    if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
      const rangeStart = this.i - lo.width;
      this.i++;
      const hi = this.classChar(classStart);
      if (hi.set !== undefined || hi.cp! < lo.cp!) {
        throw new RegexpSyntaxError(
          'invalid character class range',
          this.src.slice(rangeStart, this.i).join(''),
        );
      }
      return `${lo.js}-${hi.js}`;
    }
    return lo.js!;
  }

  /** The complement of a JS class body, usable inside another class. */
  private negatedSet(set: string): string {
    // JS (u mode) allows a nested negation only with the v flag; spell it as a lookahead-free range list.
    const chars: boolean[] = new Array<boolean>(128).fill(false);
    const re = new RegExp(`[${set}]`, 'u');
    for (let k = 0; k < 128; k++) chars[k] = re.test(String.fromCharCode(k));
    let out = '';
    for (let k = 0; k < 128; k++) {
      if (chars[k]) continue;
      let end = k;
      while (end + 1 < 128 && !chars[end + 1]) end++;
      out += end === k ? codePointEscape(k) : `${codePointEscape(k)}-${codePointEscape(end)}`;
      k = end;
    }
    return out + '\\u{80}-\\u{10ffff}';
  }

  private classChar(classStart: number): { js?: string; cp?: number; set?: string; width: number } {
    const start = this.i;
    const c = this.src[this.i++]!;
    if (c !== '\\') return { js: classLiteral(c), cp: c.codePointAt(0)!, width: 1 };
    const e = this.src[this.i++];
    if (e === undefined)
      throw new RegexpSyntaxError('missing closing ]', this.src.slice(classStart).join(''));
    const perl = PERL[e];
    if (perl !== undefined) return { set: perl[1] ? this.negatedSet(perl[0]) : perl[0], width: 2 };
    if (e === 'p' || e === 'P') {
      const cls = unicodeClass(this.unicodeName(start), e === 'P');
      return { set: cls.startsWith('[') ? cls.slice(1, -1) : cls, width: this.i - start };
    }
    const js = this.escapedChar(e, start, true);
    return { js, cp: decodeJsChar(js), width: this.i - start };
  }
}

function decodeJsChar(js: string): number {
  const u = /^\\u\{([0-9a-f]+)\}$/.exec(js);
  if (u !== null) return parseInt(u[1]!, 16);
  const simple: Record<string, number> = { '\\x07': 7, '\\f': 12, '\\t': 9, '\\n': 10, '\\r': 13, '\\v': 11 };
  if (js in simple) return simple[js]!;
  return (js.length > 1 && js[0] === '\\' ? js.slice(1) : js).codePointAt(0)!;
}

/** A compiled Go regexp. */
export class GoRegexp {
  readonly re: RegExp;

  constructor(expr: string) {
    if (expr.includes('\\Z')) throw new RegexpSyntaxError('invalid escape sequence', '\\Z');
    this.re = new RegExp(new Translator(expr).translate(), 'gu');
  }

  /** The next match at or after `pos` (UTF-16 index), or null. */
  private execAt(s: string, pos: number): RegExpExecArray | null {
    this.re.lastIndex = pos;
    return this.re.exec(s);
  }

  /** FindAllString semantics: n < 0 for all; empty matches right after a match are skipped. */
  findAll(s: string, n: number): RegExpExecArray[] {
    const out: RegExpExecArray[] = [];
    let prevEnd = -1;
    for (let pos = 0; (n < 0 || out.length < n) && pos <= s.length;) {
      const m = this.execAt(s, pos);
      if (m === null) break;
      const end = m.index + m[0].length;
      let accept = true;
      if (end === pos) {
        if (m.index === prevEnd) accept = false;
        pos += pos < s.length ? String.fromCodePoint(s.codePointAt(pos)!).length : 1;
      } else {
        pos = end;
      }
      prevEnd = end;
      if (accept) out.push(m);
    }
    return out;
  }

  test(s: string): boolean {
    return this.execAt(s, 0) !== null;
  }

  findString(s: string): string {
    return this.execAt(s, 0)?.[0] ?? '';
  }

  /** ReplaceAllString (template) or ReplaceAllLiteralString. */
  replaceAll(s: string, repl: string, literal: boolean): string {
    let out = '';
    let lastEnd = 0;
    for (let search = 0; search <= s.length;) {
      const m = this.execAt(s, search);
      if (m === null) break;
      const start = m.index;
      const end = start + m[0].length;
      out += s.slice(lastEnd, start);
      if (end > lastEnd || start === 0) out += literal ? repl : expand(repl, m);
      lastEnd = end;
      const width = search < s.length ? String.fromCodePoint(s.codePointAt(search)!).length : 0;
      if (search + width > end) search += width;
      else if (search + 1 > end) search++;
      else search = end;
    }
    return out + s.slice(lastEnd);
  }

  split(s: string, n: number): string[] {
    if (n === 0) return [];
    if (this.re.source !== '(?:)' && s === '') return [''];
    const out: string[] = [];
    let beg = 0;
    let end = 0;
    for (const m of this.findAll(s, n)) {
      if (n > 0 && out.length === n - 1) break;
      end = m.index;
      const mEnd = m.index + m[0].length;
      if (mEnd !== 0) out.push(s.slice(beg, end));
      beg = mEnd;
    }
    if (end !== s.length) out.push(s.slice(beg));
    return out;
  }
}

/** Go's Regexp.Expand template: $1, ${1}, $name, ${name}, $$. */
function expand(template: string, m: RegExpExecArray): string {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) break;
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (ref === null) {
      out += '$';
      continue;
    }
    rest = rest.slice(ref[0].length);
    out += groupText(ref[1] ?? ref[2]!, m);
  }
  return out + rest;
}

function groupText(name: string, m: RegExpExecArray): string {
  if (/^[0-9]+$/.test(name)) {
    const n = name.length > 8 ? -1 : Number(name);
    return n >= 0 && n < m.length ? (m[n] ?? '') : '';
  }
  return m.groups?.[name] ?? '';
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  let out = '';
  for (const c of s) out += GO_META.has(c) ? '\\' + c : c;
  return out;
}
