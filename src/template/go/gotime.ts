/**
 * Go's time package, as far as sprig's date functions need it: time.Time (unix seconds,
 * nanoseconds and a zone) with Go's layout-based Format and Parse, its String and JSON forms and
 * the common methods, plus time.Duration parsing and printing.
 *
 * Zones: UTC, Local (taken to be UTC: Argo CD's controller image runs in UTC), fixed offsets, and
 * IANA names resolved through Intl (abbreviations are Intl's, which match Go's for US zones).
 */
import { FuncError } from './funcs.ts';
import { quote } from './strconv.ts';
import { GoInt, GoObject, type GoMethod } from './value.ts';

export interface Zone {
  readonly name: string;
  lookup(unixSec: number): { offset: number; abbrev: string };
}

export const UTC_ZONE: Zone = { name: 'UTC', lookup: () => ({ offset: 0, abbrev: 'UTC' }) };
export const LOCAL_ZONE: Zone = { name: 'Local', lookup: () => ({ offset: 0, abbrev: 'UTC' }) };

export function fixedZone(name: string, offset: number): Zone {
  return { name, lookup: () => ({ offset, abbrev: name }) };
}

const ianaZones = new Map<string, Zone | null>();

/** time.LoadLocation: "", "UTC", "Local", or an IANA name; undefined when unknown. */
export function loadLocation(name: string): Zone | undefined {
  if (name === '' || name === 'UTC') return UTC_ZONE;
  if (name === 'Local') return LOCAL_ZONE;
  let zone = ianaZones.get(name);
  if (zone === undefined) {
    zone = ianaZone(name);
    ianaZones.set(name, zone);
  }
  return zone ?? undefined;
}

function ianaZone(name: string): Zone | null {
  let offsetFmt: Intl.DateTimeFormat;
  let abbrevFmt: Intl.DateTimeFormat;
  try {
    offsetFmt = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
    abbrevFmt = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'short' });
  } catch {
    return null;
  }
  const part = (fmt: Intl.DateTimeFormat, sec: number): string =>
    fmt.formatToParts(new Date(sec * 1000)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  return {
    name,
    lookup(unixSec) {
      const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part(offsetFmt, unixSec));
      const offset = m === null ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
      return { offset, abbrev: part(abbrevFmt, unixSec) };
    },
  };
}

// --- civil calendar arithmetic (proleptic Gregorian, any year) ---

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Days since 1970-01-01 of a civil date (months may overflow, as Go's time.Date allows). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y0 = year + floorDiv(month - 1, 12);
  const m0 = ((((month - 1) % 12) + 12) % 12) + 1;
  const y = m0 <= 2 ? y0 - 1 : y0;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const doy = floorDiv(153 * (m0 + (m0 > 2 ? -3 : 9)) + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const day = doy - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

export const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A named Go integer type with a String method (time.Month, time.Weekday). */
export class GoNamedInt extends GoObject {
  readonly typeName: string;
  readonly kind = 'int';
  readonly value: number;
  private readonly names: readonly string[];
  private readonly base: number;

  constructor(typeName: string, value: number, names: readonly string[], base: number) {
    super();
    this.typeName = typeName;
    this.value = value;
    this.names = names;
    this.base = base;
  }
  goString(): string {
    return this.names[this.value - this.base] ?? `%!${this.typeName.slice(5)}(${this.value})`;
  }
  override truthy(): boolean {
    return this.value !== 0;
  }
  override asInt(): GoInt {
    return new GoInt('int', BigInt(this.value));
  }
  toJSONValue(): unknown {
    return this.value;
  }
  equals(other: GoObject): boolean {
    return other instanceof GoNamedInt && other.value === this.value;
  }
}

/** The broken-down fields of a time in its zone. */
export interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  weekday: number;
  yday: number;
  offset: number;
  abbrev: string;
}

const ZERO_UNIX = -62135596800;

export class GoTime extends GoObject {
  readonly typeName = 'time.Time';
  readonly kind = 'struct';
  /** Seconds since the Unix epoch. */
  readonly sec: number;
  /** Nanoseconds within the second, 0..999999999. */
  readonly nsec: number;
  readonly zone: Zone;

  constructor(sec: number, nsec: number, zone: Zone) {
    super();
    const carry = floorDiv(nsec, 1e9);
    this.sec = sec + carry;
    this.nsec = nsec - carry * 1e9;
    this.zone = zone;
  }

  static zero(): GoTime {
    return new GoTime(ZERO_UNIX, 0, UTC_ZONE);
  }

  static fromMillis(ms: number, zone: Zone): GoTime {
    const sec = floorDiv(ms, 1000);
    return new GoTime(sec, (ms - sec * 1000) * 1e6, zone);
  }

  in(zone: Zone): GoTime {
    return new GoTime(this.sec, this.nsec, zone);
  }

  civil(): Civil {
    const { offset, abbrev } = this.zone.lookup(this.sec);
    const local = this.sec + offset;
    const days = floorDiv(local, 86400);
    const secOfDay = local - days * 86400;
    const { year, month, day } = civilFromDays(days);
    return {
      year,
      month,
      day,
      hour: floorDiv(secOfDay, 3600),
      min: floorDiv(secOfDay % 3600, 60),
      sec: secOfDay % 60,
      weekday: (((days + 4) % 7) + 7) % 7,
      yday: days - daysFromCivil(year, 1, 1) + 1,
      offset,
      abbrev,
    };
  }

  format(layout: string): string {
    return formatTime(this, layout);
  }

  goString(): string {
    return this.format('2006-01-02 15:04:05.999999999 -0700 MST');
  }

  toJSONValue(): unknown {
    return this.format('2006-01-02T15:04:05.999999999Z07:00');
  }

  equals(other: GoObject): boolean {
    return (
      other instanceof GoTime &&
      other.sec === this.sec &&
      other.nsec === this.nsec &&
      other.zone === this.zone
    );
  }

  override methods(): Readonly<Record<string, GoMethod>> {
    return TIME_METHODS;
  }

  /** time.Date with overflowing fields normalized, in `zone`. */
  static date(c: Omit<Civil, 'weekday' | 'yday' | 'offset' | 'abbrev'>, nsec: number, zone: Zone): GoTime {
    const days = daysFromCivil(c.year, c.month, c.day);
    const wall = days * 86400 + c.hour * 3600 + c.min * 60 + c.sec;
    // Resolve the zone offset at the wall time (twice, for transitions).
    let offset = zone.lookup(wall).offset;
    offset = zone.lookup(wall - offset).offset;
    return new GoTime(wall - offset, nsec, zone);
  }
}

function int(n: number): GoInt {
  return new GoInt('int', BigInt(n));
}

function int64(n: bigint): GoInt {
  return new GoInt('int64', n);
}

const civilInt = (pick: (c: Civil) => number): GoMethod => ({
  params: [],
  call: (self) => int(pick((self as GoTime).civil())),
});

const TIME_METHODS: Readonly<Record<string, GoMethod>> = {
  Year: civilInt((c) => c.year),
  Day: civilInt((c) => c.day),
  Hour: civilInt((c) => c.hour),
  Minute: civilInt((c) => c.min),
  Second: civilInt((c) => c.sec),
  YearDay: civilInt((c) => c.yday),
  Nanosecond: { params: [], call: (self) => int((self as GoTime).nsec) },
  Month: {
    params: [],
    call: (self) => new GoNamedInt('time.Month', (self as GoTime).civil().month, LONG_MONTHS, 1),
  },
  Weekday: {
    params: [],
    call: (self) => new GoNamedInt('time.Weekday', (self as GoTime).civil().weekday, LONG_DAYS, 0),
  },
  Unix: { params: [], call: (self) => int64(BigInt((self as GoTime).sec)) },
  UnixMilli: { params: [], call: (self) => int64(unixNano(self as GoTime) / 1_000_000n) },
  UnixMicro: { params: [], call: (self) => int64(unixNano(self as GoTime) / 1000n) },
  UnixNano: { params: [], call: (self) => int64(unixNano(self as GoTime)) },
  UTC: { params: [], call: (self) => (self as GoTime).in(UTC_ZONE) },
  Local: { params: [], call: (self) => (self as GoTime).in(LOCAL_ZONE) },
  IsZero: { params: [], call: (self) => (self as GoTime).sec === ZERO_UNIX && (self as GoTime).nsec === 0 },
  Format: { params: ['string'], call: (self, [layout]) => (self as GoTime).format(layout as string) },
  String: { params: [], call: (self) => (self as GoTime).goString() },
  AddDate: {
    params: ['int', 'int', 'int'],
    call: (self, args) => {
      const t = self as GoTime;
      const [y, m, d] = args.map((a) => Number((a as GoInt).value)) as [number, number, number];
      const c = t.civil();
      return GoTime.date({ ...c, year: c.year + y, month: c.month + m, day: c.day + d }, t.nsec, t.zone);
    },
  },
  Sub: {
    params: ['time.Time'],
    call: (self, [o]) => new GoDuration(clampDuration(unixNano(self as GoTime) - unixNano(o as GoTime))),
  },
  Add: { params: ['time.Duration'], call: (self, [d]) => addDuration(self as GoTime, (d as GoDuration).ns) },
  Before: { params: ['time.Time'], call: (self, [o]) => compareTimes(self as GoTime, o as GoTime) < 0 },
  After: { params: ['time.Time'], call: (self, [o]) => compareTimes(self as GoTime, o as GoTime) > 0 },
  Equal: { params: ['time.Time'], call: (self, [o]) => compareTimes(self as GoTime, o as GoTime) === 0 },
};

const MAX_DURATION = (1n << 63n) - 1n;
const MIN_DURATION = -(1n << 63n);

/** t.Sub saturates at the largest and smallest Duration, as Go's does. */
function clampDuration(ns: bigint): bigint {
  return ns > MAX_DURATION ? MAX_DURATION : ns < MIN_DURATION ? MIN_DURATION : ns;
}

/** Go's time.Duration: an int64 of nanoseconds that prints as `1h2m3s`. */
export class GoDuration extends GoObject {
  readonly typeName = 'time.Duration';
  readonly kind = 'int64';
  readonly ns: bigint;

  constructor(ns: bigint) {
    super();
    this.ns = BigInt.asIntN(64, ns);
  }

  goString(): string {
    return durationString(this.ns);
  }

  toJSONValue(): unknown {
    return Number(this.ns);
  }

  override asInt(): GoInt {
    return int64(this.ns);
  }

  override truthy(): boolean {
    return this.ns !== 0n;
  }

  equals(other: GoObject): boolean {
    return other instanceof GoDuration && other.ns === this.ns;
  }

  override methods(): Readonly<Record<string, GoMethod>> {
    return DURATION_METHODS;
  }
}

/** A float64 count of `unit` nanoseconds in a duration, as Hours/Minutes/Seconds compute it. */
function durationIn(d: bigint, unit: bigint): number {
  const whole = d / unit;
  return Number(whole) + Number(d % unit) / Number(unit);
}

const nanos = (self: GoObject): bigint => (self as GoDuration).ns;

const DURATION_METHODS: Readonly<Record<string, GoMethod>> = {
  Hours: { params: [], call: (self) => durationIn(nanos(self), 3_600_000_000_000n) },
  Minutes: { params: [], call: (self) => durationIn(nanos(self), 60_000_000_000n) },
  Seconds: { params: [], call: (self) => durationIn(nanos(self), 1_000_000_000n) },
  Milliseconds: { params: [], call: (self) => int64(nanos(self) / 1_000_000n) },
  Microseconds: { params: [], call: (self) => int64(nanos(self) / 1000n) },
  Nanoseconds: { params: [], call: (self) => int64(nanos(self)) },
  Abs: {
    params: [],
    call: (self) => new GoDuration(nanos(self) < 0n ? clampDuration(-nanos(self)) : nanos(self)),
  },
  String: { params: [], call: (self) => durationString(nanos(self)) },
  Truncate: {
    params: ['time.Duration'],
    call: (self, [m]) => {
      const unit = (m as GoDuration).ns;
      return unit <= 0n ? self : new GoDuration(nanos(self) - (nanos(self) % unit));
    },
  },
};

function unixNano(t: GoTime): bigint {
  return BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec);
}

function compareTimes(a: GoTime, b: GoTime): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

/** Adds a duration (nanoseconds) to a time. */
export function addDuration(t: GoTime, ns: bigint): GoTime {
  const total = BigInt(t.nsec) + ns;
  const secs = total / 1_000_000_000n - (total < 0n && total % 1_000_000_000n !== 0n ? 1n : 0n);
  return new GoTime(t.sec + Number(secs), Number(total - secs * 1_000_000_000n), t.zone);
}

// --- layouts ---

interface Std {
  readonly kind: string;
  /** Fractional seconds: how many digits, and the separator ('.' or ','). */
  readonly digits?: number;
  readonly sep?: string;
}

const startsWithLower = (s: string): boolean => s.length > 0 && s[0]! >= 'a' && s[0]! <= 'z';

interface ChunkRule {
  readonly text: string;
  readonly kind: string;
  /** Characters of `text` that stay literal (the `_` of `_2006`). */
  readonly skip?: number;
  /** "Jan"/"Mon" are elements only when no lower-case letter follows. */
  readonly notBeforeLower?: boolean;
}

/** The layout elements, in the order Go tries them at each position. */
const CHUNK_RULES: readonly ChunkRule[] = [
  { text: 'January', kind: 'longMonth' },
  { text: 'Jan', kind: 'month', notBeforeLower: true },
  { text: 'Monday', kind: 'longWeekDay' },
  { text: 'Mon', kind: 'weekDay', notBeforeLower: true },
  { text: 'MST', kind: 'tz' },
  { text: '01', kind: 'zeroMonth' },
  { text: '02', kind: 'zeroDay' },
  { text: '03', kind: 'zeroHour12' },
  { text: '04', kind: 'zeroMinute' },
  { text: '05', kind: 'zeroSecond' },
  { text: '06', kind: 'year' },
  { text: '002', kind: 'zeroYearDay' },
  { text: '15', kind: 'hour' },
  { text: '1', kind: 'numMonth' },
  { text: '2006', kind: 'longYear' },
  { text: '2', kind: 'day' },
  { text: '_2006', kind: 'longYear', skip: 1 },
  { text: '_2', kind: 'underDay' },
  { text: '__2', kind: 'underYearDay' },
  { text: '3', kind: 'hour12' },
  { text: '4', kind: 'minute' },
  { text: '5', kind: 'second' },
  { text: 'PM', kind: 'PM' },
  { text: 'pm', kind: 'pm' },
  { text: '-070000', kind: 'numSecondsTZ' },
  { text: '-07:00:00', kind: 'numColonSecondsTZ' },
  { text: '-0700', kind: 'numTZ' },
  { text: '-07:00', kind: 'numColonTZ' },
  { text: '-07', kind: 'numShortTZ' },
  { text: 'Z070000', kind: 'isoSecondsTZ' },
  { text: 'Z07:00:00', kind: 'isoColonSecondsTZ' },
  { text: 'Z0700', kind: 'isoTZ' },
  { text: 'Z07:00', kind: 'isoColonTZ' },
  { text: 'Z07', kind: 'isoShortTZ' },
];

interface Chunk {
  readonly std: Std;
  readonly len: number;
  readonly skip: number;
}

function chunkAt(l: string, i: number): Chunk | undefined {
  for (const rule of CHUNK_RULES) {
    if (!l.startsWith(rule.text, i)) continue;
    if (rule.notBeforeLower === true && startsWithLower(l.slice(i + rule.text.length))) continue;
    return { std: { kind: rule.kind }, len: rule.text.length, skip: rule.skip ?? 0 };
  }
  return l[i] === '.' || l[i] === ',' ? fracChunk(l, i) : undefined;
}

/** Go's nextStdChunk: the literal prefix, the next layout element, and the rest. */
function nextChunk(layout: string): [prefix: string, std: Std | undefined, suffix: string] {
  for (let i = 0; i < layout.length; i++) {
    const found = chunkAt(layout, i);
    if (found !== undefined) return [layout.slice(0, i + found.skip), found.std, layout.slice(i + found.len)];
  }
  return [layout, undefined, ''];
}

function fracChunk(l: string, i: number): Chunk | undefined {
  const ch = l[i + 1];
  if (ch !== '0' && ch !== '9') return undefined;
  let j = i + 1;
  while (l[j] === ch) j++;
  if (l[j] !== undefined && l[j]! >= '0' && l[j]! <= '9') return undefined;
  return { std: { kind: ch === '0' ? 'frac0' : 'frac9', digits: j - i - 1, sep: l[i] }, len: j - i, skip: 0 };
}

const pad = (n: number, width: number): string => {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? '-' + s : s;
};

function formatZone(kind: string, offset: number, abbrev: string): string {
  if (kind === 'tz') return abbrev !== '' ? abbrev : formatOffset(offset, 'numTZ');
  if (kind.startsWith('iso') && offset === 0) return 'Z';
  return formatOffset(offset, kind);
}

function formatOffset(offset: number, kind: string): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = pad(Math.floor(abs / 3600), 2);
  const m = pad(Math.floor((abs % 3600) / 60), 2);
  const s = pad(abs % 60, 2);
  if (kind.endsWith('ShortTZ')) return sign + h;
  if (kind.endsWith('ColonSecondsTZ')) return `${sign}${h}:${m}:${s}`;
  if (kind.endsWith('SecondsTZ')) return sign + h + m + s;
  if (kind.endsWith('ColonTZ')) return `${sign}${h}:${m}`;
  return sign + h + m;
}

function formatFrac(nsec: number, std: Std): string {
  let s = pad(nsec, 9).slice(0, std.digits ?? 0);
  if (std.kind === 'frac9') {
    s = s.replace(/0+$/, '');
    if (s === '') return '';
  }
  return (std.sep ?? '.') + s;
}

function hour12(h: number): number {
  const r = h % 12;
  return r === 0 ? 12 : r;
}

const FORMATTERS: Readonly<Record<string, (c: Civil, nsec: number, std: Std) => string>> = {
  year: (c) => pad(((c.year % 100) + 100) % 100, 2),
  longYear: (c) => pad(c.year, 4),
  month: (c) => LONG_MONTHS[c.month - 1]!.slice(0, 3),
  longMonth: (c) => LONG_MONTHS[c.month - 1]!,
  numMonth: (c) => String(c.month),
  zeroMonth: (c) => pad(c.month, 2),
  weekDay: (c) => LONG_DAYS[c.weekday]!.slice(0, 3),
  longWeekDay: (c) => LONG_DAYS[c.weekday]!,
  day: (c) => String(c.day),
  underDay: (c) => String(c.day).padStart(2, ' '),
  zeroDay: (c) => pad(c.day, 2),
  underYearDay: (c) => String(c.yday).padStart(3, ' '),
  zeroYearDay: (c) => pad(c.yday, 3),
  hour: (c) => pad(c.hour, 2),
  hour12: (c) => String(hour12(c.hour)),
  zeroHour12: (c) => pad(hour12(c.hour), 2),
  minute: (c) => String(c.min),
  zeroMinute: (c) => pad(c.min, 2),
  second: (c) => String(c.sec),
  zeroSecond: (c) => pad(c.sec, 2),
  PM: (c) => (c.hour >= 12 ? 'PM' : 'AM'),
  pm: (c) => (c.hour >= 12 ? 'pm' : 'am'),
  frac0: (_, nsec, std) => formatFrac(nsec, std),
  frac9: (_, nsec, std) => formatFrac(nsec, std),
};

/** Time.Format. */
export function formatTime(t: GoTime, layout: string): string {
  const c = t.civil();
  let out = '';
  let rest = layout;
  for (;;) {
    const [prefix, std, suffix] = nextChunk(rest);
    out += prefix;
    if (std === undefined) return out;
    const format = FORMATTERS[std.kind];
    out += format === undefined ? formatZone(std.kind, c.offset, c.abbrev) : format(c, t.nsec, std);
    rest = suffix;
  }
}

// --- parsing ---

class ParseFailure extends Error {}

interface Parsed {
  year: number;
  month: number;
  day: number;
  yday: number;
  hour: number;
  min: number;
  sec: number;
  nsec: number;
  pm?: boolean;
  zone?: Zone;
  zoneOffset?: number;
  zoneName?: string;
  range?: string;
}

function getnum(s: string, fixed: boolean): [number, string] {
  const d0 = s.charCodeAt(0) - 48;
  const d1 = s.charCodeAt(1) - 48;
  if (!(d0 >= 0 && d0 <= 9)) throw new ParseFailure();
  if (!(d1 >= 0 && d1 <= 9)) {
    if (fixed) throw new ParseFailure();
    return [d0, s.slice(1)];
  }
  return [d0 * 10 + d1, s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  const m = /^[0-9]{1,3}/.exec(s);
  if (m === null || (fixed && m[0].length !== 3)) throw new ParseFailure();
  return [Number(m[0]), s.slice(m[0].length)];
}

function lookup(names: readonly string[], value: string, len?: number): [number, string] {
  for (let i = 0; i < names.length; i++) {
    const name = len === undefined ? names[i]! : names[i]!.slice(0, len);
    if (value.length >= name.length && value.slice(0, name.length).toLowerCase() === name.toLowerCase()) {
      return [i, value.slice(name.length)];
    }
  }
  throw new ParseFailure();
}

function skipPrefix(value: string, prefix: string): string {
  let v = value;
  let p = prefix;
  while (p.length > 0) {
    if (p[0] === ' ') {
      if (v.length > 0 && v[0] !== ' ') throw new ParseFailure();
      p = p.replace(/^ +/, '');
      v = v.replace(/^ +/, '');
      continue;
    }
    if (v.length === 0 || v[0] !== p[0]) throw new ParseFailure();
    p = p.slice(1);
    v = v.slice(1);
  }
  return v;
}

function parseNanos(value: string, n: number): number {
  const digits = value.slice(1, n);
  if (!/^[0-9]*$/.test(digits)) throw new ParseFailure();
  return Number(digits.slice(0, 9).padEnd(9, '0'));
}

const OFFSET_SHAPES: readonly [suffix: string, shape: RegExp][] = [
  ['ColonSecondsTZ', /^([+-])(\d\d):(\d\d):(\d\d)/],
  ['SecondsTZ', /^([+-])(\d\d)(\d\d)(\d\d)/],
  ['ColonTZ', /^([+-])(\d\d):(\d\d)()/],
  ['ShortTZ', /^([+-])(\d\d)()()/],
  ['TZ', /^([+-])(\d\d)(\d\d)()/],
];

function parseOffset(kind: string, value: string, p: Parsed): string {
  if (kind.startsWith('iso') && value[0] === 'Z') {
    p.zone = UTC_ZONE;
    return value.slice(1);
  }
  const shape = OFFSET_SHAPES.find(([suffix]) => kind.endsWith(suffix))![1];
  const m = shape.exec(value);
  if (m === null) throw new ParseFailure();
  const [hr, mm, ss] = [Number(m[2]), Number(m[3] || 0), Number(m[4] || 0)];
  if (hr > 24) p.range = 'time zone offset hour';
  if (mm > 60) p.range = 'time zone offset minute';
  if (ss > 60) p.range = 'time zone offset second';
  p.zoneOffset = (m[1] === '-' ? -1 : 1) * ((hr * 60 + mm) * 60 + ss);
  return value.slice(m[0].length);
}

/** A layout element's parser: reads from the value, records into `p`, returns the rest. */
type ElementParser = (value: string, p: Parsed, std: Std, layoutRest: string) => string;

/** A two-digit field with a range check. */
function ranged(field: 'month' | 'hour' | 'min', fixed: boolean, max: number, name: string): ElementParser {
  return (value, p) => {
    const [n, rest] = getnum(value, fixed);
    if (n > max || (field === 'month' && n === 0)) p.range = name;
    p[field] = n;
    return rest;
  };
}

function dayParser(fixed: boolean, under: boolean): ElementParser {
  return (value, p) => {
    const [n, rest] = getnum(under && value[0] === ' ' ? value.slice(1) : value, fixed);
    p.day = n;
    return rest;
  };
}

function yearDayParser(fixed: boolean): ElementParser {
  return (value, p) => {
    const [n, rest] = getnum3(fixed ? value : value.replace(/^ {1,2}/, ''), fixed);
    p.yday = n;
    return rest;
  };
}

function parseSecond(fixed: boolean): ElementParser {
  return (value, p, _std, layoutRest) => {
    const [sec, rest] = getnum(value, fixed);
    p.sec = sec;
    if (sec >= 60) {
      p.range = 'second';
      return rest;
    }
    // A fractional second the layout does not mention is still read.
    if (rest.length < 2 || (rest[0] !== '.' && rest[0] !== ',') || !/[0-9]/.test(rest[1]!)) return rest;
    const next = nextChunk(layoutRest)[1];
    if (next?.kind === 'frac0' || next?.kind === 'frac9') return rest;
    const n = /^.[0-9]+/.exec(rest)![0].length;
    p.nsec = parseNanos(rest, n);
    return rest.slice(n);
  };
}

function amPm(am: string, pm: string): ElementParser {
  return (value, p) => {
    const text = value.slice(0, 2);
    if (text !== am && text !== pm) throw new ParseFailure();
    p.pm = text === pm;
    return value.slice(2);
  };
}

function nameParser(
  names: readonly string[],
  len: number | undefined,
  set?: (p: Parsed, i: number) => void,
): ElementParser {
  return (value, p) => {
    const [i, rest] = lookup(names, value, len);
    set?.(p, i);
    return rest;
  };
}

const setMonth = (p: Parsed, i: number): void => {
  p.month = i + 1;
};

const PARSERS: Readonly<Record<string, ElementParser>> = {
  year: (value, p) => {
    if (!/^\d\d/.test(value)) throw new ParseFailure();
    const n = Number(value.slice(0, 2));
    p.year = n >= 69 ? n + 1900 : n + 2000;
    return value.slice(2);
  },
  longYear: (value, p) => {
    if (!/^\d{4}/.test(value)) throw new ParseFailure();
    p.year = Number(value.slice(0, 4));
    return value.slice(4);
  },
  month: nameParser(LONG_MONTHS, 3, setMonth),
  longMonth: nameParser(LONG_MONTHS, undefined, setMonth),
  numMonth: ranged('month', false, 12, 'month'),
  zeroMonth: ranged('month', true, 12, 'month'),
  weekDay: nameParser(LONG_DAYS, 3),
  longWeekDay: nameParser(LONG_DAYS, undefined),
  day: dayParser(false, false),
  underDay: dayParser(false, true),
  zeroDay: dayParser(true, false),
  underYearDay: yearDayParser(false),
  zeroYearDay: yearDayParser(true),
  hour: ranged('hour', false, 23, 'hour'),
  hour12: ranged('hour', false, 12, 'hour'),
  zeroHour12: ranged('hour', true, 12, 'hour'),
  minute: ranged('min', false, 59, 'minute'),
  zeroMinute: ranged('min', true, 59, 'minute'),
  second: parseSecond(false),
  zeroSecond: parseSecond(true),
  PM: amPm('AM', 'PM'),
  pm: amPm('am', 'pm'),
  tz: parseZoneName,
  frac0: (value, p, std) => {
    const n = 1 + (std.digits ?? 0);
    if (value.length < n) throw new ParseFailure();
    p.nsec = parseNanos(value, n);
    return value.slice(n);
  },
  frac9: (value, p) => {
    const m = /^[.,][0-9]+/.exec(value);
    if (m === null) return value;
    p.nsec = parseNanos(value, m[0].length);
    return value.slice(m[0].length);
  },
};

function parseZoneName(value: string, p: Parsed): string {
  if (value.startsWith('UTC')) {
    p.zone = UTC_ZONE;
    return value.slice(3);
  }
  const m = /^[A-Z]{3,5}/.exec(value);
  if (m === null) throw new ParseFailure();
  p.zoneName = m[0];
  return value.slice(m[0].length);
}

interface ParseInput {
  readonly layout: string;
  readonly value: string;
}

function parseError(input: ParseInput, layoutElem: string, valueElem: string, message = ''): FuncError {
  const head = `parsing time ${quote(input.value)}`;
  if (message !== '') return new FuncError(head + message);
  return new FuncError(
    `${head} as ${quote(input.layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`,
  );
}

/** time.ParseInLocation(layout, value, Local); throws FuncError with Go's message. */
export function parseTime(layout: string, value: string): GoTime {
  const input: ParseInput = { layout, value };
  const p: Parsed = { year: 0, month: -1, day: -1, yday: -1, hour: 0, min: 0, sec: 0, nsec: 0 };
  let l = layout;
  let v = value;
  for (;;) {
    const [prefix, std, suffix] = nextChunk(l);
    const stdText = l.slice(prefix.length, l.length - suffix.length);
    try {
      v = skipPrefix(v, prefix);
    } catch {
      throw parseError(input, prefix, v);
    }
    if (std === undefined) {
      if (v.length !== 0) throw parseError(input, '', v, `: extra text: ${quote(v)}`);
      break;
    }
    l = suffix;
    const hold = v;
    try {
      v = (PARSERS[std.kind] ?? ((val: string, parsed: Parsed) => parseOffset(std.kind, val, parsed)))(
        v,
        p,
        std,
        l,
      );
    } catch (err) {
      if (err instanceof ParseFailure) throw parseError(input, stdText, hold);
      throw err;
    }
    if (p.range !== undefined) throw parseError(input, stdText, v, `: ${p.range} out of range`);
  }
  return assemble(p, input, v);
}

function assemble(p: Parsed, input: ParseInput, rest: string): GoTime {
  if (p.pm === true && p.hour < 12) p.hour += 12;
  else if (p.pm === false && p.hour === 12) p.hour = 0;
  if (p.yday >= 0) resolveYearDay(p, input, rest);
  if (p.month < 0) p.month = 1;
  if (p.day < 0) p.day = 1;
  if (p.day < 1 || p.day > daysIn(p.month, p.year)) throw parseError(input, '', rest, ': day out of range');
  return placeInZone(p);
}

/** The parsed wall time in the zone the text named (or Local). */
function placeInZone(p: Parsed): GoTime {
  const fields = { year: p.year, month: p.month, day: p.day, hour: p.hour, min: p.min, sec: p.sec };
  if (p.zone !== undefined) return GoTime.date(fields, p.nsec, p.zone);
  const utc = GoTime.date(fields, p.nsec, UTC_ZONE);
  if (p.zoneOffset !== undefined) {
    const shifted = new GoTime(utc.sec - p.zoneOffset, utc.nsec, UTC_ZONE);
    if (p.zoneOffset === 0 && (p.zoneName === undefined || p.zoneName === 'UTC'))
      return shifted.in(LOCAL_ZONE);
    return shifted.in(fixedZone(p.zoneName ?? '', p.zoneOffset));
  }
  if (p.zoneName === undefined) return GoTime.date(fields, p.nsec, LOCAL_ZONE);
  return p.zoneName === 'UTC' ? utc.in(LOCAL_ZONE) : utc.in(fixedZone(p.zoneName, 0));
}

function resolveYearDay(p: Parsed, input: ParseInput, rest: string): void {
  let yday = p.yday;
  let m = 0;
  let d = 0;
  if (isLeap(p.year)) {
    if (yday === 60) [m, d] = [2, 29];
    else if (yday > 60) yday--;
  }
  if (yday < 1 || yday > 365) throw parseError(input, '', rest, ': day-of-year out of range');
  if (m === 0) {
    const before = (month: number): number => daysFromCivil(2001, month, 1) - daysFromCivil(2001, 1, 1);
    m = Math.floor((yday - 1) / 31) + 1;
    if (before(m + 1) < yday) m++;
    d = yday - before(m);
  }
  if (p.month >= 0 && p.month !== m) throw parseError(input, '', rest, ': day-of-year does not match month');
  if (p.day >= 0 && p.day !== d) throw parseError(input, '', rest, ': day-of-year does not match day');
  [p.month, p.day] = [m, d];
}

// --- durations ---

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** time.ParseDuration, in nanoseconds; throws FuncError with Go's message. */
export function parseDuration(s: string): bigint {
  const invalid = (): FuncError => new FuncError(`time: invalid duration ${quote(s)}`);
  let rest = s;
  let neg = false;
  if (rest[0] === '-' || rest[0] === '+') {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') throw invalid();
  let total = 0n;
  while (rest !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(rest)!;
    if (m[0] === '' || m[0] === '.') throw invalid();
    rest = rest.slice(m[0].length);
    const unit = /^[^0-9.]*/.exec(rest)![0];
    if (unit === '') throw new FuncError(`time: missing unit in duration ${quote(s)}`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new FuncError(`time: unknown unit ${quote(unit)} in duration ${quote(s)}`);
    rest = rest.slice(unit.length);
    const whole = BigInt(m[1] || '0') * scale;
    const frac = m[2] ?? '';
    const fracValue = frac === '' ? 0n : (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
    total += whole + fracValue;
    if (total > (1n << 63n) - 1n) throw invalid();
  }
  return neg ? -total : total;
}

/** time.Duration.String. */
export function durationString(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    const [unit, scale] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    out = fraction(u, scale) + unit;
  } else {
    const secs = fraction(u % 60_000_000_000n, 1_000_000_000n) + 's';
    u /= 60_000_000_000n;
    out = secs;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? '-' + out : out;
}

function fraction(v: bigint, scale: bigint): string {
  const whole = v / scale;
  let frac = (v % scale)
    .toString()
    .padStart(scale.toString().length - 1, '0')
    .replace(/0+$/, '');
  if (scale === 1n) frac = '';
  return frac === '' ? whole.toString() : `${whole}.${frac}`;
}
