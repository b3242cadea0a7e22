/**
 * The evaluator: walks a parsed template over Go values with text/template's semantics — field
 * chains and missingkey modes, pipelines, variables and their scopes, if/with/range (maps in key
 * order, break/continue, else), template calls, argument checking against function signatures,
 * and Go's error texts with the node being evaluated as context.
 *
 * A value fetched from an `interface {}` container is an interface value in Go; that only shows
 * in error texts (`can't evaluate field x in type interface {}`), so the evaluator tracks it
 * beside the value (`Dot.iface`, and the `iface` register for results) instead of boxing values.
 */
import type {
  AnyNode,
  ArgNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './ast.ts';
import { nodeString } from './ast.ts';
import { GoExecError, locationOf } from './errors.ts';
import { formatValue } from './fmt.ts';
import { GoFuncValue, type FuncMap, type GoFunc } from './funcs.ts';
import { quote } from './strconv.ts';
import {
  ANY,
  GoInt,
  GoObject,
  REFLECT_VALUE,
  elemType,
  isMap,
  isTrue,
  kindOfType,
  sortedKeys,
  typeName,
  zeroOf,
  type GoMap,
  type GoType,
  type GoValue,
  type IntKind,
} from './value.ts';

export type MissingKey = 'invalid' | 'zero' | 'error';

/** A parsed template ready to execute. */
export interface Program {
  readonly text: string;
  readonly name: string;
  readonly trees: ReadonlyMap<string, ListNode>;
  /** Template functions (sprig and Argo's), looked up before the builtins. */
  readonly funcs: FuncMap;
  readonly builtins: FuncMap;
  readonly missingKey: MissingKey;
}

/** Nested template calls allowed (Go allows 100000; a JS stack does not). */
export const MAX_EXEC_DEPTH = 1000;

const MISSING = Symbol('missing');
type Final = GoValue | typeof MISSING;

const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
type Control = typeof NORMAL | typeof BREAK | typeof CONTINUE;

/** A value and whether Go would hold it as an interface value. */
interface Dot {
  readonly value: GoValue;
  readonly iface: boolean;
}

/** A command's words (the first is the command itself) and the value piped into it. */
interface Operands {
  readonly args: readonly ArgNode[];
  readonly final: Final;
}

/** Where a field or call is evaluated: dot for its arguments, the node errors point at, its operands. */
interface Site extends Operands {
  readonly dot: Dot;
  readonly node: AnyNode;
}

/** One function or method call. */
interface Call extends Site {
  readonly name: string;
}

interface Variable {
  readonly name: string;
  value: GoValue;
  iface: boolean;
}

const NO_ARGS: readonly ArgNode[] = [];

const INT_KINDS: ReadonlySet<string> = new Set(['int', 'int8', 'int16', 'int32', 'int64']);
const UINT_KINDS: ReadonlySet<string> = new Set(['uint', 'uint8', 'uint16', 'uint32', 'uint64']);

function canBeNil(typ: GoType): boolean {
  const kind = kindOfType(typ);
  return (
    kind === 'interface' || kind === 'slice' || kind === 'map' || kind === 'ptr' || typ === REFLECT_VALUE
  );
}

function isHexInt(s: string): boolean {
  return s.length > 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && !/[pP]/.test(s);
}

/** How a literal argument converts to a parameter's type; undefined when it cannot. */
function literalFor(typ: GoType, n: ArgNode): [ok: boolean, value: GoValue, expected: string] {
  if (typ === 'bool') return [n.kind === 'bool', n.kind === 'bool' ? n.value : undefined, 'bool'];
  if (typ === 'string') return [n.kind === 'string', n.kind === 'string' ? n.text : undefined, 'string'];
  if (n.kind !== 'number') {
    if (INT_KINDS.has(typ)) return [false, undefined, 'integer'];
    if (UINT_KINDS.has(typ)) return [false, undefined, 'unsigned integer'];
    return [false, undefined, 'float'];
  }
  if (INT_KINDS.has(typ)) return [n.isInt, new GoInt(typ as IntKind, n.int64), 'integer'];
  if (UINT_KINDS.has(typ)) return [n.isUint, new GoInt(typ as IntKind, n.uint64), 'unsigned integer'];
  return [n.isFloat, n.float64, 'float'];
}

const SCALAR_TYPES: ReadonlySet<string> = new Set([
  'bool',
  'string',
  'float64',
  'float32',
  ...INT_KINDS,
  ...UINT_KINDS,
]);

class State {
  out = '';
  private vars: Variable[];
  private node: AnyNode | undefined;
  private executing = '';
  private depth = 0;
  /** Whether the value last returned by an eval method is an interface value. */
  private iface = false;
  private readonly p: Program;

  constructor(p: Program, data: GoValue) {
    this.p = p;
    this.vars = [{ name: '$', value: data, iface: false }];
  }

  run(data: GoValue): void {
    const root = this.p.trees.get(this.p.name);
    if (root === undefined) this.errorf(`${quote(this.p.name)} is an incomplete or empty template`);
    this.walk({ value: data, iface: false }, root);
  }

  private errorf(reason: string): never {
    if (this.node === undefined) throw new GoExecError(reason, this.executing);
    throw new GoExecError(
      reason,
      this.executing,
      locationOf(this.p.text, this.node.pos),
      nodeString(this.node),
    );
  }

  // --- variables ---

  private varLookup(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) return v;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setVar(name: string, value: GoValue, iface: boolean): void {
    const v = this.varLookup(name);
    v.value = value;
    v.iface = iface;
  }

  private setTopVar(n: number, value: GoValue, iface: boolean): void {
    const v = this.vars[this.vars.length - n]!;
    v.value = value;
    v.iface = iface;
  }

  // --- walking ---

  private walk(dot: Dot, node: Node): Control {
    this.node = node;
    switch (node.kind) {
      case 'text':
        this.out += node.text;
        return NORMAL;
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return NORMAL;
      }
      case 'list':
        return this.walkList(dot, node);
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node);
      case 'range':
        this.walkRange(dot, node);
        return NORMAL;
      case 'template':
        this.walkTemplate(dot, node);
        return NORMAL;
      case 'break':
        return BREAK;
      case 'continue':
        return CONTINUE;
    }
  }

  private walkList(dot: Dot, list: ListNode): Control {
    for (const n of list.nodes) {
      const c = this.walk(dot, n);
      if (c !== NORMAL) return c;
    }
    return NORMAL;
  }

  private printValue(node: Node, v: GoValue): void {
    this.node = node;
    if (typeof v === 'string') this.out += v;
    else this.out += v === undefined ? '<no value>' : formatValue(v);
  }

  private walkIfOrWith(dot: Dot, node: BranchNode): Control {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) return this.walk(node.kind === 'with' ? { value: val, iface: false } : dot, node.list);
      return node.elseList === undefined ? NORMAL : this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: Dot, r: BranchNode): void {
    this.node = r;
    const outer = this.vars.length;
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const ran = this.rangeOver(val, r, this.vars.length);
      if (!ran && r.elseList !== undefined) this.walk(dot, r.elseList);
    } finally {
      this.vars.length = outer;
    }
  }

  /** Runs the range body over `val`; false when there was nothing to iterate. */
  private rangeOver(val: GoValue, r: BranchNode, mark: number): boolean {
    const each = (index: GoValue, elem: Dot): Control => {
      this.bindRangeVars(r.pipe, index, elem);
      const c = this.walk(elem, r.list);
      this.vars.length = mark;
      return c;
    };
    if (val instanceof GoInt) return this.rangeInt(val, r, each);
    if (Array.isArray(val)) {
      const iface = elemType(val) === ANY;
      for (let i = 0; i < val.length; i++) {
        if (each(new GoInt('int', BigInt(i)), { value: val[i], iface }) === BREAK) break;
      }
      return val.length > 0;
    }
    if (isMap(val)) {
      const keys = sortedKeys(val);
      const iface = elemType(val) === ANY;
      for (const k of keys) if (each(k, { value: val[k], iface }) === BREAK) break;
      return keys.length > 0;
    }
    if (val === undefined) return false;
    this.errorf(`range can't iterate over ${formatValue(val)}`);
  }

  private rangeInt(val: GoInt, r: BranchNode, each: (index: GoValue, elem: Dot) => Control): boolean {
    if (r.pipe.decl.length > 1)
      this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
    let i = 0n;
    for (; i < val.value; i++)
      if (each(undefined, { value: new GoInt(val.kind, i), iface: false }) === BREAK) return true;
    return i > 0n;
  }

  private bindRangeVars(pipe: PipeNode, index: GoValue, elem: Dot): void {
    const decl = pipe.decl;
    if (decl.length === 0) return;
    if (!pipe.isAssign) {
      this.setTopVar(1, elem.value, elem.iface);
      if (decl.length > 1) this.setTopVar(2, index, false);
      return;
    }
    if (decl.length > 1) {
      this.setVar(decl[0]!.ident[0]!, index, false);
      this.setVar(decl[1]!.ident[0]!, elem.value, elem.iface);
    } else {
      this.setVar(decl[0]!.ident[0]!, elem.value, elem.iface);
    }
  }

  private walkTemplate(dot: Dot, t: TemplateNode): void {
    this.node = t;
    const tree = this.p.trees.get(t.name);
    if (tree === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = this.evalPipeline(dot, t.pipe);
    const saved = { vars: this.vars, executing: this.executing };
    this.vars = [{ name: '$', value: newDot, iface: false }];
    this.executing = t.name;
    this.depth++;
    try {
      this.walk({ value: newDot, iface: false }, tree);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.executing = saved.executing;
    }
  }

  // --- pipelines and commands ---

  private evalPipeline(dot: Dot, pipe: PipeNode | undefined): GoValue {
    if (pipe === undefined) return undefined;
    this.node = pipe;
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // An interface value is replaced by what it holds; a nil interface becomes "no value".
      if (value === null) value = undefined;
    }
    const result = value === MISSING ? undefined : value;
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, result, false);
      else this.vars.push({ name: v.ident[0]!, value: result, iface: false });
    }
    this.iface = false;
    return result;
  }

  private notAFunction(ops: Operands): void {
    if (ops.args.length > 1 || ops.final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(ops.args[0]!)}`);
    }
  }

  /**
   * The common case `.a.b.c` through maps that have every key: no error, no method, no
   * missingkey handling. Returns MISSING to fall back to the general path.
   */
  private fastField(dot: Dot, field: FieldNode): Final {
    let v: GoValue = dot.value;
    for (const name of field.ident) {
      if (!isMap(v) || !Object.hasOwn(v, name)) return MISSING;
      this.iface = elemType(v) === ANY;
      v = v[name];
    }
    this.node = field;
    return v;
  }

  private evalCommand(dot: Dot, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0]!;
    if (first.kind === 'field' && final === MISSING && cmd.args.length === 1) {
      const v = this.fastField(dot, first);
      if (v !== MISSING) return v;
    }
    return this.evalWord(dot, cmd, final);
  }

  /** A command by its first word: a field, chain, function, pipeline, variable or constant. */
  private evalWord(dot: Dot, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0]!;
    const ops: Operands = { args: cmd.args, final };
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, ops);
      case 'chain':
        return this.evalChainNode(dot, first, ops);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, ops);
      case 'pipe':
        this.notAFunction(ops);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(first, dot, ops);
    }
    this.node = first;
    this.notAFunction(ops);
    this.iface = first.kind === 'dot' && dot.iface;
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot.value;
      case 'nil':
        return this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  private idealConstant(n: NumberNode): GoValue {
    this.node = n;
    if (n.isFloat && !isHexInt(n.text) && n.text[0] !== "'" && /[.eEpP]/.test(n.text)) return n.float64;
    if (n.isInt) return new GoInt('int', n.int64);
    if (n.isUint) this.errorf(`${n.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: Dot, field: FieldNode, ops: Operands): GoValue {
    this.node = field;
    return this.evalFieldChain(dot, dot, { node: field, ident: field.ident }, ops);
  }

  private evalChainNode(dot: Dot, chain: ChainNode, ops: Operands): GoValue {
    this.node = chain;
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const value = this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(dot, { value, iface: this.iface }, { node: chain, ident: chain.field }, ops);
  }

  private evalVariableNode(variable: VariableNode, dot: Dot, ops: Operands): GoValue {
    this.node = variable;
    const v = this.varLookup(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.notAFunction(ops);
      this.iface = v.iface;
      return v.value;
    }
    const receiver = { value: v.value, iface: v.iface };
    return this.evalFieldChain(dot, receiver, { node: variable, ident: variable.ident.slice(1) }, ops);
  }

  /** `.X.Y.Z args`: each field of the receiver in turn; only the last one gets the operands. */
  private evalFieldChain(
    dot: Dot,
    receiver: Dot,
    chain: { readonly node: AnyNode; readonly ident: readonly string[] },
    ops: Operands,
  ): GoValue {
    const n = chain.ident.length;
    let recv = receiver;
    if (n > 1) {
      const mid: Site = { dot, node: chain.node, args: NO_ARGS, final: MISSING };
      for (let i = 0; i < n - 1; i++)
        recv = { value: this.evalField(mid, chain.ident[i]!, recv), iface: this.iface };
    }
    return this.evalField(
      { dot, node: chain.node, args: ops.args, final: ops.final },
      chain.ident[n - 1]!,
      recv,
    );
  }

  private evalField(site: Site, name: string, receiver: Dot): GoValue {
    const value = receiver.value;
    if (isMap(value)) {
      if (site.args.length > 1 || site.final !== MISSING)
        this.errorf(`${name} is not a method but has arguments`);
      return this.mapIndex(value, name);
    }
    if (value === undefined) {
      if (this.p.missingKey === 'error') this.errorf(`nil data; no entry for key ${quote(name)}`);
      this.iface = false;
      return undefined;
    }
    if (value === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    const method = value instanceof GoObject ? value.methods()[name] : undefined;
    if (method === undefined) {
      this.errorf(`can't evaluate field ${name} in type ${receiver.iface ? ANY : typeName(value)}`);
    }
    const bound: GoFunc = {
      params: method.params,
      ...(method.variadic === undefined ? {} : { variadic: method.variadic }),
      call: (args) => method.call(value as GoObject, args),
    };
    return this.evalCall({ ...site, name }, bound, false);
  }

  private mapIndex(m: GoMap, name: string): GoValue {
    const elem = elemType(m);
    this.iface = elem === ANY;
    if (Object.hasOwn(m, name)) return m[name];
    if (this.p.missingKey === 'zero') return zeroOf(elem);
    if (this.p.missingKey === 'error') this.errorf(`map has no entry for key ${quote(name)}`);
    this.iface = false;
    return undefined;
  }

  private evalFunction(dot: Dot, node: IdentifierNode, cmd: AnyNode, ops: Operands): GoValue {
    this.node = node;
    const name = node.ident;
    const call: Call = { dot, name, node: cmd, args: ops.args, final: ops.final };
    const fn = this.p.funcs.get(name);
    if (fn !== undefined) return this.evalCall(call, fn, false);
    const builtin = this.p.builtins.get(name);
    if (builtin === undefined) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(call, builtin, true);
  }

  /** Checks the argument count as Go does (before evaluating any argument). */
  private checkArity(call: Call, fn: GoFunc, given: number): void {
    const numIn = given + (call.final === MISSING ? 0 : 1);
    if (fn.variadic !== undefined) {
      if (numIn < fn.params.length) {
        this.errorf(`wrong number of args for ${call.name}: want at least ${fn.params.length} got ${given}`);
      }
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${call.name}: want ${fn.params.length} got ${numIn}`);
    }
  }

  /** Calls a function or method: checks the argument count, converts arguments, runs it. */
  private evalCall(call: Call, fn: GoFunc, isBuiltin: boolean): GoValue {
    const argNodes = call.args.length > 1 ? call.args.slice(1) : NO_ARGS;
    this.checkArity(call, fn, argNodes.length);
    if (isBuiltin && (fn.special === 'and' || fn.special === 'or'))
      return this.andOr(call, fn.special, argNodes);
    const argv = this.evalArgs(call, fn, argNodes);
    if (isBuiltin && fn.special === 'call') return this.callBuiltin(call, argNodes, argv);
    return this.invoke(call, fn, argv);
  }

  private evalArgs(call: Call, fn: GoFunc, argNodes: readonly ArgNode[]): GoValue[] {
    const params = fn.params;
    const numFixed = fn.variadic === undefined ? argNodes.length : params.length;
    const argv = argNodes.map((arg, i) =>
      this.evalArg(call.dot, i < numFixed ? params[i] : fn.variadic, arg),
    );
    if (call.final !== MISSING) {
      const numIn = argNodes.length + 1;
      let t = params[params.length - 1];
      if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? params[numIn - 1] : fn.variadic;
      argv.push(this.validateType(call.final, t));
    }
    return argv;
  }

  private invoke(call: Call, fn: GoFunc, argv: GoValue[]): GoValue {
    let result: GoValue;
    try {
      result = fn.call(argv);
    } catch (err) {
      if (err instanceof GoExecError) throw err;
      this.node = call.node;
      this.errorf(`error calling ${call.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.iface = fn.returnsInterface === true;
    return result;
  }

  private andOr(call: Call, which: 'and' | 'or', argNodes: readonly ArgNode[]): GoValue {
    let v: GoValue = undefined;
    for (const arg of argNodes) {
      v = this.evalArg(call.dot, REFLECT_VALUE, arg);
      if (isTrue(v) === (which === 'or')) {
        this.iface = false;
        return v;
      }
    }
    if (call.final !== MISSING) v = this.validateType(call.final, REFLECT_VALUE);
    this.iface = false;
    return v;
  }

  /** The `call` builtin: calls a function held in the data ({@link GoFuncValue}), checking its arguments as Go does. */
  private callBuiltin(call: Call, argNodes: readonly ArgNode[], argv: readonly GoValue[]): GoValue {
    const target = argv[0];
    const calleeName = argNodes.length > 0 ? nodeString(argNodes[0]!) : formatValue(target);
    this.node = call.node;
    if (target === undefined || target === null) this.errorf(`error calling call: call of nil`);
    if (!(target instanceof GoFuncValue))
      this.errorf(`error calling call: non-function ${calleeName} of type ${typeName(target)}`);
    const fn = target.fn;
    const args = argv.slice(1);
    const fixed = fn.params.length;
    if (fn.variadic === undefined ? args.length !== fixed : args.length < fixed) {
      const want = fn.variadic === undefined ? `${fixed}` : `at least ${fixed}`;
      this.errorf(
        `error calling call: wrong number of args for ${calleeName}: got ${args.length} want ${want}`,
      );
    }
    const checked = args.map((arg, i) => this.validateType(arg, i < fixed ? fn.params[i] : fn.variadic));
    return this.invoke(call, fn, checked);
  }

  // --- arguments ---

  /** Checks that a value fits a parameter type (Go's validateType); nil becomes the type's zero. */
  private validateType(value: GoValue, typ: GoType | undefined): GoValue {
    if (value === undefined) {
      if (typ === undefined || typ === REFLECT_VALUE) return undefined;
      if (canBeNil(typ)) return null;
      this.errorf(`invalid value; expected ${typ}`);
    }
    if (typ === undefined || typ === ANY || typ === REFLECT_VALUE) return value;
    if (value === null) this.errorf(`wrong type for value; expected ${typ}; got interface {}`);
    const actual = typeName(value);
    if (actual !== typ) this.errorf(`wrong type for value; expected ${typ}; got ${actual}`);
    return value;
  }

  private evalArg(dot: Dot, typ: GoType | undefined, n: ArgNode): GoValue {
    this.node = n;
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot.value, typ);
      case 'nil':
        if (typ !== undefined && canBeNil(typ)) return typ === REFLECT_VALUE ? undefined : null;
        return this.errorf(`cannot assign nil to ${typ}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, { args: [n], final: MISSING }), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(n, dot, { args: [n], final: MISSING }), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, { args: [n], final: MISSING }), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, { args: [n], final: MISSING }), typ);
    }
    return this.evalLiteral(typ ?? ANY, n);
  }

  private evalLiteral(typ: GoType, n: ArgNode): GoValue {
    this.iface = false;
    if (SCALAR_TYPES.has(typ)) {
      const [ok, value, expected] = literalFor(typ, n);
      if (!ok) this.errorf(`expected ${expected}; found ${nodeString(n)}`);
      return value;
    }
    if (typ !== ANY && typ !== REFLECT_VALUE)
      this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`);
    if (n.kind === 'bool') return n.value;
    if (n.kind === 'number') return this.idealConstant(n);
    if (n.kind === 'string') return n.text;
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }
}

/** Executes `p` over `data` and returns the output; throws GoExecError. */
export function execute(p: Program, data: GoValue): string {
  const state = new State(p, data);
  state.run(data);
  return state.out;
}
