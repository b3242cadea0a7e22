import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sanitizeName } from './sanitize.ts';

const rows: [string, string][] = [
  ['Prod EU_2', 'prod-eu-2'],
  ['Web_Front', 'web-front'],
  ['--a.b--', 'a.b'],
  ['..x..', 'x'],
  ['in-cluster', 'in-cluster'],
  ['ÄBC', 'bc'],
  ['İstanbul', 'istanbul'],
  ['a'.repeat(300), 'a'.repeat(253)],
  [`${'a'.repeat(252)}-b`, 'a'.repeat(252)],
  ['', ''],
];
for (const [input, expected] of rows) {
  test(`sanitizeName(${JSON.stringify(input.slice(0, 20))})`, () =>
    assert.equal(sanitizeName(input), expected));
}
