/**
 * The parser for Go templates: the grammar, scoping checks and error messages of
 * text/template/parse. `parse` returns every template the text defines (the main one under
 * `name`, plus `define`d and `block` ones).
 */
import type {
  ArgNode,
  BranchNode,
  CommandNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './ast.ts';
import { nodeString } from './ast.ts';
import { GoParseError, locationOf } from './errors.ts';
import { Lexer, tokenString, type Token, type TokenType } from './lexer.ts';
import { LiteralError, parseNumber, unquote, unquoteChar } from './literal.ts';
import { quote } from './strconv.ts';

const MAX_STACK_DEPTH = 10000;

/** End and else markers, which only the parser sees. */
interface Marker {
  readonly kind: 'end' | 'else';
  readonly pos: number;
}
type Parsed = Node | Marker;

/** State shared by the main tree and the `define`/`block` trees parsed from the same text. */
interface Shared {
  readonly text: string;
  readonly name: string;
  readonly lex: Lexer;
  readonly trees: Map<string, ListNode>;
  readonly hasFunction: (name: string) => boolean;
  readonly unsupported?: (name: string) => string | undefined;
}

function isMarker(n: Parsed): n is Marker {
  return n.kind === 'end' || n.kind === 'else';
}

function markerString(n: Parsed): string {
  return isMarker(n) ? `{{${n.kind}}}` : nodeString(n);
}

/** text/template/parse.IsEmptyTree. */
function isEmptyTree(n: Node): boolean {
  switch (n.kind) {
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      return n.text.trim() === '';
    default:
      return false;
  }
}

class Tree {
  root: ListNode | undefined;
  private readonly token: Token[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;
  private stackDepth = 0;
  name: string;
  private readonly s: Shared;

  constructor(name: string, shared: Shared) {
    this.name = name;
    this.s = shared;
  }

  // --- token stream with three tokens of lookahead ---

  private next(): Token {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.s.lex.nextItem();
    return this.token[this.peekCount]!;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Token): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Token, t1: Token): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Token {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.s.lex.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Token {
    let token: Token;
    do token = this.next();
    while (token.type === 'space');
    return token;
  }

  private peekNonSpace(): Token {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // --- errors ---

  errorf(reason: string): never {
    const at = this.token[0] ?? { pos: 0, line: 1 };
    const loc = locationOf(this.s.text, at.pos);
    throw new GoParseError({ line: at.line, column: loc.line === at.line ? loc.column : 0 }, reason);
  }

  private expect(expected: TokenType, context: string): Token {
    const token = this.nextNonSpace();
    if (token.type !== expected) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Token, context: string): never {
    if (token.type === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.s.name}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${tokenString(token)}${extra}`);
    }
    this.errorf(`unexpected ${tokenString(token)} in ${context}`);
  }

  private literal<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof LiteralError) this.errorf(err.message);
      throw err;
    }
  }

  // --- templates ---

  add(): void {
    const existing = this.s.trees.get(this.name);
    if (existing === undefined || isEmptyTree(existing)) {
      this.s.trees.set(this.name, this.root!);
      return;
    }
    if (!isEmptyTree(this.root!))
      this.errorf(`template: multiple definition of template ${quote(this.name)}`);
  }

  parse(): void {
    const nodes: Node[] = [];
    this.root = { kind: 'list', pos: this.peek().pos, nodes };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const delim = this.next();
        if (this.nextNonSpace().type === 'define') {
          new Tree('definition', this.s).parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (isMarker(n)) this.errorf(`unexpected ${markerString(n)}`);
      nodes.push(n);
    }
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const token = this.nextNonSpace();
    if (token.type !== 'string' && token.type !== 'rawString') this.unexpected(token, context);
    this.name = this.literal(() => unquote(token.val));
    this.expect('rightDelim', context);
    const [list, end] = this.itemList();
    if (end.kind !== 'end') this.errorf(`unexpected ${markerString(end)} in ${context}`);
    this.root = list;
    this.add();
  }

  private itemList(): [ListNode, Marker] {
    const nodes: Node[] = [];
    const list: ListNode = { kind: 'list', pos: this.peekNonSpace().pos, nodes };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (isMarker(n)) return [list, n];
      nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Parsed {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'text':
        return { kind: 'text', pos: token.pos, text: token.val };
      case 'leftDelim':
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
    }
    this.unexpected(token, 'input');
  }

  private action(): Parsed {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'block':
        return this.blockControl();
      case 'break':
      case 'continue':
        return this.loopControl(token);
      case 'else':
        return this.elseControl();
      case 'end':
        return { kind: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'if':
      case 'range':
      case 'with':
        return this.branch(token.type);
      case 'template':
        return this.templateControl();
    }
    this.backup();
    const first = this.peek();
    return { kind: 'action', pos: first.pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private loopControl(keyword: Token): Node {
    const kind = keyword.type as 'break' | 'continue';
    const token = this.nextNonSpace();
    if (token.type !== 'rightDelim') this.unexpected(token, `{{${kind}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
    return { kind, pos: keyword.pos };
  }

  private elseControl(): Marker {
    const peek = this.peekNonSpace();
    if (peek.type === 'if' || peek.type === 'with') return { kind: 'else', pos: peek.pos };
    return { kind: 'else', pos: this.expect('rightDelim', 'else').pos };
  }

  private branch(kind: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(kind, 'rightDelim');
      if (kind === 'range') this.rangeDepth++;
      const [list, next] = this.itemList();
      if (kind === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.kind === 'else') elseList = this.elseBranch(kind, next);
      return { kind, pos: pipe.pos, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private elseBranch(kind: 'if' | 'range' | 'with', marker: Marker): ListNode {
    const chained = this.peek().type;
    if ((kind === 'if' && chained === 'if') || (kind === 'with' && chained === 'with')) {
      this.next();
      return { kind: 'list', pos: marker.pos, nodes: [this.branch(kind)] };
    }
    const [elseList, end] = this.itemList();
    if (end.kind !== 'end') this.errorf(`expected end; found ${markerString(end)}`);
    return elseList;
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const block = new Tree(name, this.s);
    const [list, end] = block.itemList();
    if (end.kind !== 'end') this.errorf(`unexpected ${markerString(end)} in ${context}`);
    block.root = list;
    block.add();
    return { kind: 'template', pos: token.pos, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { kind: 'template', pos: token.pos, name, pipe };
  }

  private templateName(token: Token, context: string): string {
    if (token.type !== 'string' && token.type !== 'rawString') this.unexpected(token, context);
    return this.literal(() => unquote(token.val));
  }

  // --- pipelines ---

  private pipeline(context: string, end: TokenType): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: start.pos, isAssign: false, decl: [], cmds: [] };
    this.declarations(pipe, context);
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      if (!OPERAND_START.has(token.type)) this.unexpected(token, context);
      this.backup();
      pipe.cmds.push(this.command());
    }
  }

  private declarations(pipe: PipeNode, context: string): void {
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') return;
      this.next();
      const afterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        this.declareVar(pipe, v);
        return;
      }
      if (next.type === 'char' && next.val === ',') {
        this.nextNonSpace();
        this.declareVar(pipe, v);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      if (afterVariable.type === 'space') this.backup3(v, afterVariable);
      else this.backup2(v);
      return;
    }
  }

  private declareVar(pipe: PipeNode, v: Token): void {
    pipe.decl.push({ kind: 'variable', pos: v.pos, ident: v.val.split('.') });
    this.vars.push(v.val);
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      if (NON_EXECUTABLE.has(c.args[0]!.kind))
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== undefined) cmd.args.push(operand);
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') this.backup();
      else if (token.type !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (node === undefined || this.peek().type !== 'field') return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { kind: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
    }
    return { kind: 'chain', pos, node, field: fields };
  }

  private term(): ArgNode | undefined {
    const token = this.nextNonSpace();
    const pos = token.pos;
    switch (token.type) {
      case 'identifier':
        return this.identifier(token);
      case 'dot':
        return { kind: 'dot', pos };
      case 'nil':
        return { kind: 'nil', pos };
      case 'variable':
        return this.useVar(pos, token.val);
      case 'field':
        return { kind: 'field', pos, ident: token.val.slice(1).split('.') };
      case 'bool':
        return { kind: 'bool', pos, value: token.val === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        return this.number(token);
      case 'leftParen':
        return this.parenthesized();
      case 'string':
      case 'rawString':
        return { kind: 'string', pos, quoted: token.val, text: this.literal(() => unquote(token.val)) };
    }
    this.backup();
    return undefined;
  }

  /** A function name: Go checks at parse time that the function exists. */
  private identifier(token: Token): ArgNode {
    if (!this.s.hasFunction(token.val)) {
      const why = this.s.unsupported?.(token.val);
      this.errorf(`function ${quote(token.val)} not defined${why === undefined ? '' : ` (${why})`}`);
    }
    return { kind: 'identifier', pos: token.pos, ident: token.val };
  }

  private parenthesized(): PipeNode {
    if (this.stackDepth >= MAX_STACK_DEPTH) this.errorf('max expression depth exceeded');
    this.stackDepth++;
    try {
      return this.pipeline('parenthesized pipeline', 'rightParen');
    } finally {
      this.stackDepth--;
    }
  }

  private number(token: Token): NumberNode {
    return this.literal(() => {
      if (token.type === 'charConstant') {
        const r = BigInt(unquoteChar(token.val));
        return numberNode(token, {
          isInt: true,
          isUint: true,
          isFloat: true,
          int64: r,
          uint64: r,
          float64: Number(r),
        });
      }
      if (token.type === 'complex')
        throw new LiteralError(`complex number constants are not supported: ${token.val}`);
      return numberNode(token, parseNumber(token.val));
    });
  }

  private useVar(pos: number, name: string): VariableNode {
    const ident = name.split('.');
    if (!this.vars.includes(ident[0]!)) this.errorf(`undefined variable ${quote(ident[0]!)}`);
    return { kind: 'variable', pos, ident };
  }
}

function numberNode(token: Token, n: ReturnType<typeof parseNumber>): NumberNode {
  return { kind: 'number', pos: token.pos, text: token.val, ...n };
}

const OPERAND_START: ReadonlySet<TokenType> = new Set<TokenType>([
  'bool',
  'charConstant',
  'complex',
  'dot',
  'field',
  'identifier',
  'number',
  'nil',
  'rawString',
  'string',
  'variable',
  'leftParen',
]);

const NON_EXECUTABLE: ReadonlySet<string> = new Set(['bool', 'dot', 'nil', 'number', 'string']);

export interface ParseOptions {
  /** The main template's name (Go puts it in error messages). */
  readonly name: string;
  /** Whether an identifier names a function (unknown functions are parse errors, as in Go). */
  readonly hasFunction: (name: string) => boolean;
  /** Why a known-but-unsupported function is missing, to add to the parse error. */
  readonly unsupported?: (name: string) => string | undefined;
}

/** Parses a template text into its named trees; throws GoParseError. */
export function parse(text: string, options: ParseOptions): Map<string, ListNode> {
  const shared: Shared = {
    text,
    name: options.name,
    lex: new Lexer(text),
    trees: new Map(),
    hasFunction: options.hasFunction,
    unsupported: options.unsupported,
  };
  const main = new Tree(options.name, shared);
  main.parse();
  main.add();
  return shared.trees;
}
