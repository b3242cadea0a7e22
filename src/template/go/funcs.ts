/**
 * How template functions are declared: a Go-like signature (parameter types, an optional variadic
 * element type, whether the result is an `interface {}`) and a JS implementation. The evaluator
 * checks and converts arguments against the signature exactly as text/template does, so a
 * float64 param passed to an `int` parameter fails the same way it does in Argo CD.
 */
import { GoObject, type GoType, type GoValue } from './value.ts';

export interface GoFunc {
  /** Fixed parameter types (`interface {}`, `reflect.Value`, `string`, `int`...). */
  readonly params: readonly GoType[];
  /** The element type of a trailing variadic parameter. */
  readonly variadic?: GoType;
  /** The declared result is `interface {}` (it then behaves as an interface value in chains). */
  readonly returnsInterface?: boolean;
  /** Builtins the evaluator implements itself: and/or short-circuit, call. */
  readonly special?: 'and' | 'or' | 'call';
  readonly call: (args: GoValue[]) => GoValue;
}

export type FuncMap = ReadonlyMap<string, GoFunc>;

/** An error a function returned (or a panic it raised): reported as `error calling NAME: ...`. */
export class FuncError extends Error {
  override readonly name = 'FuncError';
}

/** Declares a function with fixed parameters. */
export function fn(
  params: readonly GoType[],
  call: (args: GoValue[]) => GoValue,
  returnsInterface = false,
): GoFunc {
  return { params, call, returnsInterface };
}

/** Declares a function whose last parameter is variadic (`...elem`). */
export function variadic(
  params: readonly GoType[],
  elem: GoType,
  call: (args: GoValue[]) => GoValue,
  returnsInterface = false,
): GoFunc {
  return { params, variadic: elem, call, returnsInterface };
}

/**
 * A function held in the data, called with the `call` builtin (`{{ call .repo.RepoURLToHTTPS
 * .app.spec.source.repoURL }}`), as Argo CD's notification templates do with Go funcs in their vars.
 */
export class GoFuncValue extends GoObject {
  readonly typeName: string;
  readonly kind = 'func';
  readonly fn: GoFunc;

  constructor(fn: GoFunc, typeName = 'func') {
    super();
    this.fn = fn;
    this.typeName = typeName;
  }

  goString(): string | undefined {
    return undefined;
  }

  toJSONValue(): unknown {
    return null;
  }

  equals(other: GoObject): boolean {
    return other === this;
  }
}
