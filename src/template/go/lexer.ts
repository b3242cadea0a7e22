/**
 * The lexer for Go's text/template (delimiters `{{` `}}`), with the same tokens, trim markers,
 * comment rules and error texts as Go's text/template/parse lexer.
 */
import { quote } from './strconv.ts';

export type TokenType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  // Keywords (printed as <word> in errors):
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

export interface Token {
  readonly type: TokenType;
  /** Index of the token's first character in the template text. */
  readonly pos: number;
  readonly val: string;
  /** 1-based line of the token's start. */
  readonly line: number;
}

const KEYWORDS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['.', 'dot'],
  ['block', 'block'],
  ['break', 'break'],
  ['continue', 'continue'],
  ['define', 'define'],
  ['else', 'else'],
  ['end', 'end'],
  ['if', 'if'],
  ['range', 'range'],
  ['nil', 'nil'],
  ['template', 'template'],
  ['with', 'with'],
]);

const KEYWORD_TYPES: ReadonlySet<TokenType> = new Set(KEYWORDS.values());

/** How Go prints a token in "unexpected X in Y" errors. */
export function tokenString(t: Token): string {
  if (t.type === 'eof') return 'EOF';
  if (t.type === 'error') return t.val;
  if (KEYWORD_TYPES.has(t.type)) return `<${t.val}>`;
  const runes = [...t.val];
  if (runes.length > 10) return `${quote(runes.slice(0, 10).join(''))}...`;
  return quote(t.val);
}

const LEFT = '{{';
const RIGHT = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const ALNUM = /^[\p{L}\p{Nd}_]$/u;

function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 0x80) {
    return (
      (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
    );
  }
  return ALNUM.test(c);
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s[at] === '-' && isSpace(s[at + 1]);
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpace(s[at]) && s[at + 1] === '-';
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Go's %#U of a rune: `U+002D '-'`. */
function describeRune(c: string): string {
  const cp = c.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(c) ? `U+${hex} '${c}'` : `U+${hex}`;
}

type State = ((l: Lexer) => State) | null;

export class Lexer {
  readonly input: string;
  pos = 0;
  start = 0;
  line = 1;
  startLine = 1;
  parenDepth = 0;
  insideAction = false;
  private item: Token | undefined;
  private atEOF = false;

  constructor(input: string) {
    this.input = input;
  }

  /** The next token; after an error or EOF, EOF forever. */
  nextItem(): Token {
    this.item = { type: 'eof', pos: this.pos, val: 'EOF', line: this.startLine };
    let state: State = this.insideAction ? lexInsideAction : lexText;
    while (state !== null) state = state(this);
    return this.item;
  }

  next(): string | undefined {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return undefined;
    }
    const cp = this.input.codePointAt(this.pos)!;
    const c = String.fromCodePoint(cp);
    this.pos += c.length;
    if (c === '\n') this.line++;
    return c;
  }

  peek(): string | undefined {
    if (this.pos >= this.input.length) return undefined;
    return String.fromCodePoint(this.input.codePointAt(this.pos)!);
  }

  backup(): void {
    if (this.atEOF || this.pos === 0) return;
    const prev = this.input.charCodeAt(this.pos - 1);
    const width = prev >= 0xdc00 && prev < 0xe000 && this.pos >= 2 ? 2 : 1;
    this.pos -= width;
    if (this.input[this.pos] === '\n') this.line--;
  }

  thisItem(type: TokenType): Token {
    const t: Token = {
      type,
      pos: this.start,
      val: this.input.slice(this.start, this.pos),
      line: this.startLine,
    };
    this.start = this.pos;
    this.startLine = this.line;
    return t;
  }

  emit(type: TokenType): State {
    return this.emitItem(this.thisItem(type));
  }

  emitItem(t: Token): State {
    this.item = t;
    return null;
  }

  ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  accept(valid: string): boolean {
    const c = this.next();
    if (c !== undefined && valid.includes(c)) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (;;) {
      const c = this.next();
      if (c === undefined || !valid.includes(c)) break;
    }
    this.backup();
  }

  errorf(message: string): State {
    this.item = { type: 'error', pos: this.start, val: message, line: this.startLine };
    this.start = this.input.length;
    this.pos = this.input.length;
    this.insideAction = false;
    this.atEOF = true;
    return null;
  }

  atRightDelim(): { delim: boolean; trim: boolean } {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith(RIGHT, this.pos + 2)) {
      return { delim: true, trim: true };
    }
    return { delim: this.input.startsWith(RIGHT, this.pos), trim: false };
  }

  atTerminator(): boolean {
    const c = this.peek();
    if (c === undefined || isSpace(c)) return true;
    if (c === '.' || c === ',' || c === '|' || c === ':' || c === ')' || c === '(') return true;
    return this.input.startsWith(RIGHT, this.pos);
  }

  scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}

function lexText(l: Lexer): State {
  const x = l.input.indexOf(LEFT, l.pos);
  if (x < 0) {
    l.pos = l.input.length;
    if (l.pos > l.start) {
      l.line += countNewlines(l.input, l.start, l.pos);
      return l.emit('text');
    }
    return l.emit('eof');
  }
  if (x > l.pos) {
    l.pos = x;
    let trim = 0;
    if (hasLeftTrimMarker(l.input, x + LEFT.length)) {
      const text = l.input.slice(l.start, l.pos);
      trim = text.length - text.replace(/[ \t\r\n]+$/, '').length;
    }
    l.pos -= trim;
    l.line += countNewlines(l.input, l.start, l.pos);
    const item = l.thisItem('text');
    l.pos += trim;
    l.ignore();
    if (item.val.length > 0) return l.emitItem(item);
  }
  return lexLeftDelim;
}

function lexLeftDelim(l: Lexer): State {
  l.pos += LEFT.length;
  const trim = hasLeftTrimMarker(l.input, l.pos);
  const afterMarker = trim ? 2 : 0;
  if (l.input.startsWith(LEFT_COMMENT, l.pos + afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  const item = l.thisItem('leftDelim');
  l.insideAction = true;
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return l.emitItem(item);
}

function lexComment(l: Lexer): State {
  l.pos += LEFT_COMMENT.length;
  const x = l.input.indexOf(RIGHT_COMMENT, l.pos);
  if (x < 0) return l.errorf('unclosed comment');
  l.pos = x + RIGHT_COMMENT.length;
  const { delim, trim } = l.atRightDelim();
  if (!delim) return l.errorf('comment ends before closing delimiter');
  l.line += countNewlines(l.input, l.start, l.pos);
  l.thisItem('text'); // the comment itself is dropped
  if (trim) l.pos += 2;
  l.pos += RIGHT.length;
  if (trim) l.pos += leftTrimLength(l.input, l.pos);
  l.ignore();
  return lexText;
}

function leftTrimLength(s: string, from: number): number {
  let i = from;
  while (isSpace(s[i])) i++;
  return i - from;
}

function lexRightDelim(l: Lexer): State {
  const { trim } = l.atRightDelim();
  if (trim) {
    l.pos += 2;
    l.ignore();
  }
  l.pos += RIGHT.length;
  const item = l.thisItem('rightDelim');
  if (trim) {
    l.pos += leftTrimLength(l.input, l.pos);
    l.ignore();
  }
  l.insideAction = false;
  return l.emitItem(item);
}

function lexInsideAction(l: Lexer): State {
  if (l.atRightDelim().delim) {
    if (l.parenDepth === 0) return lexRightDelim;
    return l.errorf('unclosed left paren');
  }
  const r = l.next();
  if (r === undefined) return l.errorf('unclosed action');
  if (isSpace(r)) {
    l.backup();
    return lexSpace;
  }
  // States may be null (an item was emitted), so test for undefined, not nullish.
  const simple = lexSimple(l, r);
  if (simple !== undefined) return simple;
  const word = lexWord(l, r);
  return word !== undefined ? word : lexParenOrChar(l, r);
}

/** Fields (`.x`), numbers and identifiers: the rune is put back for the word's own lexer. */
function lexWord(l: Lexer, r: string): State | undefined {
  if (r === '.') {
    const n = l.input[l.pos];
    if (n !== undefined && (n < '0' || n > '9')) return lexField;
  }
  const number = r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9');
  if (!number && !isAlphaNumeric(r)) return undefined;
  l.backup();
  return number ? lexNumber : lexIdentifier;
}

/** Single-character tokens and the quote/variable starters. */
function lexSimple(l: Lexer, r: string): State | undefined {
  switch (r) {
    case '=':
      return l.emit('assign');
    case ':':
      if (l.next() !== '=') return l.errorf('expected :=');
      return l.emit('declare');
    case '|':
      return l.emit('pipe');
    case '"':
      return lexQuote;
    case '`':
      return lexRawQuote;
    case '$':
      return lexVariable;
    case "'":
      return lexChar;
  }
  return undefined;
}

function lexParenOrChar(l: Lexer, r: string): State {
  if (r === '(') {
    l.parenDepth++;
    return l.emit('leftParen');
  }
  if (r === ')') {
    l.parenDepth--;
    if (l.parenDepth < 0) return l.errorf('unexpected right paren');
    return l.emit('rightParen');
  }
  const code = r.codePointAt(0)!;
  if (code < 0x80 && code >= 0x20 && code < 0x7f) return l.emit('char');
  return l.errorf(`unrecognized character in action: ${describeRune(r)}`);
}

function lexSpace(l: Lexer): State {
  let numSpaces = 0;
  while (isSpace(l.peek())) {
    l.next();
    numSpaces++;
  }
  if (hasRightTrimMarker(l.input, l.pos - 1) && l.input.startsWith(RIGHT, l.pos + 1)) {
    l.backup();
    if (numSpaces === 1) return lexRightDelim;
  }
  return l.emit('space');
}

function lexIdentifier(l: Lexer): State {
  for (;;) {
    const r = l.next();
    if (isAlphaNumeric(r)) continue;
    l.backup();
    const word = l.input.slice(l.start, l.pos);
    if (!l.atTerminator()) return l.errorf(`bad character ${describeRune(r ?? '')}`);
    const keyword = KEYWORDS.get(word);
    if (keyword !== undefined) return l.emit(keyword);
    if (word === 'true' || word === 'false') return l.emit('bool');
    return l.emit('identifier');
  }
}

function lexField(l: Lexer): State {
  return lexFieldOrVariable(l, 'field');
}

function lexVariable(l: Lexer): State {
  if (l.atTerminator()) return l.emit('variable');
  return lexFieldOrVariable(l, 'variable');
}

function lexFieldOrVariable(l: Lexer, type: 'field' | 'variable'): State {
  if (l.atTerminator()) return l.emit(type === 'variable' ? 'variable' : 'dot');
  let r: string | undefined;
  for (;;) {
    r = l.next();
    if (!isAlphaNumeric(r)) {
      l.backup();
      break;
    }
  }
  if (!l.atTerminator()) return l.errorf(`bad character ${describeRune(r ?? '')}`);
  return l.emit(type);
}

function lexQuoted(l: Lexer, close: string, type: TokenType, message: string): State {
  for (;;) {
    const r = l.next();
    if (r === '\\') {
      const e = l.next();
      if (e !== undefined && e !== '\n') continue;
      return l.errorf(message);
    }
    if (r === undefined || r === '\n') return l.errorf(message);
    if (r === close) return l.emit(type);
  }
}

function lexChar(l: Lexer): State {
  return lexQuoted(l, "'", 'charConstant', 'unterminated character constant');
}

function lexQuote(l: Lexer): State {
  return lexQuoted(l, '"', 'string', 'unterminated quoted string');
}

function lexRawQuote(l: Lexer): State {
  for (;;) {
    const r = l.next();
    if (r === undefined) return l.errorf('unterminated raw quoted string');
    if (r === '`') return l.emit('rawString');
  }
}

function lexNumber(l: Lexer): State {
  if (!l.scanNumber()) return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === '+' || sign === '-') {
    if (!l.scanNumber() || l.input[l.pos - 1] !== 'i') {
      return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
    }
    return l.emit('complex');
  }
  return l.emit('number');
}
