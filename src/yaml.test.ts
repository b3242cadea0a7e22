import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseYamlDocuments } from './yaml.ts';

// Argo CD reads YAML with go-yaml v2 (YAML 1.1 scalars), and so do we.
const rows: [string, unknown][] = [
  ['a: yes', { a: true }],
  ['a: off', { a: false }],
  ['a: 0755', { a: 493 }],
  ['a: 10:30', { a: '10:30' }],
  ['a: 2024-01-02', { a: '2024-01-02' }],
  ['a: "yes"', { a: 'yes' }],
  ['a: 1_000', { a: 1000 }],
  ['a: ~', { a: null }],
];
for (const [text, expected] of rows) {
  test(`YAML 1.1 scalar: ${text}`, () => assert.deepEqual(parseYamlDocuments(text, 'x.yaml'), [expected]));
}

test('a stream yields every non-empty document', () => {
  assert.deepEqual(parseYamlDocuments('a: 1\n---\n---\nb: 2\n', 'x.yaml'), [{ a: 1 }, { b: 2 }]);
});

test('malformed YAML names the file, line and column', () => {
  assert.throws(
    () => parseYamlDocuments('a: [1, 2\nb: 3', 'apps/x.yaml'),
    (err: Error) => /^apps\/x\.yaml: invalid YAML at line \d+, column \d+: \S/.test(err.message),
  );
});
