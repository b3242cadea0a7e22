/**
 * The generated part of the differential corpus: a seeded, deterministic mix of number printing,
 * printf verbs and flags, string-function pipelines, comparisons, arithmetic, nested data
 * printed every way, truthiness, semver constraints and regexps. `run.ts` writes it to
 * corpus/generated.json; a change to this file changes that file (and the check notices).
 */
import type { OracleCase } from './cases.ts';

/** mulberry32: a small seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A float64 of varied magnitude: integers, fractions, tiny and huge values. */
  float(): number {
    const kind = this.int(0, 5);
    const digits = this.int(1, 9);
    const mantissa = this.int(1, 10 ** digits - 1);
    const sign = this.chance(0.25) ? -1 : 1;
    if (kind === 0) return sign * mantissa;
    if (kind === 1) return sign * mantissa * 10 ** this.int(1, 15);
    if (kind === 2) return sign * Number((mantissa / 10 ** this.int(1, digits)).toPrecision(digits));
    if (kind === 3) return sign * Number(`${mantissa}e-${this.int(1, 12)}`);
    if (kind === 4) return sign * Number(`${mantissa}e${this.int(15, 30)}`);
    return this.pick([0, 0.5, 1, 100000, 999999, 1000000, 1e21, 1e20, 0.0001, 0.00001, 123456.789]);
  }
  string(): string {
    return this.pick(STRINGS);
  }
  /** A JSON-like value, nested up to `depth`. */
  value(depth: number): unknown {
    const kind = this.int(0, depth > 0 ? 7 : 4);
    if (kind === 0) return this.string();
    if (kind === 1) return this.float();
    if (kind === 2) return this.chance(0.5);
    if (kind === 3) return null;
    if (kind === 4) return this.pick(['', 'x', 'yes', '1.5', 'true']);
    if (kind === 5) return Array.from({ length: this.int(0, 3) }, () => this.value(depth - 1));
    const out: Record<string, unknown> = {};
    for (let i = this.int(0, 4); i > 0; i--) out[this.pick(KEYS)] = this.value(depth - 1);
    return out;
  }
}

const STRINGS = [
  'hello world',
  'Hello World',
  'HTTPServer',
  'my_var_name',
  'some-kebab-case',
  '  padded  ',
  'ÜberCafé Größe',
  'x',
  '',
  'a.b.c',
  'feature/JIRA-123_Fix.Login',
  'it\'s "quoted"',
  'line1\nline2',
  'tab\there',
  'UPPER lower MiXeD',
  'v1.2.3',
  'prod-eu-west-1',
  '日本語テキスト',
  'emoji 🎉 party',
  '123abc',
  'yes',
  'null',
  '~',
  '0777',
  'a: b',
  '- item',
  '#comment',
  'key=value&other=1',
  'https://example.com/path?q=1',
  'The quick brown fox jumps over the lazy dog again and again',
];

const KEYS = ['a', 'b', 'name', 'zeta', 'Alpha', '10', '2', 'x-y', 'k_1', 'é', 'on', 'list'];

const STRING_FUNCS = [
  'upper',
  'lower',
  'title',
  'untitle',
  'trim',
  'snakecase',
  'camelcase',
  'kebabcase',
  'swapcase',
  'nospace',
  'initials',
  'quote',
  'squote',
  'normalize',
  'b64enc',
  'sha1sum',
  'adler32sum',
  'toJson',
  'toYaml',
  'trunc 5',
  'trunc -4',
  'abbrev 8',
  'replace " " "_"',
  'trimPrefix "a"',
  'trimSuffix "e"',
  'trimAll "x "',
  'slugify',
  'slugify 10',
  'slugify 12 false',
  'repeat 2',
  'indent 2',
  'nindent 1',
  'wrap 10',
  'urlquery',
  'html',
  'js',
  'len',
  'regexReplaceAll "[aeiou]" "#"',
  'regexFind "[A-Z][a-z]+"',
  'splitList " "',
  'toStrings',
  'cat "!"',
  'default "fallback"',
  'plural "one" "many"',
  'contains "o"',
  'hasPrefix "a"',
  'kindOf',
  'typeOf',
];

const VERBS = [
  'v',
  'd',
  's',
  'q',
  'x',
  'X',
  'f',
  'e',
  'g',
  'G',
  'E',
  't',
  'T',
  'c',
  'b',
  'o',
  'U',
  '+v',
  '#v',
];
const FLAGS = ['', '', '-', '+', '#', ' ', '0', '-0', '+0'];

function literal(g: Gen): string {
  const kind = g.int(0, 6);
  if (kind === 0) return String(g.int(-1000, 100000));
  if (kind === 1) return String(g.float()).replace(/e\+?/, 'e');
  if (kind === 2) return JSON.stringify(g.string());
  if (kind === 3) return g.pick(['true', 'false']);
  if (kind === 4) return '.n';
  if (kind === 5) return '.s';
  return '.l';
}

function numberCases(g: Gen, count: number): OracleCase[] {
  return Array.from({ length: count }, (_, i) => {
    const n = g.float();
    const template = g.pick([
      '{{ .n }}',
      '{{ printf "%v|%.3f|%e|%g|%8.2f|%-10.4g|%+.0f" .n .n .n .n .n .n .n }}',
      '{{ toJson .n }}|{{ toYaml .n }}|{{ toString .n }}',
      '{{ int64 .n }} {{ int .n }} {{ add1 .n }} {{ floor .n }} {{ ceil .n }} {{ round .n 2 }}',
      '{{ addf .n 0.1 }} {{ mulf .n 3 }} {{ divf .n 7 }} {{ subf .n 1.5 }}',
      '{{ list .n (dict "k" .n) }}',
      '{{ .n | printf "%T=%v" .n }}',
    ]);
    return { name: `number-${i}`, template, data: { n } };
  });
}

function printfCases(g: Gen, count: number): OracleCase[] {
  return Array.from({ length: count }, (_, i) => {
    const parts = Array.from({ length: g.int(1, 3) }, () => {
      const width = g.chance(0.4) ? String(g.int(1, 12)) : '';
      const prec = g.chance(0.4) ? `.${g.int(0, 6)}` : '';
      return `%${g.pick(FLAGS)}${width}${prec}${g.pick(VERBS)}`;
    });
    const args = parts.map(() => literal(g)).slice(0, g.chance(0.1) ? parts.length - 1 : parts.length);
    if (g.chance(0.1)) args.push(literal(g));
    return {
      name: `printf-${i}`,
      template: `{{ printf ${JSON.stringify(parts.join('|'))} ${args.join(' ')} }}`,
      data: { n: g.float(), s: g.string(), l: [g.string(), g.float()] },
    };
  });
}

function pipelineCases(g: Gen, count: number): OracleCase[] {
  return Array.from({ length: count }, (_, i) => {
    const fns = Array.from({ length: g.int(1, 3) }, () => g.pick(STRING_FUNCS));
    return { name: `pipeline-${i}`, template: `{{ .s | ${fns.join(' | ')} }}`, data: { s: g.string() } };
  });
}

function comparisonCases(g: Gen, count: number): OracleCase[] {
  const ops = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];
  const operands = ['.a', '.b', '1', '2.5', '"x"', '(len .l)', '(add 1 1)', 'true', '.missing', '(atoi "2")'];
  return Array.from({ length: count }, (_, i) => ({
    name: `compare-${i}`,
    template: `{{ ${g.pick(ops)} ${g.pick(operands)} ${g.pick(operands)} }}`,
    data: { a: g.pick([1, 2.5, 'x', 'y', true]), b: g.pick([1, 2, 'x', false]), l: [1, 2] },
  }));
}

function mathCases(g: Gen, count: number): OracleCase[] {
  const fns = ['add', 'sub', 'mul', 'div', 'mod', 'max', 'min', 'maxf', 'minf', 'addf', 'mulf', 'biggest'];
  const arg = (): string =>
    g.pick([
      '.a',
      '.b',
      String(g.int(-50, 50)),
      String(g.float()).replace(/e\+?/, 'e'),
      '"12"',
      '"3.7"',
      'nil',
      '.missing',
    ]);
  return Array.from({ length: count }, (_, i) => ({
    name: `math-${i}`,
    template: `{{ ${g.pick(fns)} ${arg()} ${arg()} }}`,
    data: { a: g.float(), b: g.int(1, 9) },
  }));
}

function dataCases(g: Gen, count: number): OracleCase[] {
  const templates = [
    '{{ . }}',
    '{{ toJson . }}',
    '{{ toPrettyJson . }}',
    '{{ toYaml . }}',
    '{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}',
    '{{ keys . | sortAlpha }}',
    '{{ len . }} {{ empty . }}',
    '{{ printf "%v|%+v" . . }}',
    '{{ range $k, $v := . }}{{ $k }}:{{ kindOf $v }}:{{ empty $v }} {{ end }}',
    '{{ with .a }}{{ . }}{{ else }}no a{{ end }}',
    '{{ dig "a" "b" "none" . }}',
    '{{ fromYaml (toYaml .) | toJson }}',
  ];
  return Array.from({ length: count }, (_, i) => {
    const data: Record<string, unknown> = {};
    for (let k = g.int(1, 5); k > 0; k--) data[g.pick(KEYS)] = g.value(2);
    return { name: `data-${i}`, template: g.pick(templates), data };
  });
}

function truthCases(g: Gen, count: number): OracleCase[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `truth-${i}`,
    template: g.pick([
      '{{ if .v }}T{{ else }}F{{ end }}|{{ not .v }}|{{ empty .v }}|{{ default "d" .v }}',
      '{{ and .v "x" }}|{{ or .v "y" }}|{{ coalesce .v "z" }}|{{ ternary "a" "b" (empty .v) }}',
      '{{ with .v }}[{{ . }}]{{ else }}none{{ end }}',
      '{{ range $i, $e := .v }}{{ $i }}:{{ $e }},{{ else }}empty{{ end }}',
    ]),
    data: { v: g.value(1) },
  }));
}

function semverCases(g: Gen, count: number): OracleCase[] {
  const versions = [
    '1.2.3',
    'v1.2.3',
    '1.2.3-beta.1',
    '2.0.0',
    '0.1.0',
    '0.0.5',
    '1.10.0',
    '1.2',
    '3',
    '1.2.3+meta',
    '1.3.0-rc.2',
    '0.9.9',
  ];
  const constraints = [
    '>=1.2.0',
    '<2.0.0',
    '^1.2.0',
    '~1.2.0',
    '1.x',
    '>=1.0.0, <1.5.0',
    '!=1.2.3',
    '^0.1',
    '~0',
    '>1.2',
    '<=1.2',
    '1.2.0 - 1.9.0',
    '>=2.0.0 || <1.0.0',
    '=1.2.3',
    '*',
    '>=1.2.0-0',
  ];
  return Array.from({ length: count }, (_, i) => ({
    name: `semver-${i}`,
    template: `{{ semverCompare ${JSON.stringify(g.pick(constraints))} ${JSON.stringify(g.pick(versions))} }}`,
  }));
}

function regexCases(g: Gen, count: number): OracleCase[] {
  const patterns = [
    '[a-z]+',
    '\\d+',
    '^\\w+',
    '(\\w+)-(\\w+)',
    '\\s+',
    '[A-Z]',
    '.',
    'o+',
    '(?i)HELLO',
    '[^a-z ]',
    '\\b\\w',
    'x*',
  ];
  const fns = [
    (p: string) => `regexFindAll ${JSON.stringify(p)} .s -1`,
    (p: string) => `regexReplaceAll ${JSON.stringify(p)} .s "<$0>"`,
    (p: string) => `regexSplit ${JSON.stringify(p)} .s -1`,
    (p: string) => `regexMatch ${JSON.stringify(p)} .s`,
    (p: string) => `regexFind ${JSON.stringify(p)} .s`,
    (p: string) => `regexReplaceAll ${JSON.stringify(p)} .s "[$1]"`,
  ];
  return Array.from({ length: count }, (_, i) => ({
    name: `regex-${i}`,
    template: `{{ ${g.pick(fns)(g.pick(patterns))} }}`,
    data: { s: g.string() },
  }));
}

export function generateCases(): OracleCase[] {
  const g = new Gen(20240417);
  return [
    ...numberCases(g, 60),
    ...printfCases(g, 60),
    ...pipelineCases(g, 60),
    ...comparisonCases(g, 30),
    ...mathCases(g, 30),
    ...dataCases(g, 40),
    ...truthCases(g, 20),
    ...semverCases(g, 20),
    ...regexCases(g, 30),
  ];
}
