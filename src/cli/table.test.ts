import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { age, formatTable, humanDuration, shorten } from './table.ts';

describe('formatTable', () => {
  const rows: [string, string[], string[][], string][] = [
    [
      'columns padded to the widest cell + 3, the last not padded',
      ['NAME', 'STATUS', 'AGE'],
      [
        ['default', 'Active', '10d'],
        ['kube-system', 'Active', '3m20s'],
      ],
      'NAME          STATUS   AGE\ndefault       Active   10d\nkube-system   Active   3m20s\n',
    ],
    ['a column is at least 6 wide', ['A', 'B'], [['1', '2']], 'A     B\n1     2\n'],
    ['no rows: the header alone', ['NAME', 'AGE'], [], 'NAME   AGE\n'],
    [
      'empty cells at the end leave no trailing blanks',
      ['KIND', 'HEALTH'],
      [['ConfigMap', '']],
      'KIND        HEALTH\nConfigMap\n',
    ],
    ['missing cells are empty', ['A', 'B', 'C'], [['x']], 'A     B     C\nx\n'],
    ['no header prints nothing', [], [['x']], ''],
  ];
  for (const [name, header, body, want] of rows) {
    test(name, () => assert.equal(formatTable(header, body), want));
  }
});

describe('humanDuration (kubectl ages)', () => {
  const s = 1000;
  const m = 60 * s;
  const h = 60 * m;
  const d = 24 * h;
  const rows: [number, string][] = [
    [-5 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [999, '0s'],
    [45 * s, '45s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 20 * s, '3m20s'],
    [12 * m, '12m'],
    [179 * m + 59 * s, '179m'],
    [3 * h, '3h'],
    [3 * h + 5 * m, '3h5m'],
    [10 * h + 30 * m, '10h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [5 * d + 3 * h, '5d3h'],
    [12 * d + 5 * h, '12d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [760 * d, '2y30d'],
    [9 * 365 * d, '9y'],
  ];
  for (const [ms, want] of rows) {
    test(`${ms} ms → ${want}`, () => assert.equal(humanDuration(ms), want));
  }
});

describe('age', () => {
  const now = Date.parse('2025-01-10T12:00:00Z');
  test('from an RFC 3339 timestamp', () => assert.equal(age('2025-01-10T11:59:15Z', now), '45s'));
  test('days', () => assert.equal(age('2025-01-05T12:00:00Z', now), '5d'));
  test('no timestamp', () => assert.equal(age(undefined, now), '<unknown>'));
  test('not a timestamp', () => assert.equal(age('yesterday', now), '<unknown>'));
});

describe('shorten', () => {
  test('short text unchanged', () => assert.equal(shorten('abc', 5), 'abc'));
  test('long text cut with an ellipsis', () => assert.equal(shorten('abcdefgh', 5), 'abcd…'));
  test('whitespace runs and newlines become one blank', () =>
    assert.equal(shorten(' a\n\n b  c ', 10), 'a b c'));
});
