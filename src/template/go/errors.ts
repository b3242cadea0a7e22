/**
 * Template errors carrying what Go reports: where (line and column within the template text) and
 * why. `goMessage(name)` rebuilds the exact text Go's text/template would return for a template
 * of that name, which the differential tests compare byte for byte.
 *
 * Columns follow Go: they count bytes from the start of the line, starting at 0.
 */
import { quote } from './strconv.ts';

export interface Location {
  readonly line: number;
  readonly column: number;
}

/** Line and byte column (both as Go counts them) of index `pos` in `text`. */
export function locationOf(text: string, pos: number): Location {
  const before = text.slice(0, pos);
  const lastNewline = before.lastIndexOf('\n');
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
  const column = Buffer.byteLength(before.slice(lastNewline + 1), 'utf8');
  return { line, column };
}

/** A template that does not parse (Go reports only the line; we add the column). */
export class GoParseError extends Error {
  override readonly name = 'GoParseError';
  readonly line: number;
  readonly column: number;
  readonly reason: string;

  constructor(location: Location, reason: string) {
    super(`${location.line}:${location.column}: ${reason}`);
    this.line = location.line;
    this.column = location.column;
    this.reason = reason;
  }

  goMessage(name: string): string {
    return `template: ${name}:${this.line}: ${this.reason}`;
  }
}

/** A failure while executing a template. */
export class GoExecError extends Error {
  override readonly name = 'GoExecError';
  readonly location: Location | undefined;
  /** The node being evaluated, printed as Go prints it (`.foo`, `index .x 1`...). */
  readonly context: string | undefined;
  /** The name of the (possibly `define`d) template executing when it failed. */
  readonly executing: string;
  readonly reason: string;

  constructor(reason: string, executing: string, location?: Location, context?: string) {
    super(
      location === undefined
        ? reason
        : `${location.line}:${location.column}: executing${executing === '' ? '' : ` "${executing}"`} at <${context ?? ''}>: ${reason}`,
    );
    this.location = location;
    this.context = context;
    this.executing = executing;
    this.reason = reason;
  }

  goMessage(name: string): string {
    if (this.location === undefined) return `template: ${name}: ${this.reason}`;
    const executing = this.executing === '' ? name : this.executing;
    const where = `${name}:${this.location.line}:${this.location.column}`;
    return `template: ${where}: executing ${quote(executing)} at <${this.context ?? ''}>: ${this.reason}`;
  }
}
