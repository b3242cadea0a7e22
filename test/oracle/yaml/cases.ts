/**
 * How kubectl and Argo CD read YAML (sigs.k8s.io/yaml on go-yaml v2), as a table: src/yaml.test.ts
 * holds src/yaml.ts to it without Go, and `npm run oracle:yaml` (run.ts) checks every row against
 * Go itself.
 */

/** The row's YAML must be refused (kubectl's YAML-to-JSON step fails on it). */
export const REFUSED = Symbol('refused');

export type Expected = unknown;

/** [plain or tagged scalar text, the value it reads as] — each is read as the document `v: TEXT`. */
export const SCALARS: readonly (readonly [string, Expected])[] = [
  // Strings that look like floats to the YAML 1.1 regular expressions but not to go-yaml.
  ['.', '.'],
  ['-.', '-.'],
  ['+.', '+.'],
  ['._', '._'],
  ['.e1', '.e1'],
  ['.5_0', 0.5],
  ['.5e1_0', 5000000000],
  ['..', '..'],
  ['._5', '._5'],
  ['.5_', '.5_'],
  ['.5__0', '.5__0'],
  ['1e400', '1e400'],
  ['-1e400', '-1e400'],
  ['.5e400', '.5e400'],
  ['1.7976931348623159e308', '1.7976931348623159e308'],
  ['+inf', '+inf'],
  ['inf', 'inf'],
  ['nan', 'nan'],
  ['Infinity', 'Infinity'],
  ['.nAn', '.nAn'],
  ['0x1p3', '0x1p3'],
  ['1e', '1e'],
  ['1,000', '1,000'],
  ['_1', '_1'],
  ['0x', '0x'],
  ['0b', '0b'],
  ['0o', '0o'],
  ['0b2', '0b2'],
  ['0o8', '0o8'],
  ['0xG', '0xG'],
  // Sexagesimal numbers and timestamps stay strings.
  ['1:30', '1:30'],
  ['190:20:30', '190:20:30'],
  ['12:30:00', '12:30:00'],
  ['2024-01-31', '2024-01-31'],
  ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
  ['2001-12-14 21:59:43.10', '2001-12-14 21:59:43.10'],
  // Integers: decimal, octal (0 and 0o), hex, binary, underscores, signs, int64 then uint64.
  ['0', 0],
  ['-0', 0],
  ['+0', 0],
  ['+12', 12],
  ['1_000', 1000],
  ['1__', 1],
  ['0755', 493],
  ['007', 7],
  ['0o17', 15],
  ['0O17', 15],
  ['-0o17', -15],
  ['0x1F', 31],
  ['0X1f', 31],
  ['+0x1F', 31],
  ['-0x1F', -31],
  ['0b101', 5],
  ['-0b101', -5],
  ['0b1_0', 2],
  ['9007199254740993', 9007199254740992],
  ['0777777777777777777777', 9223372036854775807],
  ['9223372036854775808', 9223372036854775808],
  ['18446744073709551615', 18446744073709551615],
  ['-9223372036854775808', -9223372036854775808],
  // Floats, including what an octal or range failure falls back to.
  ['08', 8],
  ['09.5', 9.5],
  ['1_0.5', 10.5],
  ['18446744073709551616', 18446744073709551616],
  ['-9223372036854775809', -9223372036854775809],
  ['0.', 0],
  ['3.', 3],
  ['+.5', 0.5],
  ['.5', 0.5],
  ['-.5', -0.5],
  ['-._5', -0.5],
  ['-0.0', -0],
  ['1e3', 1000],
  ['1E3', 1000],
  ['1e+06', 1000000],
  ['1.5e-3', 0.0015],
  ['.5e3', 500],
  ['1e-400', 0],
  ['-1e-400', -0],
  ['1.7976931348623157e308', 1.7976931348623157e308],
  // JSON has no NaN or infinities: kubectl's YAML-to-JSON step fails.
  ['.nan', REFUSED],
  ['.NaN', REFUSED],
  ['.inf', REFUSED],
  ['.Inf', REFUSED],
  ['+.INF', REFUSED],
  ['-.inf', REFUSED],
  // Booleans: only these spellings.
  ...'y Y yes Yes YES true True TRUE on On ON'.split(' ').map((w) => [w, true] as const),
  ...'n N no No NO false False FALSE off Off OFF'.split(' ').map((w) => [w, false] as const),
  ['tRUE', 'tRUE'],
  ['yES', 'yES'],
  ['oN', 'oN'],
  // Nulls.
  ['~', null],
  ['null', null],
  ['Null', null],
  ['NULL', null],
  ['', null],
  ['nULL', 'nULL'],
  // Quoted scalars are strings.
  ['"yes"', 'yes'],
  ["'0755'", '0755'],
  ['"."', '.'],
  ['".nan"', '.nan'],
  // Explicit tags.
  ['!!float 1', 1],
  ['!!float "1"', 1],
  ['!!float 0o17', 15],
  ['!!float 1.5', 1.5],
  ['!!float abc', REFUSED],
  ['!!float 1e400', REFUSED],
  ['!!float .nan', REFUSED],
  ['!!float 18446744073709551615', REFUSED],
  ['!!int "7"', 7],
  ['!!int 0o17', 15],
  ['!!int 1.5', REFUSED],
  ['!!bool yes', true],
  ['!!bool 1', REFUSED],
  ['!!str 0755', '0755'],
  ['!!str yes', 'yes'],
  ['!!str .', '.'],
  ['!!null ~', null],
  ['!!null ""', null],
  ['!!null foo', REFUSED],
  ['!!binary aGk=', 'hi'],
  ['!!binary "@@"', REFUSED],
  ['!!timestamp 2001-12-14', '2001-12-14'],
  ['!!timestamp foo', REFUSED],
  ['!foo 12', '12'],
  ['! 12', '12'],
];

/** [whole document, the value it reads as]: keys, merges, repeated keys, collections. */
export const DOCUMENTS: readonly (readonly [string, Expected])[] = [
  ['path: .\nmanifest-generate-paths: .', { path: '.', 'manifest-generate-paths': '.' }],
  ['mode: 0o755', { mode: 493 }],
  ['- .\n- -.\n- 0o17\n- 1e400', ['.', '-.', 15, '1e400']],
  ['{a: ., b: [0o17, .5, .]}', { a: '.', b: [15, 0.5, '.'] }],
  ['y: 1\nn: 2\non: 3\n~key: 4', { true: 3, false: 2, '~key': 4 }],
  [
    '1: a\n0x10: b\n1.5: c\n1e7: d\n3.14159265358979: e\n-0.0: f',
    { 1: 'a', 16: 'b', 1.5: 'c', '1e+07': 'd', 3.1415927: 'e', '-0': 'f' },
  ],
  ['.inf: a\n-.inf: b\n.nan: c', { '.inf': 'a', '-.inf': 'b', '.nan': 'c' }],
  ['~: 1', REFUSED],
  ['null: 1', REFUSED],
  ['18446744073709551615: x', REFUSED],
  ['? [a]\n: 1', REFUSED],
  ['a: 1\na: 2', { a: 2 }],
  ['b: 1\n<<: {b: 2, c: 3}\nc: 4', { b: 2, c: 4 }],
  [
    'base: &b {p: 1, q: 1}\nx:\n  <<: [*b, {p: 2, r: 3}]\n  q: 9',
    { base: { p: 1, q: 1 }, x: { p: 1, q: 9, r: 3 } },
  ],
  ['"<<": {a: 1}', { '<<': { a: 1 } }],
  ['a: &x 0o17\nb: *x', { a: 15, b: 15 }],
  ['a: [.nan]', REFUSED],
  ['a: !!omap [{p: 1}, {q: .}]', { a: [{ p: 1 }, { q: '.' }] }],
  ['a: !!set {p, q}', { a: { p: null, q: null } }],
];

export interface YamlCase {
  readonly name: string;
  readonly yaml: string;
  readonly expected: Expected;
}

/** Every row as a YAML document and the value (or refusal) expected for it. */
export function yamlCases(): YamlCase[] {
  return [
    ...SCALARS.map(([text, value]) => ({
      name: `scalar ${JSON.stringify(text)}`,
      yaml: `v: ${text}\n`,
      expected: value === REFUSED ? REFUSED : { v: value },
    })),
    ...DOCUMENTS.map(([yaml, expected]) => ({ name: `document ${JSON.stringify(yaml)}`, yaml, expected })),
  ];
}
