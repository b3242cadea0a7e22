/**
 * A parser for the subset of expr-lang/expr that trigger conditions use, with expr's operator
 * table and precedence (`??` binds tightest, unary `not` looser than comparisons' operands, `a <
 * b < c` chains), optional chaining (`a?.b.c` is nil when `a` is), `not in`-style negated
 * operators, the ternary, the pipe `x | f(y)`, array and map literals, slices and the predicate
 * builtins (`all(list, {.x > 1})`, `#` for the element).
 */
import { ExprSyntaxError } from './errors.ts';
import { tokenize, type Token } from './lexer.ts';

export type Node =
  | { readonly type: 'literal'; readonly value: unknown }
  | { readonly type: 'ident'; readonly name: string }
  | { readonly type: 'pointer'; readonly name: string }
  | { readonly type: 'member'; readonly object: Node; readonly property: Node; readonly optional: boolean }
  | { readonly type: 'chain'; readonly node: Node }
  | { readonly type: 'call'; readonly callee: Node; readonly args: readonly Node[] }
  | { readonly type: 'builtin'; readonly name: string; readonly args: readonly Node[] }
  | { readonly type: 'predicate'; readonly body: Node }
  | { readonly type: 'unary'; readonly op: string; readonly operand: Node }
  | { readonly type: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly type: 'conditional'; readonly cond: Node; readonly then: Node; readonly else: Node }
  | { readonly type: 'array'; readonly items: readonly Node[] }
  | { readonly type: 'map'; readonly pairs: readonly (readonly [Node, Node])[] }
  | { readonly type: 'slice'; readonly object: Node; readonly from?: Node; readonly to?: Node };

const UNARY: Readonly<Record<string, number>> = { not: 50, '!': 50, '-': 90, '+': 90 };

const BINARY: Readonly<Record<string, { readonly precedence: number; readonly right?: boolean }>> = {
  '|': { precedence: 0 },
  or: { precedence: 10 },
  '||': { precedence: 10 },
  and: { precedence: 15 },
  '&&': { precedence: 15 },
  '==': { precedence: 20 },
  '!=': { precedence: 20 },
  '<': { precedence: 20 },
  '>': { precedence: 20 },
  '>=': { precedence: 20 },
  '<=': { precedence: 20 },
  in: { precedence: 20 },
  matches: { precedence: 20 },
  contains: { precedence: 20 },
  startsWith: { precedence: 20 },
  endsWith: { precedence: 20 },
  '..': { precedence: 25 },
  '+': { precedence: 30 },
  '-': { precedence: 30 },
  '*': { precedence: 60 },
  '/': { precedence: 60 },
  '%': { precedence: 60 },
  '**': { precedence: 100, right: true },
  '^': { precedence: 100, right: true },
  '??': { precedence: 500 },
};

const NEGATABLE = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith']);
const COMPARISONS = new Set(['<', '>', '<=', '>=']);

/** Builtins whose arguments after the first are predicates, and how many arguments they take. */
export const PREDICATE_BUILTINS: Readonly<Record<string, { readonly min: number; readonly max: number }>> = {
  all: { min: 2, max: 2 },
  any: { min: 2, max: 2 },
  none: { min: 2, max: 2 },
  one: { min: 2, max: 2 },
  filter: { min: 2, max: 2 },
  map: { min: 2, max: 2 },
  count: { min: 1, max: 2 },
  find: { min: 2, max: 2 },
  findIndex: { min: 2, max: 2 },
  findLast: { min: 2, max: 2 },
  findLastIndex: { min: 2, max: 2 },
};

export function parse(source: string, isBuiltin: (name: string) => boolean): Node {
  return new Parser(source, tokenize(source), isBuiltin).parseAll();
}

class Parser {
  readonly #source: string;
  readonly #tokens: readonly Token[];
  readonly #isBuiltin: (name: string) => boolean;
  #i = 0;
  /** Inside a predicate, `#` and a leading `.` name the element. */
  #depth = 0;

  constructor(source: string, tokens: readonly Token[], isBuiltin: (name: string) => boolean) {
    this.#source = source;
    this.#tokens = tokens;
    this.#isBuiltin = isBuiltin;
  }

  parseAll(): Node {
    const node = this.#expression(0);
    if (this.#current.kind !== 'eof') this.#fail(`unexpected token ${describe(this.#current)}`);
    return node;
  }

  get #current(): Token {
    return this.#tokens[this.#i]!;
  }

  #peek(offset = 1): Token {
    return this.#tokens[Math.min(this.#i + offset, this.#tokens.length - 1)]!;
  }

  #is(kind: Token['kind'], value?: string): boolean {
    const t = this.#current;
    return t.kind === kind && (value === undefined || t.value === value);
  }

  #next(): Token {
    const t = this.#current;
    if (t.kind === 'eof') this.#fail('unexpected end of expression');
    this.#i++;
    return t;
  }

  #expect(kind: Token['kind'], value?: string): Token {
    if (!this.#is(kind, value)) this.#fail(`unexpected token ${describe(this.#current)}`);
    return this.#next();
  }

  #fail(message: string, token: Token = this.#current): never {
    throw new ExprSyntaxError(message, this.#source, token.pos);
  }

  #expression(precedence: number): Node {
    let left = this.#primary();
    let previous = '';
    for (;;) {
      let token = this.#current;
      if (token.kind !== 'operator') break;
      let negate = false;
      if (token.value === 'not') {
        const after = this.#peek();
        if (!NEGATABLE.has(after.value)) this.#fail(`unexpected token ${describe(after)}`, after);
        if (BINARY[after.value]!.precedence < precedence) break;
        negate = true;
        this.#next();
        token = this.#current;
      }
      const op = BINARY[token.value];
      if (op === undefined || op.precedence < precedence) break;
      this.#next();
      if (previous === '??' && token.value !== '??')
        this.#fail(
          `Operator (${token.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`,
          token,
        );
      if (token.value === '|') {
        const name = this.#expect('identifier');
        left = this.#call(name, [left]);
      } else if (COMPARISONS.has(token.value)) {
        left = this.#comparison(left, token.value, op.precedence);
      } else {
        const right = this.#expression(op.right ? op.precedence : op.precedence + 1);
        left = { type: 'binary', op: token.value, left, right };
        if (negate) left = { type: 'unary', op: 'not', operand: left };
      }
      previous = token.value;
    }
    return precedence === 0 ? this.#conditional(left) : left;
  }

  /** `a < b < c` is `a < b and b < c`. */
  #comparison(left: Node, op: string, precedence: number): Node {
    let root: Node | undefined;
    let operator = op;
    let lhs = left;
    for (;;) {
      const right = this.#expression(precedence + 1);
      const cmp: Node = { type: 'binary', op: operator, left: lhs, right };
      root = root === undefined ? cmp : { type: 'binary', op: '&&', left: root, right: cmp };
      lhs = right;
      if (!(this.#current.kind === 'operator' && COMPARISONS.has(this.#current.value))) return root;
      operator = this.#next().value;
    }
  }

  #conditional(node: Node): Node {
    let cond = node;
    while (this.#is('operator', '?')) {
      this.#next();
      if (this.#is('operator', ':')) {
        this.#next();
        // `a ?: b` is `a ? a : b`: a must be a boolean.
        cond = { type: 'conditional', cond, then: cond, else: this.#expression(0) };
      } else {
        const then = this.#expression(0);
        this.#expect('operator', ':');
        cond = { type: 'conditional', cond, then, else: this.#expression(0) };
      }
    }
    return cond;
  }

  #primary(): Node {
    const token = this.#current;
    if (token.kind === 'operator' && UNARY[token.value] !== undefined) {
      this.#next();
      const operand = this.#expression(UNARY[token.value]!);
      return this.#postfix({ type: 'unary', op: token.value, operand });
    }
    if (this.#is('bracket', '(')) {
      this.#next();
      const inner = this.#expression(0);
      this.#expect('bracket', ')');
      return this.#postfix(inner);
    }
    if (this.#depth > 0 && token.kind === 'operator' && (token.value === '#' || token.value === '.')) {
      let name = '';
      if (token.value === '#') {
        this.#next();
        if (this.#is('identifier')) name = this.#next().value;
        return this.#postfix({ type: 'pointer', name });
      }
      // `.field` inside a predicate is `#.field`.
      return this.#postfix({ type: 'pointer', name: '' });
    }
    return this.#postfix(this.#secondary());
  }

  #secondary(): Node {
    const token = this.#current;
    switch (token.kind) {
      case 'identifier':
        this.#next();
        if (token.value === 'true') return { type: 'literal', value: true };
        if (token.value === 'false') return { type: 'literal', value: false };
        if (token.value === 'nil') return { type: 'literal', value: null };
        if (this.#is('bracket', '(')) return this.#call(token, []);
        return { type: 'ident', name: token.value };
      case 'number':
        this.#next();
        return { type: 'literal', value: this.#number(token) };
      case 'string':
        this.#next();
        return { type: 'literal', value: token.value };
      case 'bracket':
        if (token.value === '[') return this.#array();
        if (token.value === '{') return this.#map();
    }
    return this.#fail(`unexpected token ${describe(token)}`);
  }

  /** Ints and floats are both JS numbers: they print alike with %v, and `/` is always a float division in expr. */
  #number(token: Token): number {
    const text = token.value.replaceAll('_', '');
    const lower = text.toLowerCase();
    if (/^0[xob]/.test(lower)) {
      const base = lower[1] === 'x' ? 16 : lower[1] === 'o' ? 8 : 2;
      const digits = lower.slice(2);
      const valid = { 16: /^[0-9a-f]+$/, 8: /^[0-7]+$/, 2: /^[01]+$/ }[base];
      if (!valid.test(digits)) this.#fail(`invalid integer literal: ${token.value}`, token);
      return Number.parseInt(digits, base);
    }
    return Number(text);
  }

  #call(name: Token, args: Node[]): Node {
    const predicate = PREDICATE_BUILTINS[name.value];
    if (predicate !== undefined) {
      this.#expect('bracket', '(');
      const out = [...args];
      while (!this.#is('bracket', ')')) {
        if (out.length > args.length) this.#expect('operator', ',');
        if (this.#is('bracket', ')')) break;
        out.push(out.length === 0 ? this.#expression(0) : this.#predicate());
      }
      this.#expect('bracket', ')');
      if (out.length < predicate.min || out.length > predicate.max)
        this.#fail(`${name.value}: expected ${predicate.min} arguments, got ${out.length}`, name);
      return { type: 'builtin', name: name.value, args: out };
    }
    const all = [...args, ...this.#arguments()];
    if (this.#isBuiltin(name.value)) return { type: 'builtin', name: name.value, args: all };
    return { type: 'call', callee: { type: 'ident', name: name.value }, args: all };
  }

  #arguments(): Node[] {
    const args: Node[] = [];
    this.#expect('bracket', '(');
    while (!this.#is('bracket', ')')) {
      if (args.length > 0) this.#expect('operator', ',');
      if (this.#is('bracket', ')')) break;
      args.push(this.#expression(0));
    }
    this.#expect('bracket', ')');
    return args;
  }

  #predicate(): Node {
    const braces = this.#is('bracket', '{');
    if (braces) this.#next();
    this.#depth++;
    const body = this.#expression(0);
    this.#depth--;
    if (braces) this.#expect('bracket', '}');
    return { type: 'predicate', body };
  }

  #array(): Node {
    this.#expect('bracket', '[');
    const items: Node[] = [];
    while (!this.#is('bracket', ']')) {
      if (items.length > 0) {
        this.#expect('operator', ',');
        if (this.#is('bracket', ']')) break;
      }
      items.push(this.#expression(0));
    }
    this.#expect('bracket', ']');
    return { type: 'array', items };
  }

  #map(): Node {
    this.#expect('bracket', '{');
    const pairs: [Node, Node][] = [];
    while (!this.#is('bracket', '}')) {
      if (pairs.length > 0) {
        this.#expect('operator', ',');
        if (this.#is('bracket', '}')) break;
      }
      let key: Node;
      const t = this.#current;
      if (t.kind === 'number' || t.kind === 'string' || t.kind === 'identifier') {
        this.#next();
        key = { type: 'literal', value: t.value };
      } else if (this.#is('bracket', '(')) {
        key = this.#expression(0);
      } else {
        this.#fail(
          `a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token ${describe(t)})`,
        );
      }
      this.#expect('operator', ':');
      pairs.push([key, this.#expression(0)]);
    }
    this.#expect('bracket', '}');
    return { type: 'map', pairs };
  }

  #postfix(start: Node): Node {
    let node = start;
    for (;;) {
      const token = this.#current;
      if (token.kind === 'operator' && (token.value === '.' || token.value === '?.')) {
        this.#next();
        const optional = token.value === '?.';
        node =
          optional && this.#is('bracket', '[') ? this.#index(node, true) : this.#property(node, optional);
      } else if (token.kind === 'bracket' && token.value === '[') {
        node = this.#index(node, false);
      } else {
        return node;
      }
    }
  }

  /** `.name` or `.name(args)` after `object`; inside an optional chain the chain grows. */
  #property(object: Node, optional: boolean): Node {
    const property = this.#next();
    const wordLike = property.kind === 'operator' && /^[A-Za-z_]\w*$/.test(property.value);
    if (property.kind !== 'identifier' && !wordLike) this.#fail('expected name', property);
    const inChain = object.type === 'chain';
    const inner = object.type === 'chain' ? object.node : object;
    let next: Node = {
      type: 'member',
      object: inner,
      property: { type: 'literal', value: property.value },
      optional,
    };
    if (this.#is('bracket', '(')) next = { type: 'call', callee: next, args: this.#arguments() };
    return inChain || optional ? { type: 'chain', node: next } : next;
  }

  /** `x[i]`, `x[from:to]`, `x?.[i]`. */
  #index(object: Node, optional: boolean): Node {
    this.#expect('bracket', '[');
    let node: Node;
    if (this.#is('operator', ':')) {
      this.#next();
      const to = this.#is('bracket', ']') ? undefined : this.#expression(0);
      node = { type: 'slice', object, ...(to ? { to } : {}) };
    } else {
      const from = this.#expression(0);
      if (this.#is('operator', ':')) {
        this.#next();
        const to = this.#is('bracket', ']') ? undefined : this.#expression(0);
        node = { type: 'slice', object, from, ...(to ? { to } : {}) };
      } else {
        const isChain = object.type === 'chain';
        const inner = object.type === 'chain' ? object.node : object;
        node = { type: 'member', object: inner, property: from, optional };
        if (optional || isChain) node = { type: 'chain', node };
      }
    }
    this.#expect('bracket', ']');
    return node;
  }
}

function describe(token: Token): string {
  if (token.kind === 'eof') return 'EOF';
  return `${token.kind.charAt(0).toUpperCase()}${token.kind.slice(1)}("${token.value}")`;
}
