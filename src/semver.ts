/**
 * Semantic versions and constraints on Masterminds/semver v3's rules, which both sprig's
 * `semverCompare` and Argo CD's chart-version resolution use: loose parsing (optional `v`, missing
 * minor/patch), prerelease ordering, and constraints (=, !=, >, <, >=, <=, ~, ~>, ^, x/X/*
 * wildcards, hyphen ranges, comma/space AND, || OR). The grammar is the library's own regular
 * expressions, run through our Go regexp.
 *
 * Prereleases: v3.3 (what sprig pins) lets a prerelease satisfy a constraint only if that constraint
 * names a prerelease; v3.4 (what Argo CD builds with) decides per AND group: a prerelease is
 * considered when any constraint of the group names one.
 */
import { GoRegexp } from './template/go/regexp.ts';

/** A version or constraint that does not parse; the message is the library's. */
export class SemverError extends Error {
  override readonly name = 'SemverError';
}

export interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: string;
  readonly metadata: string;
  /** The text as given. */
  readonly original: string;
}

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
    throw new SemverError(
      `Error parsing version segment: strconv.ParseUint: parsing "${s}": value out of range`,
    );
  }
  return n;
}

function validatePrerelease(pre: string): void {
  for (const part of pre.split('.')) {
    if (/^[0-9]*$/.test(part)) {
      if (part.length > 1 && part[0] === '0') throw new SemverError('Version segment starts with 0');
    } else if (!ALLOWED.test(part)) throw new SemverError('Invalid Prerelease string');
  }
}

/** semver.NewVersion. */
export function parseVersion(v: string): Version {
  const m = versionRe.findAll(v, 1)[0];
  if (m === undefined) throw new SemverError('Invalid Semantic Version');
  const version: Version = {
    major: parseSegment(m[1]!),
    minor: m[2] ? parseSegment(m[2].slice(1)) : 0n,
    patch: m[3] ? parseSegment(m[3].slice(1)) : 0n,
    pre: m[5] ?? '',
    metadata: m[8] ?? '',
    original: v,
  };
  if (version.pre !== '') validatePrerelease(version.pre);
  return version;
}

/** True when `text` parses as a version (Argo CD's `versions.IsVersion`). */
export function isVersion(text: string): boolean {
  try {
    parseVersion(text);
    return true;
  } catch {
    return false;
  }
}

/** The canonical form: `1.2.3-pre+meta` (no `v`). */
export function versionString(v: Version): string {
  let s = `${v.major}.${v.minor}.${v.patch}`;
  if (v.pre !== '') s += `-${v.pre}`;
  if (v.metadata !== '') s += `+${v.metadata}`;
  return s;
}

/** Version.Compare: -1, 0 or 1 (metadata ignored). */
export function compareVersions(a: Version, b: Version): number {
  for (const [x, y] of [
    [a.major, b.major],
    [a.minor, b.minor],
    [a.patch, b.patch],
  ] as const) {
    if (x !== y) return x < y ? -1 : 1;
  }
  if (a.pre === '' && b.pre === '') return 0;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  return comparePrerelease(a.pre, b.pre);
}

export function comparePrerelease(a: string, b: string): number {
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

// --- constraints ---

interface Constraint {
  readonly op: string;
  readonly con: Version;
  readonly dirty: boolean;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
}

/** Which library release's prerelease rule to follow (see the module comment). */
export type PrereleaseRule = 'v3.3' | 'v3.4';

export interface Constraints {
  /** The constraint text as given. */
  readonly text: string;
  check(v: Version): boolean;
}

const isX = (s: string | undefined): boolean => s === 'x' || s === 'X' || s === '*';

function parseConstraint(c: string): Constraint {
  const m = constraintRe.findAll(c, 1)[0];
  if (m === undefined) throw new SemverError(`improper constraint: ${c}`);
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
  let con: Version;
  try {
    con = parseVersion(ver);
  } catch {
    throw new SemverError('constraint Parser Error');
  }
  return { op: m[1]!, con, dirty, minorDirty, patchDirty };
}

function rewriteRange(c: string): string {
  let out = c;
  for (const m of rangeRe.findAll(c, -1)) out = out.replace(m[0], `>= ${m[1]}, <= ${m[11]} `);
  return out;
}

/** semver.NewConstraint: OR-groups of AND-ed constraints. */
function parseGroups(text: string): Constraint[][] {
  return rewriteRange(text)
    .split('||')
    .map((part) => {
      if (validRe.findAll(part, 1).length === 0) throw new SemverError(`improper constraint: ${part}`);
      const found = findRe.findAll(part, -1).map((m) => m[0]);
      return (found.length === 0 ? [part] : found).map(parseConstraint);
    });
}

function tilde(v: Version, c: Constraint): boolean {
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty)
    return true;
  if (v.major !== c.con.major) return false;
  return v.minor === c.con.minor || c.minorDirty;
}

function caret(v: Version, c: Constraint): boolean {
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  if (v.minor > 0n) return false;
  return c.con.patch === v.patch;
}

function notEqual(v: Version, c: Constraint): boolean {
  if (c.dirty) {
    if (c.con.major !== v.major) return true;
    if (c.con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (c.con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) return (v.pre !== '' || c.con.pre !== '') && comparePrerelease(v.pre, c.con.pre) !== 0;
  }
  return compareVersions(v, c.con) !== 0;
}

function greaterThan(v: Version, c: Constraint): boolean {
  if (!c.dirty) return compareVersions(v, c.con) === 1;
  if (v.major !== c.con.major) return v.major > c.con.major;
  if (c.minorDirty) return false;
  if (c.patchDirty) return v.minor > c.con.minor;
  return compareVersions(v, c.con) === 1;
}

function lessThanEqual(v: Version, c: Constraint): boolean {
  if (!c.dirty) return compareVersions(v, c.con) <= 0;
  if (v.major > c.con.major) return false;
  return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
}

/** The operator's test, prereleases already admitted. */
function satisfies(v: Version, c: Constraint): boolean {
  switch (c.op) {
    case '!=':
      return notEqual(v, c);
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : compareVersions(v, c.con) === 0;
    case '>':
      return greaterThan(v, c);
    case '<':
      return compareVersions(v, c.con) < 0;
    case '>=':
    case '=>':
      return compareVersions(v, c.con) >= 0;
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

/** v3.3: a prerelease passes a constraint only when the constraint names one (`!=`: only when dirty). */
function admitsV33(v: Version, c: Constraint): boolean {
  if (v.pre === '' || c.con.pre !== '') return true;
  return c.op === '!=' && !c.dirty;
}

/** semver.NewConstraint(text), checked with the given release's prerelease rule. */
export function parseConstraints(text: string, rule: PrereleaseRule): Constraints {
  const groups = parseGroups(text);
  const check = (v: Version): boolean =>
    groups.some((group) => {
      if (rule === 'v3.3') return group.every((c) => admitsV33(v, c) && satisfies(v, c));
      const includePre = group.some((c) => c.con.pre !== '');
      if (v.pre !== '' && !includePre) return false;
      return group.every((c) => satisfies(v, c));
    });
  return { text, check };
}
