/**
 * sprig's dates: date, dateInZone, htmlDate, htmlDateInZone, toDate, mustToDate, dateModify,
 * mustDateModify, unixEpoch, duration, durationRound, ago, now. A date argument may be a
 * time.Time or an int/int64/int32 Unix time; anything else means "now", as in sprig.
 */
import { fn, type GoFunc } from '../funcs.ts';
import {
  GoTime,
  LOCAL_ZONE,
  UTC_ZONE,
  addDuration,
  durationString,
  loadLocation,
  parseDuration,
  parseTime,
} from '../gotime.ts';
import { ANY, GoInt, type GoValue } from '../value.ts';

const TIME = 'time.Time';

function now(): GoTime {
  return GoTime.fromMillis(Date.now(), LOCAL_ZONE);
}

function asTime(v: GoValue, intKinds: readonly string[]): GoTime {
  if (v instanceof GoTime) return v;
  if (v instanceof GoInt && intKinds.includes(v.kind)) return new GoTime(Number(v.value), 0, LOCAL_ZONE);
  return now();
}

function dateInZone(layout: GoValue, date: GoValue, zone: GoValue): string {
  const loc = loadLocation(zone as string) ?? UTC_ZONE;
  return asTime(date, ['int64', 'int', 'int32'])
    .in(loc)
    .format(layout as string);
}

function dateModify(spec: GoValue, date: GoValue, must: boolean): GoValue {
  try {
    return addDuration(date as GoTime, parseDuration(spec as string));
  } catch (err) {
    if (must) throw err;
    return date;
  }
}

function durationOf(v: GoValue): bigint {
  if (typeof v === 'string') {
    try {
      return parseDuration(v);
    } catch {
      return 0n;
    }
  }
  if (v instanceof GoInt && v.kind === 'int64') return v.value;
  if (v instanceof GoTime) return sinceNanos(v);
  return 0n;
}

function sinceNanos(t: GoTime): bigint {
  const n = now();
  return (BigInt(n.sec) - BigInt(t.sec)) * 1_000_000_000n + BigInt(n.nsec - t.nsec);
}

const ROUND_UNITS: readonly [bigint, string][] = [
  [365n * 24n * 3_600_000_000_000n, 'y'],
  [30n * 24n * 3_600_000_000_000n, 'mo'],
  [24n * 3_600_000_000_000n, 'd'],
  [3_600_000_000_000n, 'h'],
  [60_000_000_000n, 'm'],
  [1_000_000_000n, 's'],
];

function durationRound(v: GoValue): string {
  let u = durationOf(v);
  if (u < 0n) u = -u;
  for (const [size, unit] of ROUND_UNITS) if (u > size) return `${u / size}${unit}`;
  return '0s';
}

function seconds(v: GoValue): bigint {
  if (typeof v === 'string') return /^[+-]?[0-9]+$/.test(v) ? BigInt.asIntN(64, BigInt(v)) : 0n;
  if (v instanceof GoInt && v.kind === 'int64') return v.value;
  return 0n;
}

function ago(v: GoValue): string {
  const t = asTime(v, ['int64', 'int']);
  const ns = sinceNanos(t);
  const rounded = ((ns + (ns >= 0n ? 500_000_000n : -500_000_000n)) / 1_000_000_000n) * 1_000_000_000n;
  return durationString(rounded);
}

const modify = (must: boolean): GoFunc => fn(['string', TIME], ([s, d]) => dateModify(s, d, must));

export const DATE_FUNCS: Record<string, GoFunc> = {
  now: fn([], () => now()),
  date: fn(['string', ANY], ([layout, d]) => dateInZone(layout, d, 'Local')),
  dateInZone: fn(['string', ANY, 'string'], ([layout, d, z]) => dateInZone(layout, d, z)),
  date_in_zone: fn(['string', ANY, 'string'], ([layout, d, z]) => dateInZone(layout, d, z)),
  htmlDate: fn([ANY], ([d]) => dateInZone('2006-01-02', d, 'Local')),
  htmlDateInZone: fn([ANY, 'string'], ([d, z]) => dateInZone('2006-01-02', d, z)),
  toDate: fn(['string', 'string'], ([layout, s]) => {
    try {
      return parseTime(layout as string, s as string);
    } catch {
      return GoTime.zero();
    }
  }),
  mustToDate: fn(['string', 'string'], ([layout, s]) => parseTime(layout as string, s as string)),
  dateModify: modify(false),
  date_modify: modify(false),
  mustDateModify: modify(true),
  must_date_modify: modify(true),
  unixEpoch: fn([TIME], ([t]) => String((t as GoTime).sec)),
  duration: fn([ANY], ([v]) => durationString(BigInt.asIntN(64, seconds(v) * 1_000_000_000n))),
  durationRound: fn([ANY], ([v]) => durationRound(v)),
  ago: fn([ANY], ([v]) => ago(v)),
};
