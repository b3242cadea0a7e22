/**
 * The trigger condition language: the part of expr-lang/expr (the library Argo CD evaluates
 * `when` and `oncePer` with) that triggers use, parsed once and evaluated per object. No npm
 * library speaks expr's syntax (`and`/`or`/`not`, `in`, `matches`, `?.`, `??`, predicates), so
 * this is a small parser and evaluator; docs/notifications.md lists exactly what is supported.
 */
import { Evaluator, type Env } from './eval.ts';
import { isBuiltin } from './builtins.ts';
import { parse, type Node } from './parser.ts';
import type { Value } from './values.ts';

export { ExprRuntimeError, ExprSyntaxError } from './errors.ts';
export { formatV } from './values.ts';
export type { Env } from './eval.ts';
export type { Value } from './values.ts';

export interface Program {
  readonly source: string;
  run(env: Env): Value;
}

/** Parses `source` (throws ExprSyntaxError naming line:column). */
export function compileExpr(source: string): Program {
  const node: Node = parse(source, isBuiltin);
  return { source, run: (env) => new Evaluator(env).run(node) };
}
