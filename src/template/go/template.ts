/**
 * The engine's entry point: compile a Go template once (parse, check functions, read options),
 * then execute it for any number of data values.
 */
import { BUILTINS } from './builtins.ts';
import { execute, type MissingKey, type Program } from './exec.ts';
import type { FuncMap } from './funcs.ts';
import { parse } from './parser.ts';
import type { GoValue } from './value.ts';

export interface CompileOptions {
  /** Template functions beyond the builtins (sprig and Argo's set by default). */
  readonly funcs: FuncMap;
  /** text/template options, e.g. `missingkey=error`. */
  readonly options?: readonly string[];
  /** The template's name, which Go puts in its error texts. */
  readonly name?: string;
  /** Why a function that Argo CD has is missing here (added to the parse error). */
  readonly unsupported?: (name: string) => string | undefined;
}

export type CompiledTemplate = (data: GoValue) => string;

/** An option text/template rejects (Go panics with this message). */
export class OptionError extends Error {
  override readonly name = 'OptionError';
}

/** Reads text/template options; only `missingkey=...` exists. */
export function missingKeyOption(options: readonly string[]): MissingKey {
  let mode: MissingKey = 'invalid';
  for (const opt of options) {
    if (opt === '') throw new OptionError('empty option string');
    const [key, value] = opt.split('=', 2);
    if (key === 'missingkey' && value !== undefined) {
      if (value === 'invalid' || value === 'default') mode = 'invalid';
      else if (value === 'zero') mode = 'zero';
      else if (value === 'error') mode = 'error';
      else throw new OptionError(`unrecognized option: ${opt}`);
      continue;
    }
    throw new OptionError(`unrecognized option: ${opt}`);
  }
  return mode;
}

/** Parses `text` (throws GoParseError) and returns a function that executes it (throws GoExecError). */
export function compile(text: string, options: CompileOptions): CompiledTemplate {
  const name = options.name ?? '';
  const funcs = options.funcs;
  const missingKey = missingKeyOption(options.options ?? []);
  const trees = parse(text, {
    name,
    hasFunction: (fn) => funcs.has(fn) || BUILTINS.has(fn),
    unsupported: options.unsupported,
  });
  const program: Program = { text, name, trees, funcs, builtins: BUILTINS, missingKey };
  return (data) => execute(program, data);
}
