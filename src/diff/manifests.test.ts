import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { diffObjects, objectName, REDACTED, REDACTED_CHANGED, redactPair } from './manifests.ts';

function cm(name: string, data: Record<string, string>, namespace?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    data,
  };
}

function secret(data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: data };
}

describe('manifest object diffs', () => {
  test('objectName: group, kind, namespace, name', () => {
    assert.equal(objectName(cm('a', {})), 'ConfigMap a');
    assert.equal(
      objectName({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w', namespace: 'n' } }),
      'apps/Deployment n/w',
    );
  });

  test('only objects that differ, sorted, as unified diffs', () => {
    const diffs = diffObjects(
      [cm('same', { a: '1' }), cm('changed', { a: '1' }), cm('gone', { a: '1' })],
      [cm('new', { a: '1' }), cm('changed', { a: '2' }), cm('same', { a: '1' })],
    );
    assert.deepEqual(
      diffs.map((d) => [d.object, d.kind]),
      [
        ['ConfigMap changed', 'changed'],
        ['ConfigMap gone', 'removed'],
        ['ConfigMap new', 'added'],
      ],
    );
    assert.equal(
      diffs[0]!.diff,
      '--- base/ConfigMap changed\n+++ head/ConfigMap changed\n@@ -3,4 +3,4 @@\n metadata:\n   name: changed\n data:\n-  a: "1"\n+  a: "2"\n',
    );
    assert.match(
      diffs[1]!.diff,
      /^--- base\/ConfigMap gone\n\+\+\+ \/dev\/null\n@@ -1,6 \+0,0 @@\n-apiVersion: v1\n/,
    );
    assert.match(diffs[2]!.diff, /^--- \/dev\/null\n\+\+\+ head\/ConfigMap new\n@@ -0,0 \+1,6 @@\n/);
  });

  test('objects with the same name are kept apart', () => {
    const diffs = diffObjects([cm('a', { x: '1' })], [cm('a', { x: '1' }), cm('a', { x: '2' })]);
    assert.deepEqual(
      diffs.map((d) => d.object),
      ['ConfigMap a #2'],
    );
  });

  test('Secret values never appear; a changed value is marked', () => {
    const [base, head] = redactPair(
      secret({ kept: 'hunter2', changed: 'old-pw' }),
      secret({ kept: 'hunter2', changed: 'new-pw', added: 'x' }),
    );
    assert.deepEqual(base?.stringData, { kept: REDACTED, changed: REDACTED });
    assert.deepEqual(head?.stringData, { kept: REDACTED, changed: REDACTED_CHANGED, added: REDACTED });
    const diffs = diffObjects([secret({ pw: 'old-pw' })], [secret({ pw: 'new-pw' })]);
    assert.equal(diffs.length, 1);
    assert.doesNotMatch(diffs[0]!.diff, /old-pw|new-pw/);
    assert.match(diffs[0]!.diff, /-  pw: "\[redacted\]"\n\+  pw: "\[redacted: changed\]"/);
    assert.deepEqual(diffObjects([secret({ pw: 'same' })], [secret({ pw: 'same' })]), []);
  });

  test('objects that are not Secrets pass unchanged', () => {
    const a = cm('a', { x: '1' });
    assert.deepEqual(redactPair(a, undefined), [a, undefined]);
  });
});
