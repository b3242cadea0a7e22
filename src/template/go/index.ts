/**
 * Argo CD's Go-template mode: Go text/template semantics with sprig's generic functions (minus
 * env, expandenv, getHostByName) and Argo's normalize, slugify, toYaml, fromYaml, fromYamlArray.
 */
import { SpokesError } from '../../errors.ts';
import type { Params } from '../../params.ts';
import { ARGO_EXTRA_FUNCS } from './argo.ts';
import { GoExecError, GoParseError } from './errors.ts';
import type { FuncMap } from './funcs.ts';
import { SPRIG_FUNCS, UNSUPPORTED_FUNCS } from './sprig/index.ts';
import type { GoValue } from './value.ts';
import { OptionError, compile, missingKeyOption, type CompiledTemplate } from './template.ts';

/** Every function a goTemplate ApplicationSet can call, besides text/template's builtins. */
export const ARGO_FUNCS: FuncMap = new Map(Object.entries({ ...SPRIG_FUNCS, ...ARGO_EXTRA_FUNCS }));

export interface GoTemplateOptions {
  /** text/template options such as `missingkey=error`. */
  readonly options?: readonly string[];
  /** The template's name in Go's error texts (default: empty). */
  readonly name?: string;
}

/** Compiles a template once; the result renders it for any data (throws GoParseError/GoExecError). */
export function compileGoTemplate(text: string, options: GoTemplateOptions = {}): CompiledTemplate {
  return compile(text, {
    funcs: ARGO_FUNCS,
    options: options.options,
    name: options.name,
    unsupported: (fn) => (Object.hasOwn(UNSUPPORTED_FUNCS, fn) ? UNSUPPORTED_FUNCS[fn] : undefined),
  });
}

/** A string template compiled for the renderer: null when the text has no action. */
export type GoStringTemplate = ((params: Params) => string) | null;

/**
 * The renderer's string compiler for goTemplate mode: checks `goTemplateOptions` once, then
 * compiles each string (parse errors become TemplateParse, execution errors TemplateExec, both
 * naming line:column within the string).
 */
export function goStringCompiler(goTemplateOptions: readonly string[]): (text: string) => GoStringTemplate {
  try {
    missingKeyOption(goTemplateOptions);
  } catch (err) {
    if (err instanceof OptionError)
      throw new SpokesError('TemplateParse', `goTemplateOptions: ${err.message}`);
    throw err;
  }
  return (text) => {
    if (!text.includes('{{')) return null;
    let render: CompiledTemplate;
    try {
      render = compileGoTemplate(text, { options: goTemplateOptions });
    } catch (err) {
      if (err instanceof GoParseError) throw new SpokesError('TemplateParse', err.message, { cause: err });
      throw err;
    }
    return (params) => {
      try {
        return render(params as GoValue);
      } catch (err) {
        if (err instanceof GoExecError) throw new SpokesError('TemplateExec', err.message, { cause: err });
        throw err;
      }
    };
  };
}
