import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGoValue } from './go-format.ts';

// Expected values printed by Go's fmt.Sprintf("%v", ...) on float64s and JSON-decoded values.
const rows: [unknown, string][] = [
  [3, '3'],
  [2.5, '2.5'],
  [100000, '100000'],
  [123456, '123456'],
  [1e6, '1e+06'],
  [1234567, '1.234567e+06'],
  [1e20, '1e+20'],
  [1e21, '1e+21'],
  [1e100, '1e+100'],
  [0.0001, '0.0001'],
  [0.00001, '1e-05'],
  [-0, '-0'],
  [true, 'true'],
  [null, '<nil>'],
  ['text', 'text'],
  [{ b: 1, a: ['x', true, null] }, 'map[a:[x true <nil>] b:1]'],
  [[{ a: 'b' }], '[map[a:b]]'],
];
for (const [value, expected] of rows) {
  test(`%v of ${JSON.stringify(value)}`, () => assert.equal(formatGoValue(value), expected));
}
