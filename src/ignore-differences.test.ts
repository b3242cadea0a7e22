import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpokesError } from './errors.ts';
import type { KubeObject } from './kube/types.ts';
import { compileIgnoreRules, withIgnoredFromLive } from './ignore-differences.ts';

const desired = {
  spec: {
    a: 1,
    list: [
      { name: 'x', v: 1 },
      { name: 'y', v: 1 },
    ],
    gone: 'g',
  },
};
const live = {
  spec: {
    a: 2,
    list: [
      { name: 'x', v: 9 },
      { name: 'y', v: 8 },
    ],
  },
};

const rows: [string, { jsonPointers?: string[]; jqPathExpressions?: string[] }, unknown][] = [
  ['a JSON pointer', { jsonPointers: ['/spec/a'] }, { spec: { ...desired.spec, a: 2 } }],
  ['a jq path', { jqPathExpressions: ['.spec.a'] }, { spec: { ...desired.spec, a: 2 } }],
  [
    'a list index',
    { jqPathExpressions: ['.spec.list[1].v'] },
    {
      spec: {
        ...desired.spec,
        list: [
          { name: 'x', v: 1 },
          { name: 'y', v: 8 },
        ],
      },
    },
  ],
  [
    'every element',
    { jqPathExpressions: ['.spec.list[].v'] },
    {
      spec: {
        ...desired.spec,
        list: [
          { name: 'x', v: 9 },
          { name: 'y', v: 8 },
        ],
      },
    },
  ],
  [
    'select',
    { jqPathExpressions: ['.spec.list[] | select(.name == "y") | .v'.replace(' | .v', '')] },
    {
      spec: {
        ...desired.spec,
        list: [
          { name: 'x', v: 1 },
          { name: 'y', v: 8 },
        ],
      },
    },
  ],
  [
    'a field the live object lacks is removed',
    { jsonPointers: ['/spec/gone'] },
    { spec: { a: 1, list: desired.spec.list } },
  ],
];
for (const [name, rule, expected] of rows) {
  test(`ignore differences: ${name}`, () =>
    assert.deepEqual(compileIgnoreRules([rule])(desired, live, 'app'), expected));
}

test('unsupported jq is a clear error', () => {
  assert.throws(
    () => compileIgnoreRules([{ jqPathExpressions: ['.spec | keys'] }]),
    (err: unknown) => err instanceof SpokesError && /unsupported jq path "\.spec \| keys"/.test(err.message),
  );
});

const cm = (data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'n' },
  data,
});

describe("withIgnoredFromLive: an Application's spec.ignoreDifferences", () => {
  const rules = [{ kind: 'ConfigMap', jsonPointers: ['/data/a'] }];
  test('a matching rule takes the field from live', () => {
    const out = withIgnoredFromLive(cm({ a: '1', b: '1' }), cm({ a: 'live', b: '1' }), rules);
    assert.deepEqual(out['data'], { a: 'live', b: '1' });
  });
  test('rules for another kind, name or namespace do not apply', () => {
    for (const rule of [
      { kind: 'Secret', jsonPointers: ['/data/a'] },
      { kind: 'ConfigMap', name: 'other', jsonPointers: ['/data/a'] },
      { kind: 'ConfigMap', namespace: 'other', jsonPointers: ['/data/a'] },
      { group: 'apps', kind: 'ConfigMap', jsonPointers: ['/data/a'] },
    ]) {
      const out = withIgnoredFromLive(cm({ a: '1' }), cm({ a: 'live' }), [rule]);
      assert.deepEqual(out['data'], { a: '1' }, JSON.stringify(rule));
    }
  });
  test('jq paths work too', () => {
    const out = withIgnoredFromLive(cm({ a: '1' }), cm({ a: 'x' }), [
      { kind: 'ConfigMap', jqPathExpressions: ['.data.a'] },
    ]);
    assert.deepEqual(out['data'], { a: 'x' });
  });
});
