/**
 * sprig's semver and semverCompare on Masterminds/semver v3's rules: loose version parsing
 * (optional v, missing minor/patch), prerelease ordering, and constraints (=, !=, >, <, >=, <=,
 * ~, ~>, ^, x/X/* wildcards, hyphen ranges, comma/space AND, || OR). The constraint grammar is
 * the library's own regular expressions, run through our Go regexp.
 */
import { FuncError, fn, type GoFunc } from '../funcs.ts';
import { GoRegexp } from '../regexp.ts';
import { GoInt, GoObject, type GoMethod, type GoValue } from '../value.ts';

const SEMVER = String.raw`v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;

const versionRe = new GoRegexp(`^${SEMVER}$`);
const constraintRe = new GoRegexp(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const rangeRe = new GoRegexp(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`);
const findRe = new GoRegexp(String.raw`(${OPS})\s*(${CV})`);
const validRe = new GoRegexp(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`);

const UINT64_MAX = (1n << 64n) - 1n;
const ALLOWED = /^[0-9A-Za-z-]*$/;

function parseSegment(s: string): bigint {
  const n = BigInt(s);
  if (n > UINT64_MAX) {
    throw new FuncError(
      `Error parsing version segment: strconv.ParseUint: parsing "${s}": value out of range`,
    );
  }
  return n;
}

function validatePrerelease(pre: string): void {
  for (const part of pre.split('.')) {
    if (/^[0-9]*$/.test(part)) {
      if (part.length > 1 && part[0] === '0') throw new FuncError('Version segment starts with 0');
    } else if (!ALLOWED.test(part)) throw new FuncError('Invalid Prerelease string');
  }
}

export class SemverVersion extends GoObject {
  readonly typeName: string;
  readonly kind: string;
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: string;
  readonly metadata: string;
  readonly original: string;

  constructor(
    fields: { major: bigint; minor: bigint; patch: bigint; pre: string; metadata: string; original: string },
    pointer = true,
  ) {
    super();
    this.typeName = pointer ? '*semver.Version' : 'semver.Version';
    this.kind = pointer ? 'ptr' : 'struct';
    this.major = fields.major;
    this.minor = fields.minor;
    this.patch = fields.patch;
    this.pre = fields.pre;
    this.metadata = fields.metadata;
    this.original = fields.original;
  }

  /** semver.NewVersion. */
  static parse(v: string): SemverVersion {
    const m = versionRe.findAll(v, 1)[0];
    if (m === undefined) throw new FuncError('Invalid Semantic Version');
    const version = new SemverVersion({
      major: parseSegment(m[1]!),
      minor: m[2] ? parseSegment(m[2].slice(1)) : 0n,
      patch: m[3] ? parseSegment(m[3].slice(1)) : 0n,
      pre: m[5] ?? '',
      metadata: m[8] ?? '',
      original: v,
    });
    if (version.pre !== '') validatePrerelease(version.pre);
    return version;
  }

  goString(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre !== '') s += `-${this.pre}`;
    if (this.metadata !== '') s += `+${this.metadata}`;
    return s;
  }

  toJSONValue(): unknown {
    return this.goString();
  }

  equals(other: GoObject): boolean {
    return other instanceof SemverVersion && other === this;
  }

  compare(o: SemverVersion): number {
    for (const [a, b] of [
      [this.major, o.major],
      [this.minor, o.minor],
      [this.patch, o.patch],
    ] as const) {
      if (a !== b) return a < b ? -1 : 1;
    }
    if (this.pre === '' && o.pre === '') return 0;
    if (this.pre === '') return 1;
    if (o.pre === '') return -1;
    return comparePrerelease(this.pre, o.pre);
  }

  /** IncMajor/IncMinor/IncPatch: a semver.Version value. */
  inc(part: 'major' | 'minor' | 'patch'): SemverVersion {
    const next = {
      major: this.major,
      minor: this.minor,
      patch: this.patch,
      pre: '',
      metadata: '',
      original: '',
    };
    if (part === 'major') [next.major, next.minor, next.patch] = [this.major + 1n, 0n, 0n];
    else if (part === 'minor') [next.minor, next.patch] = [this.minor + 1n, 0n];
    else if (this.pre === '') next.patch = this.patch + 1n;
    const v = new SemverVersion(next, false);
    const prefix = this.original.startsWith('v') ? 'v' : '';
    return new SemverVersion({ ...next, original: prefix + v.goString() }, false);
  }

  override methods(): Readonly<Record<string, GoMethod>> {
    // A semver.Version value (from IncMajor...) is not addressable: only value-receiver methods.
    return this.kind === 'ptr' ? VERSION_METHODS : VALUE_METHODS;
  }
}

function comparePrerelease(a: string, b: string): number {
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const d = comparePart(as[i] ?? '', bs[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

function comparePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return -1;
  if (o === '') return 1;
  const sNum = /^[0-9]+$/.test(s) && BigInt(s) <= UINT64_MAX;
  const oNum = /^[0-9]+$/.test(o) && BigInt(o) <= UINT64_MAX;
  if (!sNum && !oNum) return s > o ? 1 : -1;
  if (!oNum) return -1;
  if (!sNum) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

const uint = (n: bigint): GoInt => new GoInt('uint64', n);
const other = (v: GoValue): SemverVersion => v as SemverVersion;
const method = (
  call: (self: SemverVersion, args: readonly GoValue[]) => GoValue,
  params: string[] = [],
): GoMethod => ({
  params,
  call: (self, args) => call(self as SemverVersion, args),
});
const PTR = '*semver.Version';

const VERSION_METHODS: Readonly<Record<string, GoMethod>> = {
  Major: method((v) => uint(v.major)),
  Minor: method((v) => uint(v.minor)),
  Patch: method((v) => uint(v.patch)),
  Prerelease: method((v) => v.pre),
  Metadata: method((v) => v.metadata),
  Original: method((v) => v.original),
  String: method((v) => v.goString()),
  IncMajor: method((v) => v.inc('major')),
  IncMinor: method((v) => v.inc('minor')),
  IncPatch: method((v) => v.inc('patch')),
  LessThan: method((v, [o]) => v.compare(other(o)) < 0, [PTR]),
  LessThanEqual: method((v, [o]) => v.compare(other(o)) <= 0, [PTR]),
  GreaterThan: method((v, [o]) => v.compare(other(o)) > 0, [PTR]),
  GreaterThanEqual: method((v, [o]) => v.compare(other(o)) >= 0, [PTR]),
  Equal: method((v, [o]) => v.compare(other(o)) === 0, [PTR]),
  Compare: method((v, [o]) => new GoInt('int', BigInt(v.compare(other(o)))), [PTR]),
};

const POINTER_ONLY = new Set([
  'Original',
  'LessThan',
  'LessThanEqual',
  'GreaterThan',
  'GreaterThanEqual',
  'Equal',
  'Compare',
]);
const VALUE_METHODS: Readonly<Record<string, GoMethod>> = Object.fromEntries(
  Object.entries(VERSION_METHODS).filter(([name]) => !POINTER_ONLY.has(name)),
);

// --- constraints ---

interface Constraint {
  readonly op: string;
  readonly con: SemverVersion;
  readonly dirty: boolean;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
}

const isX = (s: string | undefined): boolean => s === 'x' || s === 'X' || s === '*';

function parseConstraint(c: string): Constraint {
  const m = constraintRe.findAll(c, 1)[0];
  if (m === undefined) throw new FuncError(`improper constraint: ${c}`);
  const [major, minor, patch, pre] = [m[3] ?? '', m[4] ?? '', m[5] ?? '', m[6] ?? ''];
  let ver = m[2]!;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major) || major === '') {
    [ver, dirty] = [`0.0.0${pre}`, true];
  } else if (isX(minor.slice(1)) || minor === '') {
    [ver, dirty, minorDirty] = [`${major}.0.0${pre}`, true, true];
  } else if (isX(patch.slice(1)) || patch === '') {
    [ver, dirty, patchDirty] = [`${major}${minor}.0${pre}`, true, true];
  }
  let con: SemverVersion;
  try {
    con = SemverVersion.parse(ver);
  } catch {
    throw new FuncError('constraint Parser Error');
  }
  return { op: m[1]!, con, dirty, minorDirty, patchDirty };
}

function rewriteRange(c: string): string {
  let out = c;
  for (const m of rangeRe.findAll(c, -1)) out = out.replace(m[0], `>= ${m[1]}, <= ${m[11]} `);
  return out;
}

/** semver.NewConstraint: OR-groups of AND-ed constraints. */
function parseConstraints(text: string): Constraint[][] {
  return rewriteRange(text)
    .split('||')
    .map((part) => {
      if (validRe.findAll(part, 1).length === 0) throw new FuncError(`improper constraint: ${part}`);
      const found = findRe.findAll(part, -1).map((m) => m[0]);
      return (found.length === 0 ? [part] : found).map(parseConstraint);
    });
}

function tilde(v: SemverVersion, c: Constraint): boolean {
  if (v.compare(c.con) < 0) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty)
    return true;
  if (v.major !== c.con.major) return false;
  return v.minor === c.con.minor || c.minorDirty;
}

function caret(v: SemverVersion, c: Constraint): boolean {
  if (v.compare(c.con) < 0) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  if (v.minor > 0n) return false;
  return c.con.patch === v.patch;
}

function notEqual(v: SemverVersion, c: Constraint): boolean {
  if (c.dirty) {
    if (v.pre !== '' && c.con.pre === '') return false;
    if (c.con.major !== v.major) return true;
    if (c.con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (c.con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) return (v.pre !== '' || c.con.pre !== '') && comparePrerelease(v.pre, c.con.pre) !== 0;
  }
  return v.compare(c.con) !== 0;
}

function greaterThan(v: SemverVersion, c: Constraint): boolean {
  if (!c.dirty) return v.compare(c.con) === 1;
  if (v.major !== c.con.major) return v.major > c.con.major;
  if (c.minorDirty) return false;
  if (c.patchDirty) return v.minor > c.con.minor;
  return v.compare(c.con) === 1;
}

function lessThanEqual(v: SemverVersion, c: Constraint): boolean {
  if (!c.dirty) return v.compare(c.con) <= 0;
  if (v.major > c.con.major) return false;
  return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
}

function check(v: SemverVersion, c: Constraint): boolean {
  if (c.op === '!=') return notEqual(v, c);
  if (v.pre !== '' && c.con.pre === '') return false;
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : v.compare(c.con) === 0;
    case '>':
      return greaterThan(v, c);
    case '<':
      return v.compare(c.con) < 0;
    case '>=':
    case '=>':
      return v.compare(c.con) >= 0;
    case '<=':
    case '=<':
      return lessThanEqual(v, c);
    case '~':
    case '~>':
      return tilde(v, c);
    default:
      return caret(v, c);
  }
}

function semverCompare(constraint: string, version: string): boolean {
  const groups = parseConstraints(constraint);
  const v = SemverVersion.parse(version);
  return groups.some((group) => group.every((c) => check(v, c)));
}

export const SEMVER_FUNCS: Record<string, GoFunc> = {
  semver: fn(['string'], ([v]) => SemverVersion.parse(v as string)),
  semverCompare: fn(['string', 'string'], ([c, v]) => semverCompare(c as string, v as string)),
};
