/**
 * YAML 1.1 scalar resolution exactly as go-yaml v2 does it (the parser under sigs.k8s.io/yaml, so
 * under kubectl and Argo CD). It differs from the YAML 1.1 spec's regular expressions on purpose:
 * a plain scalar is looked up by its first character, then in a fixed table (booleans, nulls,
 * `.nan`/`.inf`), then read with Go's strconv (underscores dropped, `0o`/`0x`/`0b`/leading-`0`
 * prefixes, int64 then uint64 range), then as a float of the form
 * `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`; anything else, or a float out of range,
 * is a string. So `.`, `-.`, `._`, `.e1` and `1e400` are strings, `0o17` is 15, `08` is 8.0,
 * sexagesimal numbers (`1:30`) and timestamps stay strings.
 */
import { formatFloat } from './template/go/strconv.ts';

export type GoScalarKind = 'null' | 'bool' | 'int' | 'float' | 'str';

export type GoScalar =
  | { readonly kind: 'null'; readonly value: null }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int' | 'float'; readonly value: number }
  | { readonly kind: 'str'; readonly value: string };

/** go-yaml's first-character hints: Sign, Digit, Map (table words), '.'; others are strings. */
function hint(s: string): 'S' | 'D' | 'M' | '.' | undefined {
  if (s === '') return 'M';
  const c = s[0]!;
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  return c === '.' ? '.' : undefined;
}

const TABLE = new Map<string, GoScalar>();
function words(list: string, scalar: GoScalar): void {
  for (const w of list.split(' ')) TABLE.set(w, scalar);
}
words('y Y yes Yes YES true True TRUE on On ON', { kind: 'bool', value: true });
words('n N no No NO false False FALSE off Off OFF', { kind: 'bool', value: false });
words('~ null Null NULL', { kind: 'null', value: null });
TABLE.set('', { kind: 'null', value: null });
words('.nan .NaN .NAN', { kind: 'float', value: NaN });
words('.inf .Inf .INF +.inf +.Inf +.INF', { kind: 'float', value: Infinity });
words('-.inf -.Inf -.INF', { kind: 'float', value: -Infinity });

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** What strconv.ParseFloat accepts of a text that starts with '.', underscores taken out. */
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const BASES: Record<string, { readonly prefix: string; readonly digits: RegExp }> = {
  x: { prefix: '0x', digits: /^[0-9a-fA-F]+$/ },
  o: { prefix: '0o', digits: /^[0-7]+$/ },
  b: { prefix: '0b', digits: /^[01]+$/ },
};

/** strconv.ParseInt(s, 0, 64), falling back to ParseUint (which takes no sign); undefined if neither. */
function parseGoInteger(s: string): bigint | undefined {
  const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
  const body = s.slice(sign.length);
  let magnitude: bigint;
  const base = /^0[xXoObB]/.test(body) ? BASES[body[1]!.toLowerCase()]! : undefined;
  if (base !== undefined) {
    if (!base.digits.test(body.slice(2))) return undefined;
    magnitude = BigInt(base.prefix + body.slice(2));
  } else if (body.startsWith('0')) {
    if (!/^[0-7]*$/.test(body.slice(1))) return undefined;
    magnitude = body.length === 1 ? 0n : BigInt('0o' + body.slice(1));
  } else {
    if (!/^[0-9]+$/.test(body)) return undefined;
    magnitude = BigInt(body);
  }
  if (sign === '-') return magnitude <= INT64_MAX + 1n ? -magnitude : undefined;
  if (magnitude <= INT64_MAX) return magnitude;
  return sign === '' && magnitude <= UINT64_MAX ? magnitude : undefined;
}

/** strconv's rule for underscores in a number it parses: each one between two digits. */
function underscoresOk(s: string): boolean {
  return !/(^|[^0-9])_|_($|[^0-9])/.test(s);
}

/** A decimal float text already known to be well formed: its value, or undefined when it overflows. */
function finiteFloat(s: string): number | undefined {
  const f = Number(s);
  return Number.isFinite(f) ? f : undefined;
}

/** How go-yaml v2 resolves an untagged plain scalar. Integers are JSON numbers here (no -0). */
export function resolvePlainScalar(s: string): GoScalar {
  const h = hint(s);
  if (h === undefined) return { kind: 'str', value: s };
  const known = TABLE.get(s);
  if (known !== undefined) return known;
  if (h === '.') {
    const f =
      underscoresOk(s) && DOT_FLOAT.test(s.replaceAll('_', ''))
        ? finiteFloat(s.replaceAll('_', ''))
        : undefined;
    if (f !== undefined) return { kind: 'float', value: f };
  } else if (h === 'S' || h === 'D') {
    const plain = s.replaceAll('_', '');
    const n = parseGoInteger(plain);
    if (n !== undefined) return { kind: 'int', value: n === 0n ? 0 : Number(n) };
    const f = YAML_STYLE_FLOAT.test(plain) ? finiteFloat(plain) : undefined;
    if (f !== undefined) return { kind: 'float', value: f };
  }
  return { kind: 'str', value: s };
}

/**
 * How go-yaml v2 resolves a scalar with an explicit `!!null`, `!!bool`, `!!int`, `!!float` or
 * `!!timestamp` tag (quoted or not): resolved as if plain, an integer accepted as a float, anything else an
 * error worded as go-yaml words it. A timestamp stays its text (go-yaml's decoding into
 * interface{} keeps it a string).
 */
export function resolveTaggedScalar(
  tag: 'null' | 'bool' | 'int' | 'float' | 'timestamp',
  s: string,
): GoScalar {
  const got = tag === 'timestamp' && isGoTimestamp(s) ? undefined : resolvePlainScalar(s);
  if (got === undefined) return { kind: 'str', value: s };
  if (got.kind === tag) return got;
  if (tag === 'float' && got.kind === 'int' && withinInt64(s)) return { kind: 'float', value: got.value };
  throw new Error(`cannot decode !!${got.kind} \`${s}\` as a !!${tag}`);
}

function withinInt64(s: string): boolean {
  const n = parseGoInteger(s.replaceAll('_', ''));
  return n !== undefined && n <= INT64_MAX;
}

/** The date forms go-yaml v2 reads as timestamps (YYYY-M-D, optionally with a time). */
function isGoTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt]|[ \t]+)(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[-+]\d{1,2}(:\d{2})?)?)?$/.exec(
      s,
    );
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * A map key as sigs.k8s.io/yaml turns it into a JSON object key: integers in decimal, floats with
 * strconv.FormatFloat(f, 'g', -1, 32) (`.inf`, `-.inf`, `.nan` for the special ones), booleans as
 * `true`/`false`. A null or out-of-int64 key is an error there.
 */
export function goMapKey(scalar: GoScalar, source: string): string {
  switch (scalar.kind) {
    case 'str':
      return scalar.value;
    case 'bool':
      return String(scalar.value);
    case 'null':
      throw new Error('a null map key cannot be a JSON object key');
    case 'int':
      if (!withinInt64(source)) throw new Error(`map key ${source} is out of the int64 range`);
      return BigInt(parseGoInteger(source.replaceAll('_', ''))!).toString();
    case 'float':
      return float32Key(scalar.value);
  }
}

function float32Key(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (!Number.isFinite(f)) return f > 0 ? '.inf' : '-.inf';
  // float32(f), then the shortest decimal that reads back as that float32, printed as %g.
  const f32 = Math.fround(f);
  if (Object.is(f32, -0)) return '-0';
  let digits = 1;
  while (Math.fround(Number(f32.toPrecision(digits))) !== f32) digits++;
  return formatFloat(Number(f32.toPrecision(digits)), 'g', -1);
}
