import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffLines, splitLines, unifiedHunks } from './lines.ts';

function apply(ops: ReturnType<typeof diffLines>): [string[], string[]] {
  return [
    ops.filter((o) => o.op !== '+').map((o) => o.line),
    ops.filter((o) => o.op !== '-').map((o) => o.line),
  ];
}

describe('line diffs', () => {
  const pairs: [string, string[], string[], number][] = [
    ['both empty', [], [], 0],
    ['all added', [], ['a', 'b'], 2],
    ['all removed', ['a', 'b'], [], 2],
    ['one line changed', ['a', 'b', 'c'], ['a', 'x', 'c'], 2],
    ['insert in the middle', ['a', 'c'], ['a', 'b', 'c'], 1],
    ['classic', 'abcabba'.split(''), 'cbabac'.split(''), 5],
  ];
  for (const [name, a, b, edits] of pairs) {
    test(`${name}: the script rebuilds both sides with ${edits} edits`, () => {
      const ops = diffLines(a, b);
      assert.deepEqual(apply(ops), [a, b]);
      assert.equal(ops.filter((o) => o.op !== ' ').length, edits);
    });
  }

  test('unified hunks with three lines of context, far changes in separate hunks', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i + 1}`);
    const b = a.map((l) => (l === 'l2' ? 'L2' : l === 'l18' ? 'L18' : l));
    assert.deepEqual(unifiedHunks(a, b), [
      '@@ -1,5 +1,5 @@\n l1\n-l2\n+L2\n l3\n l4\n l5',
      '@@ -15,6 +15,6 @@\n l15\n l16\n l17\n-l18\n+L18\n l19\n l20',
    ]);
  });

  test('near changes share a hunk; a new file starts at 0', () => {
    assert.deepEqual(unifiedHunks(['a', 'b', 'c'], ['A', 'b', 'C']), ['@@ -1,3 +1,3 @@\n-a\n+A\n b\n-c\n+C']);
    assert.deepEqual(unifiedHunks([], ['x']), ['@@ -0,0 +1 @@\n+x']);
    assert.deepEqual(unifiedHunks(['x'], ['x']), []);
  });

  test('splitLines drops the empty line after a final newline', () => {
    assert.deepEqual(splitLines('a\nb\n'), ['a', 'b']);
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines('a'), ['a']);
  });
});
