/**
 * The parse tree of a Go template, shaped like text/template/parse's nodes. Positions are indexes
 * into the template text; `nodeString` prints a node the way Go does in error contexts.
 */
import { quote } from './strconv.ts';

export interface ListNode {
  readonly kind: 'list';
  readonly pos: number;
  readonly nodes: Node[];
}
export interface TextNode {
  readonly kind: 'text';
  readonly pos: number;
  readonly text: string;
}
export interface ActionNode {
  readonly kind: 'action';
  readonly pos: number;
  readonly pipe: PipeNode;
}
export interface BranchNode {
  readonly kind: 'if' | 'range' | 'with';
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}
export interface TemplateNode {
  readonly kind: 'template';
  readonly pos: number;
  readonly name: string;
  readonly pipe: PipeNode | undefined;
}
export interface BreakNode {
  readonly kind: 'break' | 'continue';
  readonly pos: number;
}
export type Node = ListNode | TextNode | ActionNode | BranchNode | TemplateNode | BreakNode;

export interface PipeNode {
  readonly kind: 'pipe';
  readonly pos: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode {
  readonly kind: 'command';
  readonly pos: number;
  readonly args: ArgNode[];
}
export interface FieldNode {
  readonly kind: 'field';
  readonly pos: number;
  readonly ident: string[];
}
export interface VariableNode {
  readonly kind: 'variable';
  readonly pos: number;
  readonly ident: string[];
}
export interface ChainNode {
  readonly kind: 'chain';
  readonly pos: number;
  readonly node: ArgNode;
  readonly field: string[];
}
export interface IdentifierNode {
  readonly kind: 'identifier';
  readonly pos: number;
  readonly ident: string;
}
export interface BoolNode {
  readonly kind: 'bool';
  readonly pos: number;
  readonly value: boolean;
}
export interface DotNode {
  readonly kind: 'dot';
  readonly pos: number;
}
export interface NilNode {
  readonly kind: 'nil';
  readonly pos: number;
}
export interface NumberNode {
  readonly kind: 'number';
  readonly pos: number;
  readonly text: string;
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly int64: bigint;
  readonly uint64: bigint;
  readonly float64: number;
}
export interface StringNode {
  readonly kind: 'string';
  readonly pos: number;
  readonly quoted: string;
  readonly text: string;
}
export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | PipeNode
  | BoolNode
  | DotNode
  | NilNode
  | NumberNode
  | StringNode;

export type AnyNode = Node | ArgNode | CommandNode;

function pipeString(p: PipeNode): string {
  let s = '';
  if (p.decl.length > 0) {
    s += p.decl.map((v) => v.ident.join('.')).join(', ');
    s += p.isAssign ? ' = ' : ' := ';
  }
  return s + p.cmds.map(commandString).join(' | ');
}

function commandString(c: CommandNode): string {
  return c.args.map((a) => (a.kind === 'pipe' ? `(${pipeString(a)})` : nodeString(a))).join(' ');
}

function branchString(n: BranchNode): string {
  let s = `{{${n.kind} ${pipeString(n.pipe)}}}${nodeString(n.list)}`;
  if (n.elseList !== undefined) s += `{{else}}${nodeString(n.elseList)}`;
  return s + '{{end}}';
}

type Stringers = { [K in AnyNode['kind']]: (n: Extract<AnyNode, { kind: K }>) => string };

const STRINGERS: Stringers = {
  list: (n) => n.nodes.map(nodeString).join(''),
  text: (n) => n.text,
  action: (n) => `{{${pipeString(n.pipe)}}}`,
  if: branchString,
  range: branchString,
  with: branchString,
  template: (n) => `{{template ${quote(n.name)}${n.pipe === undefined ? '' : ' ' + pipeString(n.pipe)}}}`,
  break: () => '{{break}}',
  continue: () => '{{continue}}',
  pipe: pipeString,
  command: commandString,
  field: (n) => n.ident.map((id) => '.' + id).join(''),
  variable: (n) => n.ident.join('.'),
  chain: (n) =>
    (n.node.kind === 'pipe' ? `(${pipeString(n.node)})` : nodeString(n.node)) +
    n.field.map((f) => '.' + f).join(''),
  identifier: (n) => n.ident,
  bool: (n) => (n.value ? 'true' : 'false'),
  dot: () => '.',
  nil: () => 'nil',
  number: (n) => n.text,
  string: (n) => n.quoted,
};

/** Go's Node.String(), used as the `<...>` context of execution errors. */
export function nodeString(n: AnyNode): string {
  return (STRINGERS[n.kind] as (n: AnyNode) => string)(n);
}
