/**
 * Progress for long CLI work, always on stderr (stdout stays clean for piping). Nothing at all is
 * printed for work that finishes within `delayMs`, so short runs look exactly as before. After
 * that: on a TTY one line redrawn with `\r` (`label [#####.....] 42/100 detail`), cleared on
 * done; otherwise a plain line at most every 10% of the work and at most every ~2 s, plus a final
 * line on done when anything was printed. Output happens on `tick` and `done` only (no timers).
 * A command that also prints results while the work runs writes them through `stdout` of the
 * returned progress, so a drawn bar is lifted off the terminal line first and redrawn after.
 */
import type { CommandIO } from './io.ts';

export interface Progress {
  /** One unit of work finished; `detail` names it (e.g. the ApplicationSet). */
  tick(detail?: string): void;
  /** All work finished (or given up); later calls to tick/done do nothing. */
  done(summary?: string): void;
}

/** What startProgress returns: a Progress that can also print to stdout without garbling the bar. */
export interface LiveProgress extends Progress {
  /** `io.stdout(text)`; on a TTY with a bar drawn, the bar is cleared first and redrawn after. */
  stdout(text: string): void;
}

export interface ProgressOptions {
  /** Nothing is printed before this much time has passed since start (default 1000 ms). */
  readonly delayMs?: number;
  /** The clock, in ms (default Date.now); tests pass a fake one. */
  readonly now?: () => number;
}

const BAR_WIDTH = 20;
const DETAIL_WIDTH = 40;
/** A TTY line is redrawn at most this often, so a fast loop does not flood the terminal. */
const TTY_REDRAW_MS = 100;
/** Plain lines: at most one per this share of the work… */
const PLAIN_STEP = 0.1;
/** …and at most one per this many ms. */
const PLAIN_INTERVAL_MS = 2000;
const CLEAR_LINE = '\r\x1b[K';

interface State {
  count: number;
  printed: boolean;
  lastPrintAt: number;
  lastPrintCount: number;
  finished: boolean;
  /** The bar as last drawn on a TTY ('' when none is on screen). */
  bar: string;
}

export function startProgress(
  io: CommandIO,
  label: string,
  total: number,
  options: ProgressOptions = {},
): LiveProgress {
  const now = options.now ?? Date.now;
  const delayMs = options.delayMs ?? 1000;
  const startedAt = now();
  const tty = io.stderrIsTTY === true;
  const state: State = {
    count: 0,
    printed: false,
    lastPrintAt: 0,
    lastPrintCount: 0,
    finished: false,
    bar: '',
  };
  const due = (at: number): boolean => {
    if (at - startedAt < delayMs) return false;
    if (!state.printed) return true;
    if (tty) return at - state.lastPrintAt >= TTY_REDRAW_MS || state.count >= total;
    const step = Math.max(1, Math.ceil(total * PLAIN_STEP));
    return state.count - state.lastPrintCount >= step && at - state.lastPrintAt >= PLAIN_INTERVAL_MS;
  };
  return {
    tick(detail) {
      if (state.finished) return;
      state.count += 1;
      const at = now();
      if (!due(at)) return;
      if (tty) {
        state.bar = barLine(label, state.count, total, detail);
        io.stderr(`${CLEAR_LINE}${state.bar}`);
      } else {
        io.stderr(plainLine(label, state.count, total, detail));
      }
      state.printed = true;
      state.lastPrintAt = at;
      state.lastPrintCount = state.count;
    },
    done(summary) {
      if (state.finished) return;
      state.finished = true;
      if (!state.printed) return;
      state.bar = '';
      io.stderr(tty ? CLEAR_LINE : plainLine(label, state.count, total, summary ?? 'done'));
    },
    stdout(text) {
      if (state.bar === '') {
        io.stdout(text);
        return;
      }
      io.stderr(CLEAR_LINE);
      io.stdout(text);
      io.stderr(`${CLEAR_LINE}${state.bar}`);
    },
  };
}

/** `label [#####.....] 42/100 detail`, without a newline. */
export function barLine(label: string, count: number, total: number, detail?: string): string {
  const fraction = total <= 0 ? 1 : Math.min(1, count / total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}`;
  return `${label} [${bar}] ${count}/${total}${detail ? ` ${shorten(detail, DETAIL_WIDTH)}` : ''}`;
}

/** `label: 42/100 detail` and a newline. */
function plainLine(label: string, count: number, total: number, detail?: string): string {
  return `${label}: ${count}/${total}${detail ? ` ${detail}` : ''}\n`;
}

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
