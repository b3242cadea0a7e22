import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabelSelector } from './api/selector.ts';
import { isEmptySelector, matchesSelector, selectorProblem } from './labels.ts';

const labels = { env: 'prod', region: 'eu' };
const rows: [string, LabelSelector, boolean][] = [
  ['empty selects all', {}, true],
  ['matchLabels equal', { matchLabels: { env: 'prod' } }, true],
  ['matchLabels differ', { matchLabels: { env: 'dev' } }, false],
  ['matchLabels missing key', { matchLabels: { tier: 'x' } }, false],
  ['In', { matchExpressions: [{ key: 'region', operator: 'In', values: ['us', 'eu'] }] }, true],
  ['In, absent key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
  ['NotIn', { matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['eu'] }] }, false],
  [
    'NotIn, absent key matches',
    { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
    true,
  ],
  ['Exists', { matchExpressions: [{ key: 'env', operator: 'Exists' }] }, true],
  ['DoesNotExist', { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, false],
  [
    'labels AND expressions',
    { matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'region', operator: 'In', values: ['us'] }] },
    false,
  ],
];
for (const [name, selector, expected] of rows) {
  test(`selector: ${name}`, () => assert.equal(matchesSelector(selector, labels), expected));
}

test('empty selectors', () => {
  assert.equal(isEmptySelector(undefined), true);
  assert.equal(isEmptySelector({ matchLabels: {}, matchExpressions: [] }), true);
  assert.equal(isEmptySelector({ matchLabels: { a: 'b' } }), false);
});

test('selector problems', () => {
  assert.match(
    selectorProblem({ matchExpressions: [{ key: 'a', operator: 'In' }] }) ?? '',
    /needs at least one value/,
  );
  assert.match(
    selectorProblem({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }) ?? '',
    /takes no values/,
  );
  assert.equal(selectorProblem({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }), undefined);
});
