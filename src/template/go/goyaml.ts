/**
 * YAML as Argo CD's toYaml/fromYaml see it: sigs.k8s.io/yaml, i.e. a JSON round trip through
 * go-yaml v2. toYaml emits go-yaml v2's block style (natural key order, 2-space indent, sequences
 * flush with their key, quoting decided by YAML 1.1 resolution, folding at 80 columns); fromYaml
 * reads YAML 1.1 scalars (yes/no, 0777 octal...) into JSON-like values with float64 numbers.
 */
import { parseDocument } from 'yaml';
import { SpokesError } from '../../errors.ts';
import { resolvePlainScalar } from '../../yaml-scalars.ts';
import { documentValue, READ_OPTIONS } from '../../yaml.ts';
import { FuncError } from './funcs.ts';
import { jsonFloat } from './json.ts';
import { formatFloat } from './strconv.ts';
import { isLetter } from './unicode.ts';
import { GoInt, GoObject, isMap, type GoMap, type GoValue } from './value.ts';

// --- toYaml -------------------------------------------------------------------------------

/** A number as go-yaml sees it after json.Marshal: an integer literal or a float. */
function yamlNumber(f: number): string {
  const text = jsonFloat(f);
  if (!/[.eE]/.test(text)) {
    const n = BigInt(text);
    if (n >= -(1n << 63n) && n < 1n << 64n) return n.toString();
  }
  return formatFloat(Number(text), 'g', -1);
}

const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]| +)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[-+]\d{1,2}(?::\d{2})?)?)?$/;

function isTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Whether go-yaml v2 would read this plain text as something other than a string. */
function resolvesToNonString(s: string): boolean {
  return resolvePlainScalar(s).kind !== 'str' || isTimestamp(s);
}

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
    c >= 0x10000
  );
}

const isBlank = (c: string | undefined): boolean => c === undefined || c === ' ' || c === '\t' || c === '\n';

/** The character classes libyaml's analysis looks at, collected over the scalar. */
interface Scan {
  indicators: boolean;
  special: boolean;
  lineBreaks: boolean;
  edgeSpaceOrBreak: boolean;
  breakSpace: boolean;
  spaceBreak: boolean;
}

/** Whether character i makes plain style impossible (`: `, ` #`, or an indicator first). */
function isIndicator(chars: readonly string[], i: number): boolean {
  const c = chars[i]!;
  const followed = isBlank(chars[i + 1]);
  if (i === 0) return '#,[]{}&*!|>\'"%@`'.includes(c) || ((c === '?' || c === ':' || c === '-') && followed);
  return (c === ':' && followed) || (c === '#' && isBlank(chars[i - 1]));
}

function scan(chars: readonly string[]): Scan {
  const r: Scan = {
    indicators: false,
    special: false,
    lineBreaks: false,
    edgeSpaceOrBreak: false,
    breakSpace: false,
    spaceBreak: false,
  };
  const last = chars.length - 1;
  chars.forEach((c, i) => {
    if (isIndicator(chars, i)) r.indicators = true;
    if (!isPrintable(c.codePointAt(0)!)) r.special = true;
    if (c !== ' ' && c !== '\n') return;
    if (i === 0 || i === last) r.edgeSpaceOrBreak = true;
    if (c === '\n') r.lineBreaks = true;
    if (c === ' ' && chars[i - 1] === '\n') r.breakSpace = true;
    if (c === '\n' && chars[i - 1] === ' ') r.spaceBreak = true;
  });
  return r;
}

/** libyaml's yaml_emitter_analyze_scalar, for block context. */
function analyze(s: string): Analysis {
  if (s === '') return { multiline: false, blockPlain: true, singleQuoted: true, block: false };
  const chars = [...s];
  const r = scan(chars);
  const indicators = r.indicators || s.startsWith('---') || s.startsWith('...');
  const broken = r.spaceBreak || r.special;
  return {
    multiline: r.lineBreaks,
    blockPlain: !(r.edgeSpaceOrBreak || r.lineBreaks || indicators || r.breakSpace || broken),
    singleQuoted: !(r.breakSpace || broken),
    block: chars[chars.length - 1] !== ' ' && !broken,
  };
}

type Style = 'plain' | 'single' | 'double' | 'literal';

/** go-yaml v2's choice of scalar style (encoder request, then the emitter's checks). */
function selectStyle(s: string, key: boolean): Style {
  const a = analyze(s);
  let style: Style = resolvesToNonString(s) || BASE60_FLOAT.test(s) ? 'double' : 'plain';
  if (s.includes('\n')) style = 'literal';
  if (key && a.multiline) return 'double';
  if (style === 'plain' && (!a.blockPlain || (s === '' && key))) style = 'single';
  if (style === 'single' && !a.singleQuoted) return 'double';
  if (style === 'literal' && (!a.block || key)) return 'double';
  return style;
}

const WIDTH = 80;

/** Writes go-yaml v2 output, tracking the column for line folding. */
class Emitter {
  out = '';
  column = 0;

  write(s: string): void {
    this.out += s;
    const nl = s.lastIndexOf('\n');
    this.column = nl < 0 ? this.column + [...s].length : [...s.slice(nl + 1)].length;
  }

  newline(indent: number): void {
    this.write('\n' + ' '.repeat(indent));
  }

  scalar(s: string, indent: number, key: boolean): void {
    const style = selectStyle(s, key);
    if (style === 'plain') this.folded(s, indent, !key, '');
    else if (style === 'single') this.folded(s.replaceAll("'", "''"), indent, !key, "'");
    else if (style === 'double') this.doubleQuoted(s, indent, !key);
    else this.literal(s, indent);
  }

  /** Double-quoted text with YAML escapes, folded at spaces once past the width. */
  private doubleQuoted(s: string, indent: number, allowBreaks: boolean): void {
    this.write('"');
    const chars = [...s];
    let spaces = false;
    chars.forEach((ch, i) => {
      const c = ch.codePointAt(0)!;
      const escaped = escapeDouble(c);
      if (escaped !== undefined) {
        this.write(escaped);
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > WIDTH && i !== 0 && i !== chars.length - 1) {
          this.newline(indent);
          if (chars[i + 1] === ' ') this.write('\\');
        } else this.write(ch);
        spaces = true;
      } else {
        this.write(ch);
        spaces = false;
      }
    });
    this.write('"');
  }

  /** Plain or single-quoted text, folded at spaces once past the width. */
  private folded(s: string, indent: number, allowBreaks: boolean, quote: string): void {
    this.write(quote);
    const chars = [...s];
    let spaces = false;
    chars.forEach((c, i) => {
      if (c === ' ') {
        const canBreak = quote === '' || (i !== 0 && i !== chars.length - 1);
        if (allowBreaks && canBreak && !spaces && this.column > WIDTH && chars[i + 1] !== ' ')
          this.newline(indent);
        else this.write(c);
        spaces = true;
      } else {
        this.write(c);
        spaces = false;
      }
    });
    this.write(quote);
  }

  private literal(s: string, indent: number): void {
    let chomp = '-';
    if (s.endsWith('\n')) chomp = s.endsWith('\n\n') || s === '\n' ? '+' : '';
    const hint = s.startsWith(' ') || s.startsWith('\n') ? '2' : '';
    this.write(`|${hint}${chomp}`);
    const body = chomp === '-' ? s : s.slice(0, -1);
    for (const line of body.split('\n')) {
      this.write('\n');
      if (line !== '') this.write(' '.repeat(indent) + line);
    }
  }
}

const DOUBLE_ESCAPES: Record<number, string> = {
  0: '\\0',
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
  0x1b: '\\e',
  0x22: '\\"',
  0x5c: '\\\\',
  0x85: '\\N',
  0xa0: '\\_',
  0x2028: '\\L',
  0x2029: '\\P',
};

/** The escape for a character inside double quotes, if it needs one. */
function escapeDouble(c: number): string | undefined {
  const esc = DOUBLE_ESCAPES[c];
  if (esc !== undefined) return esc;
  if (isPrintable(c) && c !== 0xfeff) return undefined;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  return c <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
}

/** go-yaml v2's map key order: letters by code point, digit runs by numeric value. */
export function compareYamlKeys(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! - br[i]!.codePointAt(0)!;
    if (al || bl) return bl ? -1 : 1;
    return compareDigitRuns(ar, br, i);
  }
  return ar.length - br.length;
}

function compareDigitRuns(ar: string[], br: string[], i: number): number {
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  let an = 0n;
  let bn = 0n;
  if (ar[i] === '0' || br[i] === '0') {
    for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
      if (ar[j] !== '0') {
        [an, bn] = [1n, 1n];
        break;
      }
    }
  }
  let ai = i;
  let bi = i;
  for (; isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai]!.charCodeAt(0) - 48);
  for (; isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi]!.charCodeAt(0) - 48);
  if (an !== bn) return an < bn ? -1 : 1;
  if (ai !== bi) return ai - bi;
  return ar[i]!.codePointAt(0)! - br[i]!.codePointAt(0)!;
}

/** The value json.Marshal would produce, as YAML nodes: numbers become their YAML text. */
type Node = { num: string } | string | boolean | null | Node[] | { [key: string]: Node };

function toNode(v: GoValue): Node {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return { num: yamlNumber(v) };
  if (v instanceof GoInt) return { num: v.value.toString() };
  if (v instanceof GoObject) return toNode(v.toJSONValue() as GoValue);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(toNode);
  const out: { [key: string]: Node } = {};
  for (const k of Object.keys(v)) out[k] = toNode(v[k]);
  return out;
}

function isNum(n: Node): n is { num: string } {
  return (
    typeof n === 'object' &&
    n !== null &&
    !Array.isArray(n) &&
    typeof (n as { num?: unknown }).num === 'string'
  );
}

function isEmptyCollection(n: Node): string | undefined {
  if (Array.isArray(n)) return n.length === 0 ? '[]' : undefined;
  if (typeof n === 'object' && n !== null && !isNum(n)) return Object.keys(n).length === 0 ? '{}' : undefined;
  return undefined;
}

function emitScalar(e: Emitter, n: Node, indent: number): void {
  if (n === null) e.write('null');
  else if (typeof n === 'boolean') e.write(n ? 'true' : 'false');
  else if (isNum(n)) e.write(n.num);
  else e.scalar(n as string, indent, false);
}

function emitNode(e: Emitter, n: Node, indent: number): void {
  const empty = isEmptyCollection(n);
  if (empty !== undefined) return e.write(empty);
  if (Array.isArray(n)) return emitSequence(e, n, indent);
  if (typeof n === 'object' && n !== null && !isNum(n)) return emitMapping(e, n, indent);
  emitScalar(e, n, indent);
}

function isBlockCollection(n: Node): boolean {
  return (
    (Array.isArray(n) || (typeof n === 'object' && n !== null && !isNum(n))) &&
    isEmptyCollection(n) === undefined
  );
}

function emitSequence(e: Emitter, items: Node[], indent: number): void {
  items.forEach((item, i) => {
    if (i > 0) e.newline(indent);
    e.write('- ');
    emitNode(e, item, indent + 2);
  });
}

function emitMapping(e: Emitter, m: { [key: string]: Node }, indent: number): void {
  Object.keys(m)
    .sort(compareYamlKeys)
    .forEach((k, i) => {
      if (i > 0) e.newline(indent);
      if (k.includes('\n')) {
        // A multi-line key needs the explicit `? key` / `: value` form.
        e.write('? ');
        e.scalar(k, indent + 2, false);
        e.newline(indent);
      } else {
        e.scalar(k, indent, true);
      }
      e.write(':');
      const v = m[k]!;
      if (!isBlockCollection(v)) {
        e.write(' ');
        emitNode(e, v, indent + 2);
      } else if (Array.isArray(v)) {
        e.newline(indent);
        emitSequence(e, v, indent);
      } else {
        e.newline(indent + 2);
        emitNode(e, v, indent + 2);
      }
    });
}

/** Argo CD's toYaml: sigs.k8s.io/yaml.Marshal without the final newline. */
export function toYaml(v: GoValue): string {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new FuncError(`error marshaling into JSON: json: unsupported value: ${formatFloat(v, 'g', -1)}`);
  }
  const e = new Emitter();
  emitNode(e, toNode(v), 0);
  return e.out;
}

// --- fromYaml -----------------------------------------------------------------------------

/** The first YAML document as sigs.k8s.io/yaml reads it (src/yaml.ts), errors worded as Go's. */
function parseYaml11(text: string): GoValue {
  const doc = parseDocument(text, READ_OPTIONS);
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const line = firstError.linePos?.[0].line ?? 1;
    const reason = firstError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new FuncError(`error converting YAML to JSON: yaml: line ${line}: ${reason}`);
  }
  try {
    return documentValue(doc) as GoValue;
  } catch (err) {
    if (err instanceof SpokesError && err.cause instanceof Error) {
      throw new FuncError(`error converting YAML to JSON: ${err.cause.message}`);
    }
    throw err;
  }
}

function jsonKind(v: GoValue): string {
  if (Array.isArray(v)) return 'array';
  if (isMap(v)) return 'object';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

function unmarshalError(v: GoValue, into: string): FuncError {
  return new FuncError(
    `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go value of type ${into}`,
  );
}

/** Argo CD's fromYaml: a YAML mapping as map[string]interface{} (empty text: empty map). */
export function fromYaml(text: string): GoMap {
  const v = parseYaml11(text);
  if (v === null) return {};
  if (!isMap(v)) throw unmarshalError(v, 'map[string]interface {}');
  return v;
}

/** Argo CD's fromYamlArray: a YAML sequence as []interface{} (empty text: empty list). */
export function fromYamlArray(text: string): GoValue[] {
  const v = parseYaml11(text);
  if (v === null) return [];
  if (!Array.isArray(v)) throw unmarshalError(v, '[]interface {}');
  return v;
}
