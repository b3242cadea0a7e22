import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { DiffCache, isSubset, sameAsLive } from './diff.ts';

const cm = (data: Record<string, string>, meta: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'n', ...meta },
  data,
});

describe('isSubset: what the target sets is the same live', () => {
  const cases: [string, unknown, unknown, boolean][] = [
    ['equal scalars', 1, 1, true],
    ['different scalars', '1', 1, false],
    ['defaulted fields live are ignored', { a: 1 }, { a: 1, b: 2 }, true],
    ['a missing field is a difference', { a: 1, c: 3 }, { a: 1 }, false],
    ['lists item by item', [{ port: 80 }], [{ port: 80, protocol: 'TCP' }], true],
    ['lists of other lengths differ', [1], [1, 2], false],
    ['null asks for absence', { a: null }, {}, true],
    ['null against a value', { a: null }, { a: 1 }, false],
    ['object against scalar', { a: { b: 1 } }, { a: 'x' }, false],
  ];
  for (const [name, want, have, expected] of cases)
    test(name, () => assert.equal(isSubset(want, have), expected));
});

test('sameAsLive ignores status and server bookkeeping, nothing else', () => {
  const dry = cm({ a: '1' }, { resourceVersion: '5', uid: 'u', managedFields: [{}] });
  const live = { ...cm({ a: '1' }, { resourceVersion: '4', generation: 2 }), status: { x: 1 } };
  assert.equal(sameAsLive(dry, live), true);
  assert.equal(sameAsLive(cm({ a: '2' }), live), false);
  assert.equal(sameAsLive(cm({ a: '1' }, { labels: { x: 'y' } }), live), false);
});

test('DiffCache keys verdicts by target hash and live resourceVersion', () => {
  const cache = new DiffCache(2);
  const live = cm({}, { resourceVersion: '1' });
  cache.set('h', live, true);
  assert.equal(cache.get('h', live), true);
  assert.equal(cache.get('h', cm({}, { resourceVersion: '2' })), undefined);
  assert.equal(cache.get('other', live), undefined);
});
