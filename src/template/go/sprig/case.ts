/**
 * Case styles as huandu/xstrings v1.5 defines them (sprig's snakecase, kebabcase and camelcase):
 * words are runs of upper-case-led letters, lower-case letters, numbers, punctuation or
 * connectors (`-`, `_`, spaces), with xstrings' rules for where digits attach.
 */
import { isLetter, isNumber, isPunct, isSpace, isUpper, toLowerRune, toUpperRune } from '../unicode.ts';

function isConnector(c: string): boolean {
  return c === '-' || c === '_' || isSpace(c);
}

/** A letter that is not CJK. */
function isAlphabet(c: string): boolean {
  if (!isLetter(c)) return false;
  const r = c.codePointAt(0)!;
  if (r < 0x3400) return true;
  if (r >= 0x4e00 && r <= 0x9fcc) return false;
  if (r >= 0x3400 && r <= 0x4d85) return false;
  return !(r >= 0x20000 && r <= 0x2b81d);
}

/** xstrings' ToPascalCase (sprig's camelcase). */
export function pascalCase(s: string): string {
  const runes = [...s];
  if (runes.length === 0) return '';
  let out = '';
  let i = 0;
  let r0 = '';
  let firstUpper = false;
  while (i < runes.length) {
    r0 = runes[i++]!;
    if (!isConnector(r0)) {
      firstUpper = isUpper(r0);
      r0 = toUpperRune(r0);
      break;
    }
    out += r0;
  }
  if (i >= runes.length) return out + r0;
  while (i < runes.length) {
    const r1 = r0;
    r0 = runes[i++]!;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpper(r0);
      r0 = toUpperRune(r0);
    } else {
      if (firstUpper) {
        if (isUpper(r0)) r0 = toLowerRune(r0);
        else firstUpper = false;
      }
      out += r1;
    }
  }
  return out + r0;
}

type WordType = 'invalid' | 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other';

interface Word {
  readonly type: WordType;
  readonly text: string;
  /** Index of the first rune after the word. */
  readonly next: number;
}

function takeWhile(runes: readonly string[], from: number, pred: (c: string) => boolean): number {
  let i = from;
  while (i < runes.length && pred(runes[i]!)) i++;
  return i;
}

function upperWord(runes: readonly string[], start: number): number {
  let i = start + 1;
  if (i >= runes.length) return i;
  const r = runes[i]!;
  if (isUpper(r)) {
    i = takeWhile(runes, i, isUpper);
    // "HTTPServer": the last capital starts the next word when letters follow.
    if (i < runes.length && isAlphabet(runes[i]!)) i--;
    return i;
  }
  if (isAlphabet(r)) return takeWhile(runes, i, (c) => isAlphabet(c) && !isUpper(c));
  return i;
}

function nextWord(runes: readonly string[], start: number): Word {
  if (start >= runes.length) return { type: 'invalid', text: '', next: start };
  const r = runes[start]!;
  let type: WordType;
  let end: number;
  if (isConnector(r)) [type, end] = ['connector', takeWhile(runes, start + 1, isConnector)];
  else if (isPunct(r)) [type, end] = ['punct', takeWhile(runes, start + 1, isPunct)];
  else if (isUpper(r)) [type, end] = ['upper', upperWord(runes, start)];
  else if (isAlphabet(r))
    [type, end] = ['alphabet', takeWhile(runes, start + 1, (c) => isAlphabet(c) && !isUpper(c))];
  else if (isNumber(r)) [type, end] = ['number', takeWhile(runes, start + 1, isNumber)];
  else {
    const stop = (c: string): boolean => isConnector(c) || isAlphabet(c) || isNumber(c) || isPunct(c);
    [type, end] = ['other', takeWhile(runes, start + 1, (c) => !stop(c))];
  }
  return { type, text: runes.slice(start, end).join(''), next: end };
}

/** Builds snake/kebab case output (xstrings' camelCaseToLowerCase). */
class LowerCaser {
  out = '';
  private readonly runes: readonly string[];
  private readonly connector: string;
  word: Word;

  constructor(s: string, connector: string) {
    this.runes = [...s];
    this.connector = connector;
    this.word = nextWord(this.runes, 0);
  }

  get remaining(): boolean {
    return this.word.next < this.runes.length;
  }

  advance(): void {
    this.word = nextWord(this.runes, this.word.next);
  }

  write(type: WordType, text: string): void {
    if (type !== 'upper' && type !== 'connector') {
      this.out += text;
      return;
    }
    for (const c of text) this.out += isConnector(c) ? this.connector : isUpper(c) ? toLowerRune(c) : c;
  }

  sep(): void {
    this.out += this.connector;
  }

  /** Writes alphanumeric words until something else comes. */
  writeAlnumRun(): void {
    while (this.word.type === 'alphabet' || this.word.type === 'number') {
      this.write(this.word.type, this.word.text);
      this.advance();
    }
  }

  run(): string {
    if (this.runes.length === 0) return '';
    while (this.remaining) {
      if (this.word.type !== 'connector') this.write(this.word.type, this.word.text);
      const prev = this.word;
      this.advance();
      this.afterWord(prev);
    }
    this.write(this.word.type, this.word.text);
    return this.out;
  }

  /** The current word's type (a method, so narrowing does not outlive `advance`). */
  private nextType(): WordType {
    return this.word.type;
  }

  /** A connector unless the next word is invalid (the end), a connector or punctuation. */
  private sepBeforeWord(allowInvalid: boolean): void {
    const t = this.word.type;
    if ((allowInvalid || t !== 'invalid') && t !== 'connector' && t !== 'punct') this.sep();
  }

  private afterWord(prev: Word): void {
    if (prev.type === 'number') {
      this.writeAlnumRun();
      this.sepBeforeWord(false);
    } else if (prev.type === 'connector') {
      this.write(prev.type, prev.text);
    } else if (prev.type !== 'punct') {
      this.afterLetters();
    }
  }

  /** After a word of letters: digits that follow join it when letters come after them. */
  private afterLetters(): void {
    const digits = this.word;
    if (digits.type !== 'number') return this.sepBeforeWord(true);
    if (!this.remaining) return;
    this.advance();
    if (this.nextType() !== 'alphabet') {
      this.write('number', digits.text);
      return this.sepBeforeWord(true);
    }
    this.sep();
    this.write('number', digits.text);
    this.writeAlnumRun();
    this.sepBeforeWord(false);
  }
}

/** xstrings' ToSnakeCase (`_`) and ToKebabCase (`-`). */
export function caseStyle(s: string, connector: string): string {
  return new LowerCaser(s, connector).run();
}
