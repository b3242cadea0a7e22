/**
 * Renders templates in either of Argo CD's modes. A value (an Application template, a generator
 * spec, a `values` map) is compiled once into a builder; building it for a param set renders every
 * string and every map key, and never touches structure, so a parameter cannot inject fields.
 */
import { locate } from '../errors.ts';
import { isPlainObject, type Params } from '../params.ts';
import { compileFast } from './fast.ts';
import { goStringCompiler } from './go/index.ts';

export interface TemplateMode {
  readonly goTemplate: boolean;
  readonly goTemplateOptions: readonly string[];
}

/** A compiled string template: null when the string renders to itself. */
type CompiledString = ((params: Params) => string) | null;

/** Builds a fresh copy of a compiled value for one param set. */
export type Builder<T> = (params: Params) => T;

export interface Renderer {
  readonly mode: TemplateMode;
  /** Renders one string; `field` names where it came from, for errors. */
  renderString(text: string, params: Params, field: string): string;
  /** Compiles a JSON-like value once; the builder renders it for any param set. */
  compile<T>(value: T, field: string): Builder<T>;
}

export type StringCompiler = (text: string, field: string) => CompiledString;

/** The fasttemplate string compiler (Argo's default mode). */
const fastStringCompiler: StringCompiler = (text) => compileFast(text);

export function createRenderer(mode: TemplateMode): Renderer {
  return rendererFrom(mode, stringCompilerFor(mode));
}

function stringCompilerFor(mode: TemplateMode): StringCompiler {
  if (!mode.goTemplate) return fastStringCompiler;
  return goStringCompiler(mode.goTemplateOptions);
}

function rendererFrom(mode: TemplateMode, compileString: StringCompiler): Renderer {
  const cache = new Map<string, CompiledString>();
  const cachedString = (text: string, field: string): CompiledString => {
    let compiled = cache.get(text);
    if (compiled === undefined && !cache.has(text)) {
      compiled = wrapErrors(compileString, text, field);
      cache.set(text, compiled);
    }
    return compiled ?? null;
  };
  return {
    mode,
    renderString(text, params, field) {
      const compiled = cachedString(text, field);
      return compiled === null ? text : runString(compiled, params, field);
    },
    compile<T>(value: T, field: string): Builder<T> {
      return compileValue(value, field, cachedString) as Builder<T>;
    },
  };
}

function wrapErrors(compileString: StringCompiler, text: string, field: string): CompiledString {
  try {
    return compileString(text, field);
  } catch (err) {
    throw locate(err, 'TemplateParse', field);
  }
}

function runString(compiled: (params: Params) => string, params: Params, field: string): string {
  try {
    return compiled(params);
  } catch (err) {
    throw locate(err, 'TemplateExec', field);
  }
}

function compileValue(
  value: unknown,
  field: string,
  cachedString: (text: string, field: string) => CompiledString,
): Builder<unknown> {
  if (typeof value === 'string') {
    const compiled = cachedString(value, field);
    return compiled === null ? () => value : (params) => runString(compiled, params, field);
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileValue(item, `${field}[${i}]`, cachedString));
    return (params) => items.map((build) => build(params));
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== null)
      .map(([key, child]) => {
        const childField = `${field}.${key}`;
        const compiledKey = cachedString(key, childField);
        const buildKey: Builder<string> =
          compiledKey === null ? () => key : (params) => runString(compiledKey, params, childField);
        return [buildKey, compileValue(child, childField, cachedString)] as const;
      });
    return (params) => {
      const out: Record<string, unknown> = {};
      // Like Argo, a null map value is dropped rather than rendered.
      for (const [buildKey, buildValue] of entries) out[buildKey(params)] = buildValue(params);
      return out;
    };
  }
  return () => value;
}
