/** Errors of the trigger language: a syntax error names line:column, as expr-lang does. */

export class ExprSyntaxError extends Error {
  override readonly name = 'ExprSyntaxError';
  constructor(message: string, source: string, pos: number) {
    super(`${message} (${location(source, pos)})`);
  }
}

/** An error while evaluating (a nil fetched from, a wrong operand type, a function failing). */
export class ExprRuntimeError extends Error {
  override readonly name = 'ExprRuntimeError';
}

function location(source: string, pos: number): string {
  const before = source.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - (before.lastIndexOf('\n') + 1);
  return `${line}:${column + 1}`;
}
