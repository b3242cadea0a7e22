/** kubectl-like output helpers: aligned tables and human ages. */

/** Shown where a cell has no value, as kubectl does. */
export const NONE = '<none>';

/**
 * Rows aligned in columns the way kubectl prints them (Go's tabwriter with min width 6 and
 * padding 3): every column but the last is padded to its widest cell + 3; lines carry no
 * trailing blanks. Every line ends with a newline; no rows and no header print nothing.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  if (header.length === 0) return '';
  const widths = header.map((_, column) => Math.max(6, ...all.map((row) => (row[column] ?? '').length + 3)));
  return all
    .map((row) =>
      header
        .map((_, column) => {
          const cell = row[column] ?? '';
          return column === header.length - 1 ? cell : cell.padEnd(widths[column]!);
        })
        .join('')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * A duration as kubectl prints ages (apimachinery's HumanDuration): `45s`, `3m20s`, `12m`,
 * `3h5m`, `10h`, `2d3h`, `12d`, `2y30d`, `9y`; `0s` for up to a second in the future (clock
 * skew), `<invalid>` for more.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return withRest(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return withRest(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return withRest(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return withRest(years, 'y', days % 365, 'd');
  return `${years}y`;
}

function withRest(value: number, unit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${value}${unit}` : `${value}${unit}${rest}${restUnit}`;
}

/** The age of an object created at `timestamp` (RFC 3339), or `<unknown>`. */
export function age(timestamp: string | undefined, now: number): string {
  const created = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  return Number.isNaN(created) ? '<unknown>' : humanDuration(now - created);
}

/** `text`, cut to `width` characters with an ellipsis when longer; whitespace runs become one blank. */
export function shorten(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}
