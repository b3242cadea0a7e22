/**
 * Evaluates a parsed trigger expression over its variables, with expr-lang's runtime rules:
 * fetching a field of nil is an error (`cannot fetch phase from <nil>`) unless the access is
 * optional (`?.`), a missing map key is nil, `and`/`or` want booleans, `==` never fails, and Go
 * time values compare, add and subtract.
 */
import { GoRegexp } from '../../template/go/regexp.ts';
import { GoObject } from '../../template/go/value.ts';
import { BUILTINS, runPredicateBuiltin } from './builtins.ts';
import { ExprRuntimeError } from './errors.ts';
import { PREDICATE_BUILTINS, type Node } from './parser.ts';
import {
  GoDuration,
  GoFuncValue,
  GoTime,
  callFunc,
  deepEqual,
  isMap,
  isNil,
  typeOf,
  type Value,
} from './values.ts';

/** Thrown inside an optional chain when a `?.` meets nil; the chain's value is then nil. */
class NilChain extends Error {}
const NIL_CHAIN = new NilChain('nil in an optional chain');

/** The element (and its index) a predicate is evaluated for. */
export interface Scope {
  readonly element: Value;
  readonly index: number;
}

export type Env = Readonly<Record<string, Value>>;

export class Evaluator {
  readonly #env: Env;
  readonly #regexps = new Map<string, GoRegexp>();

  constructor(env: Env) {
    this.#env = env;
  }

  run(node: Node, scope?: Scope): Value {
    switch (node.type) {
      case 'literal':
        return node.value;
      case 'ident':
        return Object.hasOwn(this.#env, node.name) ? this.#env[node.name] : null;
      case 'pointer':
        return this.#pointer(node.name, scope);
      case 'member':
        return this.#member(node, scope);
      case 'chain':
        return this.#chain(node.node, scope);
      case 'call':
        return this.#call(node.callee, node.args, scope);
      case 'builtin':
        return this.#builtin(node.name, node.args, scope);
      case 'predicate':
        return this.run(node.body, scope);
      case 'unary':
        return this.#unary(node.op, this.run(node.operand, scope));
      case 'binary':
        return this.#binary(node, scope);
    }
    return this.#composite(node, scope);
  }

  /** Conditionals and literals of lists and maps, and slices. */
  #composite(node: Node, scope: Scope | undefined): Value {
    switch (node.type) {
      case 'conditional':
        return this.#bool(this.run(node.cond, scope), '?')
          ? this.run(node.then, scope)
          : this.run(node.else, scope);
      case 'array':
        return node.items.map((item) => this.run(item, scope));
      case 'map':
        return Object.fromEntries(
          node.pairs.map(([k, v]) => [String(this.run(k, scope)), this.run(v, scope)]),
        );
      case 'slice':
        return this.#slice(node, scope);
    }
    throw new ExprRuntimeError(`cannot evaluate ${node.type}`);
  }

  #pointer(name: string, scope: Scope | undefined): Value {
    if (scope === undefined) throw new ExprRuntimeError('# outside of a predicate');
    if (name === '') return scope.element;
    if (name === 'index') return scope.index;
    throw new ExprRuntimeError(`unknown pointer #${name}`);
  }

  #chain(node: Node, scope: Scope | undefined): Value {
    try {
      return this.run(node, scope);
    } catch (err) {
      if (err === NIL_CHAIN) return null;
      throw err;
    }
  }

  #member(node: Extract<Node, { type: 'member' }>, scope: Scope | undefined): Value {
    const object = this.run(node.object, scope);
    const property = this.run(node.property, scope);
    if (isNil(object) && node.optional) throw NIL_CHAIN;
    return fetch(object, property);
  }

  #call(callee: Node, argNodes: readonly Node[], scope: Scope | undefined): Value {
    let fn: Value;
    let name: string;
    if (callee.type === 'member') {
      const object = this.run(callee.object, scope);
      name = String(this.run(callee.property, scope));
      if (isNil(object) && callee.optional) throw NIL_CHAIN;
      fn =
        object instanceof GoObject && !(object instanceof GoFuncValue)
          ? boundMethod(object, name)
          : fetch(object, name);
    } else if (callee.type === 'ident') {
      name = callee.name;
      fn = this.run(callee, scope);
    } else {
      name = 'function';
      fn = this.run(callee, scope);
    }
    if (!(fn instanceof GoFuncValue)) throw new ExprRuntimeError(`${name} is not a function (${typeOf(fn)})`);
    return callFunc(
      fn,
      argNodes.map((a) => this.run(a, scope)),
      name,
    );
  }

  #builtin(name: string, argNodes: readonly Node[], scope: Scope | undefined): Value {
    const [first, body] = argNodes;
    if (Object.hasOwn(PREDICATE_BUILTINS, name) && first !== undefined) {
      const list = this.run(first, scope);
      return runPredicateBuiltin(
        name,
        list,
        body ? (el, i) => this.run(body, { element: el, index: i }) : undefined,
      );
    }
    const builtin = BUILTINS[name];
    if (builtin === undefined) throw new ExprRuntimeError(`unknown function ${name}`);
    return builtin(argNodes.map((a) => this.run(a, scope)));
  }

  #unary(op: string, v: Value): Value {
    if (op === 'not' || op === '!') return !this.#bool(v, op);
    if (v instanceof GoDuration) return op === '-' ? new GoDuration(-v.ns) : v;
    if (typeof v !== 'number') throw new ExprRuntimeError(`invalid operation: ${op}${typeOf(v)}`);
    return op === '-' ? -v : v;
  }

  #bool(v: Value, op: string): boolean {
    if (typeof v !== 'boolean')
      throw new ExprRuntimeError(`invalid operation: ${op} (non-bool ${typeOf(v)})`);
    return v;
  }

  #binary(node: Extract<Node, { type: 'binary' }>, scope: Scope | undefined): Value {
    const { op } = node;
    if (op === 'and' || op === '&&') {
      return this.#bool(this.run(node.left, scope), op) && this.#bool(this.run(node.right, scope), op);
    }
    if (op === 'or' || op === '||') {
      return this.#bool(this.run(node.left, scope), op) || this.#bool(this.run(node.right, scope), op);
    }
    if (op === '??') {
      const left = this.run(node.left, scope);
      return isNil(left) ? this.run(node.right, scope) : left;
    }
    const left = this.run(node.left, scope);
    const right = this.run(node.right, scope);
    switch (op) {
      case '==':
        return equal(left, right);
      case '!=':
        return !equal(left, right);
      case 'in':
        return contains(right, left);
      case 'matches':
        return this.#regexp(stringOperand(right, op)).re.test(stringOperand(left, op));
    }
    return (
      STRING_OPERATORS[op]?.(stringOperand(left, op), stringOperand(right, op)) ?? arithmetic(op, left, right)
    );
  }

  #regexp(pattern: string): GoRegexp {
    let re = this.#regexps.get(pattern);
    if (re === undefined) {
      re = new GoRegexp(pattern);
      this.#regexps.set(pattern, re);
    }
    re.re.lastIndex = 0;
    return re;
  }

  #slice(node: Extract<Node, { type: 'slice' }>, scope: Scope | undefined): Value {
    const object = this.run(node.object, scope);
    if (!Array.isArray(object) && typeof object !== 'string')
      throw new ExprRuntimeError(`cannot slice ${typeOf(object)}`);
    const length = object.length;
    const from = node.from ? intOperand(this.run(node.from, scope), 'slice') : 0;
    const to = node.to ? intOperand(this.run(node.to, scope), 'slice') : length;
    const clamp = (i: number): number => Math.min(Math.max(i < 0 ? length + i : i, 0), length);
    return object.slice(clamp(from), Math.max(clamp(from), clamp(to)));
  }
}

const STRING_OPERATORS: Readonly<Record<string, (a: string, b: string) => boolean>> = {
  contains: (a, b) => a.includes(b),
  startsWith: (a, b) => a.startsWith(b),
  endsWith: (a, b) => a.endsWith(b),
};

/** expr's Fetch: a map key (nil when missing), a list index (negative from the end), or an error. */
export function fetch(object: Value, property: Value): Value {
  if (isNil(object)) throw new ExprRuntimeError(`cannot fetch ${String(property)} from <nil>`);
  if (isMap(object)) {
    if (typeof property !== 'string') throw cannotFetch(object, property);
    return Object.hasOwn(object, property) ? (object[property] ?? null) : null;
  }
  if (Array.isArray(object) || typeof object === 'string') return fetchIndex(object, property);
  const method =
    object instanceof GoObject && typeof property === 'string' ? boundMethod(object, property) : undefined;
  if (method === undefined) throw cannotFetch(object, property);
  return method;
}

function cannotFetch(object: Value, property: Value): ExprRuntimeError {
  return new ExprRuntimeError(`cannot fetch ${String(property)} from ${typeOf(object)}`);
}

/** A list or string index; negative counts from the end. */
function fetchIndex(object: readonly Value[] | string, property: Value): Value {
  if (typeof property !== 'number' || !Number.isInteger(property)) throw cannotFetch(object, property);
  const index = property < 0 ? object.length + property : property;
  if (index < 0 || index >= object.length)
    throw new ExprRuntimeError(`index out of range: ${index} (array length is ${object.length})`);
  return object[index];
}

function boundMethod(object: GoObject, name: string): GoFuncValue | undefined {
  const method = object.methods()[name];
  if (method === undefined) return undefined;
  return new GoFuncValue({
    params: method.params,
    ...(method.variadic ? { variadic: method.variadic } : {}),
    call: (args) => method.call(object, args),
  });
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return deepEqual(a, b);
}

function contains(container: Value, item: Value): boolean {
  if (isNil(container)) return false;
  if (Array.isArray(container)) return container.some((x) => equal(x, item));
  if (isMap(container)) {
    if (typeof item !== 'string') throw new ExprRuntimeError(`cannot use ${typeOf(item)} as map key`);
    return Object.hasOwn(container, item);
  }
  throw new ExprRuntimeError(`operator "in" not defined on ${typeOf(container)}`);
}

function stringOperand(v: Value, op: string): string {
  if (typeof v !== 'string')
    throw new ExprRuntimeError(`invalid operation: ${op} (mismatched type ${typeOf(v)})`);
  return v;
}

function intOperand(v: Value, op: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new ExprRuntimeError(`invalid operation: ${op} (non-int ${typeOf(v)})`);
  return v;
}

function mismatch(op: string, a: Value, b: Value): ExprRuntimeError {
  return new ExprRuntimeError(`invalid operation: ${typeOf(a)} ${op} ${typeOf(b)}`);
}

const ORDER: Readonly<Record<string, (c: number) => boolean>> = {
  '<': (c) => c < 0,
  '>': (c) => c > 0,
  '<=': (c) => c <= 0,
  '>=': (c) => c >= 0,
};

function compare(op: string, a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof GoTime && b instanceof GoTime) return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
  if (a instanceof GoDuration && b instanceof GoDuration) return a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0;
  throw mismatch(op, a, b);
}

function arithmetic(op: string, a: Value, b: Value): Value {
  const order = ORDER[op];
  if (order !== undefined) return order(compare(op, a, b));
  if (typeof a === 'number' && typeof b === 'number') return numeric(op, a, b);
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  if (op === '+' && Array.isArray(a) && Array.isArray(b)) return [...(a as unknown[]), ...(b as unknown[])];
  return timeArithmetic(op, a, b);
}

function numeric(op: string, a: number, b: number): Value {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      if (!Number.isInteger(a) || !Number.isInteger(b)) throw mismatch(op, a, b);
      if (b === 0) throw new ExprRuntimeError('integer divide by zero');
      return a % b;
    case '**':
    case '^':
      return a ** b;
    case '..': {
      const out: number[] = [];
      for (let i = intOperand(a, op); i <= intOperand(b, op); i++) out.push(i);
      return out;
    }
  }
  throw mismatch(op, a, b);
}

/** time.Time ± time.Duration, time.Time - time.Time, and Duration arithmetic (Go's typed rules). */
function timeArithmetic(op: string, a: Value, b: Value): Value {
  if (a instanceof GoTime && b instanceof GoDuration && (op === '+' || op === '-'))
    return a.methods()['Add']!.call(a, [op === '+' ? b : new GoDuration(-b.ns)]);
  if (a instanceof GoTime && b instanceof GoTime && op === '-') return a.methods()['Sub']!.call(a, [b]);
  if (a instanceof GoDuration || b instanceof GoDuration) {
    const result = durationArithmetic(op, a, b);
    if (result !== undefined) return result;
  }
  throw mismatch(op, a, b);
}

/** Durations with durations or integers (`5 * time.Minute`), as nanoseconds. */
function durationArithmetic(op: string, a: Value, b: Value): GoDuration | undefined {
  const ns = (v: Value): bigint | undefined =>
    v instanceof GoDuration ? v.ns : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
  const [x, y] = [ns(a), ns(b)];
  if (x === undefined || y === undefined) return undefined;
  if (op === '+') return new GoDuration(x + y);
  if (op === '-') return new GoDuration(x - y);
  if (op === '*') return new GoDuration(x * y);
  if (op === '/' && !(b instanceof GoDuration) && y !== 0n) return new GoDuration(x / y);
  return undefined;
}
