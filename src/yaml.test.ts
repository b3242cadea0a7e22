import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REFUSED, yamlCases } from '../test/oracle/yaml/cases.ts';
import { parseYamlDocuments, parseYamlStream, READ_OPTIONS } from './yaml.ts';
import { parseDocument } from 'yaml';

// Argo CD and kubectl read YAML with sigs.k8s.io/yaml (go-yaml v2's YAML 1.1 scalars, then JSON),
// and so do we: every row of the table `npm run oracle:yaml` checks against Go.
for (const c of yamlCases()) {
  test(`reads YAML as sigs.k8s.io/yaml does: ${c.name}`, () => {
    if (c.expected === REFUSED) {
      assert.throws(
        () => parseYamlDocuments(c.yaml, 'x.yaml'),
        (err: Error) => /^x\.yaml: invalid YAML at line \d+, column \d+: \S/.test(err.message),
      );
    } else {
      assert.deepEqual(parseYamlDocuments(c.yaml, 'x.yaml'), [c.expected]);
    }
  });
}

test('a refusal says what and where', () => {
  assert.throws(
    () => parseYamlDocuments('a: 1\nb:\n  c: .nan\n', 'apps/x.yaml'),
    (err: Error) =>
      err.message ===
      'apps/x.yaml: invalid YAML at line 3, column 6: json: unsupported value: NaN (JSON has no .nan; quote it for a string)',
  );
  assert.throws(
    () => parseYamlDocuments('a: !!float abc', 'x.yaml'),
    (err: Error) =>
      err.message === 'x.yaml: invalid YAML at line 1, column 4: cannot decode !!str `abc` as a !!float',
  );
});

test('alias expansion is bounded', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++)
    lines.push(
      `${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10)
        .fill(`*${'abcdefgh'[i - 1]}`)
        .join(', ')}]`,
    );
  assert.throws(() => parseYamlDocuments(lines.join('\n'), 'x.yaml'), /excessive aliasing/);
});

test('a stream yields every non-empty document', () => {
  assert.deepEqual(parseYamlDocuments('a: 1\n---\n---\nb: 2\n', 'x.yaml'), [{ a: 1 }, { b: 2 }]);
});

test('malformed YAML names the file, line and column', () => {
  assert.throws(
    () => parseYamlDocuments('a: [1, 2\nb: 3', 'apps/x.yaml'),
    (err: Error) => /^apps\/x\.yaml: invalid YAML at line \d+, column \d+: \S/.test(err.message),
  );
});

test('re-rendering a parsed document quotes strings go-yaml would read as something else', () => {
  const doc = parseYamlStream('a: x\n', 'x.yaml')[0]!;
  for (const text of ['0o17', 'yes', '1_000', '~', '08']) {
    doc.set('a', text);
    assert.deepEqual(parseYamlDocuments(doc.toString(), 'x.yaml'), [{ a: text }], text);
  }
  for (const text of ['.', '1e400', '10:30']) {
    doc.set('a', text);
    assert.equal(doc.toString(), `a: ${text}\n`, text);
  }
  assert.equal(parseDocument('a: 0o17\n', READ_OPTIONS).toString(), 'a: 0o17\n');
});
