/**
 * YAML in and out. Input is read the way kubectl and Argo CD read it: sigs.k8s.io/yaml, i.e.
 * go-yaml v2's YAML 1.1 scalars (src/yaml-scalars.ts: `yes`/`on` are booleans, `0755` and `0o755`
 * are 493, `.` and `1e400` are strings, times and dates stay strings), then the JSON step: map keys
 * become strings, `.nan`/`.inf` values are refused (JSON cannot carry them), merge keys (`<<`)
 * apply in document order and a repeated key keeps its last value.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  stringify,
  type Scalar,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type ScalarTag,
  type SchemaOptions,
} from 'yaml';
import { SpokesError } from './errors.ts';
import {
  goMapKey,
  resolvePlainScalar,
  resolveTaggedScalar,
  type GoScalar,
  type GoScalarKind,
} from './yaml-scalars.ts';

const Y = 'tag:yaml.org,2002:';

/** A RegExp whose test() asks go-yaml's resolution: the yaml library picks scalar tags by test(). */
class ResolvesTo extends RegExp {
  readonly kind: GoScalarKind;
  constructor(kind: GoScalarKind) {
    super('(?:)');
    this.kind = kind;
  }
  override test(text: string): boolean {
    return resolvePlainScalar(text).kind === this.kind;
  }
}

/** YAML text that go-yaml reads back as this value. */
function plainText(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return Object.is(value, -0) ? '-0.0' : String(value);
  }
  return String(value);
}

function stringifyScalar({ value, source }: { value: unknown; source?: string }): string {
  return typeof source === 'string' && Object.is(resolvePlainScalar(source).value, value)
    ? source
    : plainText(value);
}

/** Untagged plain scalars: null, bool, int, float as go-yaml resolves them. */
const PLAIN_TAGS: ScalarTag[] = [
  ['null', (v: unknown) => v === null || v === undefined],
  ['bool', (v: unknown) => typeof v === 'boolean'],
  ['int', (v: unknown) => Number.isInteger(v)],
  ['float', (v: unknown) => typeof v === 'number'],
].map(([kind, identify]) => ({
  tag: Y + (kind as string),
  default: true,
  test: new ResolvesTo(kind as GoScalarKind),
  identify: identify as (v: unknown) => boolean,
  resolve: (text: string) => resolvePlainScalar(text).value,
  stringify: stringifyScalar,
}));

/** Explicitly tagged scalars (`!!float 1`, `!!int "7"`, `!!binary aGk=`), as go-yaml decodes them. */
const EXPLICIT_TAGS: ScalarTag[] = [
  ...(['null', 'bool', 'int', 'float', 'timestamp'] as const).map((kind) => ({
    tag: Y + kind,
    resolve: (text: string, onError: (message: string) => void): unknown => {
      try {
        return resolveTaggedScalar(kind, text).value;
      } catch (err) {
        onError((err as Error).message);
        return text;
      }
    },
    stringify: stringifyScalar,
  })),
  {
    tag: Y + 'binary',
    resolve: (text: string, onError: (message: string) => void): unknown => {
      const base64 = text.replace(/[\r\n]/g, '');
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(base64)) {
        onError('!!binary value contains invalid base64 data');
        return text;
      }
      return new TextDecoder().decode(Buffer.from(base64, 'base64'));
    },
  },
];

const REPLACED = new Set(['null', 'bool', 'int', 'float', 'binary', 'timestamp'].map((t) => Y + t));

export const READ_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  merge: true,
  uniqueKeys: false,
  customTags: (tags) => [
    ...PLAIN_TAGS,
    ...EXPLICIT_TAGS,
    ...tags.filter((tag) => typeof tag !== 'object' || !REPLACED.has(tag.tag)),
  ],
};

/** Where each parsed document's text came from, for positions in conversion errors. */
const ORIGIN = new WeakMap<Document.Parsed, { readonly source: string; readonly lines: LineCounter }>();

/** The documents of a YAML stream, as parsed (for edits that keep comments); the first error throws. */
export function parseYamlStream(text: string, source: string): Document.Parsed[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { ...READ_OPTIONS, lineCounter: lines });
  if (!Array.isArray(docs)) return [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error !== undefined) {
      const where = error.linePos?.[0];
      const at = where === undefined ? '' : ` at line ${where.line}, column ${where.col}`;
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new SpokesError('InvalidYaml', `invalid YAML${at}: ${message}`, {
        path: [source],
      });
    }
    ORIGIN.set(doc, { source, lines });
  }
  return docs;
}

/** Alias expansion beyond this many nodes is refused (a "billion laughs" document). */
const MAX_ALIASED_NODES = 1_000_000;

interface Walk {
  readonly doc: Document.Parsed;
  /** Throws InvalidYaml at the node; the cause holds the reason as sigs.k8s.io/yaml words it. */
  readonly fail: (node: unknown, reason: string, hint?: string) => never;
  /** Anchored nodes being expanded (an alias inside its own anchor loops). */
  readonly open: Set<unknown>;
  aliased: number;
  inAlias: number;
}

/** A parsed document as plain JSON-like data, as sigs.k8s.io/yaml hands it to Argo CD. */
export function documentValue(doc: Document.Parsed): unknown {
  const origin = ORIGIN.get(doc);
  const fail = (node: unknown, reason: string, hint?: string): never => {
    const offset = (node as { range?: [number] } | null)?.range?.[0];
    const pos = offset === undefined ? undefined : origin?.lines.linePos(offset);
    const at = pos === undefined ? '' : ` at line ${pos.line}, column ${pos.col}`;
    throw new SpokesError(
      'InvalidYaml',
      `invalid YAML${at}: ${reason}${hint === undefined ? '' : ` (${hint})`}`,
      {
        path: origin === undefined ? [] : [origin.source],
        cause: new Error(reason),
      },
    );
  };
  return toData(doc.contents, { doc, fail, open: new Set(), aliased: 0, inAlias: 0 });
}

function toData(node: unknown, walk: Walk): unknown {
  if (walk.inAlias > 0 && ++walk.aliased > MAX_ALIASED_NODES)
    walk.fail(node, 'document contains excessive aliasing');
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return viaAlias(node, walk, (target) => toData(target, walk));
  if (isScalar(node)) return scalarData(node, walk);
  if (isSeq(node)) return node.items.map((item) => toData(item, walk));
  // A `!!omap`/`!!pairs` sequence holds pairs: go-yaml ignores the tag, each is a one-key map.
  if (isPair(node)) {
    const out: Record<string, unknown> = {};
    setKey(out, mapKey(node.key, walk), toData(node.value, walk));
    return out;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (isScalar(pair.key) && typeof pair.key.value === 'symbol') mergeInto(out, pair.value, walk);
      else setKey(out, mapKey(pair.key, walk), toData(pair.value, walk));
    }
    return out;
  }
  return walk.fail(node, 'unsupported YAML node');
}

/** A scalar's value; NaN and the infinities have no JSON form. */
function scalarData(node: Scalar, walk: Walk): unknown {
  const value = node.value;
  if (typeof value === 'number' && !Number.isFinite(value)) {
    const name = Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
    walk.fail(
      node,
      `json: unsupported value: ${name}`,
      `JSON has no ${plainText(value)}; quote it for a string`,
    );
  }
  return value ?? null;
}

function viaAlias<T>(node: unknown, walk: Walk, use: (target: unknown) => T): T {
  if (!isAlias(node)) return use(node);
  const target = node.resolve(walk.doc);
  if (target === undefined) walk.fail(node, `unknown anchor '${node.source}' referenced`);
  if (walk.open.has(target)) walk.fail(node, `anchor '${node.source}' value contains itself`);
  walk.open.add(target);
  walk.inAlias++;
  try {
    return use(target);
  } finally {
    walk.inAlias--;
    walk.open.delete(target);
  }
}

/** `<<: map` or `<<: [maps]`: go-yaml sets their keys in place, earlier maps of a list winning. */
function mergeInto(out: Record<string, unknown>, value: unknown, walk: Walk): void {
  const one = (node: unknown): void =>
    viaAlias(node, walk, (target) => {
      if (!isMap(target)) walk.fail(node, 'map merge requires map or sequence of maps as the value');
      for (const [k, v] of Object.entries(toData(target, walk) as Record<string, unknown>)) setKey(out, k, v);
    });
  if (isSeq(value)) [...value.items].reverse().forEach(one);
  else one(value);
}

/** A map key as sigs.k8s.io/yaml writes it into JSON. */
function mapKey(key: unknown, walk: Walk): string {
  return viaAlias(key, walk, (target) => {
    if (!isScalar(target)) return walk.fail(key, 'invalid map key: a mapping or sequence cannot be a key');
    const value = target.value;
    const source = typeof target.source === 'string' ? target.source : String(value);
    let scalar: GoScalar;
    if (typeof value === 'string') scalar = { kind: 'str', value };
    else if (typeof value === 'boolean') scalar = { kind: 'bool', value };
    else if (value === null || value === undefined) scalar = { kind: 'null', value: null };
    else {
      const kind = target.tag === Y + 'float' ? 'float' : resolvePlainScalar(source).kind;
      scalar = { kind: kind === 'int' ? 'int' : 'float', value: Number(value) };
    }
    try {
      return goMapKey(scalar, source);
    } catch (err) {
      return walk.fail(key, (err as Error).message);
    }
  });
}

function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else out[key] = value;
}

/** Every non-empty document of a YAML stream as plain data; `source` names the file in errors. */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseYamlStream(text, source)) {
    const value = documentValue(doc);
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** Parses a single YAML value (e.g. `elementsYaml`), as Argo does. */
export function parseYamlValue(text: string, source: string): unknown {
  const docs = parseYamlDocuments(text, source);
  return docs[0] ?? null;
}

/** A multi-document YAML stream, keys in insertion order, no line folding. */
export function toYamlStream(values: readonly unknown[]): string {
  return values
    .map((value) => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }))
    .join('---\n');
}
