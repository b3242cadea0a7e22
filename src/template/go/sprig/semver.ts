/**
 * sprig's semver and semverCompare: Masterminds/semver v3.3 (the release sprig pins), from
 * src/semver.ts, as Go template values and functions.
 */
import {
  compareVersions,
  parseConstraints,
  parseVersion,
  SemverError,
  versionString,
  type Version,
} from '../../../semver.ts';
import { FuncError, fn, type GoFunc } from '../funcs.ts';
import { GoInt, GoObject, type GoMethod, type GoValue } from '../value.ts';

/** Library errors as template errors. */
function asFuncError<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof SemverError) throw new FuncError(err.message);
    throw err;
  }
}

export class SemverVersion extends GoObject implements Version {
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
    return new SemverVersion(asFuncError(() => parseVersion(v)));
  }

  goString(): string {
    return versionString(this);
  }

  toJSONValue(): unknown {
    return this.goString();
  }

  equals(other: GoObject): boolean {
    return other instanceof SemverVersion && other === this;
  }

  compare(o: SemverVersion): number {
    return compareVersions(this, o);
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

function semverCompare(constraint: string, version: string): boolean {
  return asFuncError(() => parseConstraints(constraint, 'v3.3').check(parseVersion(version)));
}

export const SEMVER_FUNCS: Record<string, GoFunc> = {
  semver: fn(['string'], ([v]) => SemverVersion.parse(v as string)),
  semverCompare: fn(['string', 'string'], ([c, v]) => semverCompare(c as string, v as string)),
};
