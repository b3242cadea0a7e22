import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  editSecretText,
  removeSecretText,
  renderScalar,
  secretsInText,
  type KeyEdit,
} from './secret-file-edit.ts';

const FILE = `# Clusters of team A. Keep this comment.
apiVersion: v1   # two spaces before this comment
kind: Secret
metadata:
  name: cluster-a
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: cluster  # the type
    env: "prod"   # quoted on purpose
    region: eu
  annotations: {team: a}
type: Opaque
stringData:
  name: a
  server: https://a.example.com
  config: '{"bearerToken":"<placeholder>"}'
notes:
- not indented
---
# The second cluster.
apiVersion: v1
kind: Secret
metadata:
  name: cluster-b
  labels: { argocd.argoproj.io/secret-type: cluster, env: dev }
data:
  name: Yg==
  server: aHR0cHM6Ly9iLmV4YW1wbGUuY29t
---
apiVersion: v1
kind: ConfigMap
metadata: {name: unrelated}
`;

const at = (document: number) => ({ file: 'clusters.yaml', document, path: [] });
const label = (key: string, value: string | null): KeyEdit => ({ path: ['metadata', 'labels', key], value });

/** `text` with `from` replaced by `to`, asserting `from` occurs exactly once. */
function replaced(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `"${from}" occurs once`);
  return text.replace(from, to);
}

describe('offline edits of cluster Secret files', () => {
  test('finds the Secrets of every document, with their place', () => {
    const found = secretsInText(FILE, 'clusters.yaml');
    assert.deepEqual(
      found.map((f) => [f.secret.metadata.name, f.location.document]),
      [
        ['cluster-a', 0],
        ['cluster-b', 1],
      ],
    );
  });

  const cases: { name: string; document: number; edits: KeyEdit[]; expected: string }[] = [
    {
      name: 'overwriting a quoted value keeps its quotes and its comment',
      document: 0,
      edits: [label('env', 'staging')],
      expected: replaced(FILE, 'env: "prod"   # quoted', 'env: "staging"   # quoted'),
    },
    {
      name: 'overwriting a plain value',
      document: 0,
      edits: [label('region', 'us')],
      expected: replaced(FILE, '    region: eu\n', '    region: us\n'),
    },
    {
      name: 'adding a label appends one line to the block map',
      document: 0,
      edits: [label('tier', 'web')],
      expected: replaced(FILE, '    region: eu\n', '    region: eu\n    tier: web\n'),
    },
    {
      name: 'a value YAML 1.1 would read as a boolean is quoted',
      document: 0,
      edits: [label('enabled', 'yes')],
      expected: replaced(FILE, '    region: eu\n', "    region: eu\n    enabled: 'yes'\n"),
    },
    {
      name: 'removing a label removes its line, comment included',
      document: 0,
      edits: [label('env', null)],
      expected: replaced(FILE, '    env: "prod"   # quoted on purpose\n', ''),
    },
    {
      name: 'several changes at once',
      document: 0,
      edits: [label('env', null), label('region', 'us'), label('tier', 'web')],
      expected: replaced(
        FILE,
        '    env: "prod"   # quoted on purpose\n    region: eu\n',
        '    region: us\n    tier: web\n',
      ),
    },
    {
      name: 'a flow map gets the new entry before its brace',
      document: 1,
      edits: [label('tier', 'web')],
      expected: replaced(FILE, 'env: dev }', 'env: dev, tier: web }'),
    },
    {
      name: 'a flow map entry is removed with its comma',
      document: 1,
      edits: [label('env', null)],
      expected: replaced(FILE, ', env: dev }', ' }'),
    },
    {
      name: 'a flow map entry is overwritten in place',
      document: 1,
      edits: [label('env', 'prod')],
      expected: replaced(FILE, 'env: dev }', 'env: prod }'),
    },
    {
      name: 'a missing map is created under its parent',
      document: 1,
      edits: [{ path: ['stringData', 'project'], value: 'p' }],
      expected: replaced(
        FILE,
        'aHR0cHM6Ly9iLmV4YW1wbGUuY29t\n',
        'aHR0cHM6Ly9iLmV4YW1wbGUuY29t\nstringData:\n  project: p\n',
      ),
    },
    {
      name: 'a JSON value keeps its single quotes',
      document: 0,
      edits: [{ path: ['stringData', 'config'], value: '{"bearerToken":"new"}' }],
      expected: replaced(FILE, `'{"bearerToken":"<placeholder>"}'`, `'{"bearerToken":"new"}'`),
    },
    {
      name: 'removing a key that is not there changes nothing',
      document: 0,
      edits: [label('nope', null)],
      expected: FILE,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(editSecretText(FILE, at(c.document), c.edits), c.expected);
    });
  }

  test('shapes the text edit does not handle re-render only their own document', () => {
    const text = `# keep\nkind: ConfigMap\nlist:\n- a   # spaced\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n  labels:\n    only: one\n`;
    const out = editSecretText(text, at(1), [label('only', null)]);
    assert.equal(
      out,
      `# keep\nkind: ConfigMap\nlist:\n- a   # spaced\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n  labels: {}\n`,
    );
  });

  test('Secrets inside a kind: List are edited through the Document API', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: cluster-l\n      labels:\n        argocd.argoproj.io/secret-type: cluster\n`;
    const [found] = secretsInText(text, 'list.yaml');
    assert.deepEqual(found?.location.path, ['items', 0]);
    const out = editSecretText(text, found.location, [label('env', 'prod')]);
    assert.deepEqual(secretsInText(out, 'list.yaml')[0]?.secret.metadata.labels, {
      'argocd.argoproj.io/secret-type': 'cluster',
      env: 'prod',
    });
  });

  test('removing a document keeps the others byte for byte', () => {
    const second = FILE.indexOf('---\n# The second');
    const third = FILE.indexOf('---\napiVersion: v1\nkind: ConfigMap');
    assert.equal(removeSecretText(FILE, at(1)), FILE.slice(0, second) + FILE.slice(third));
    assert.equal(removeSecretText(FILE, at(0)), FILE.slice(second));
  });

  test('removing the only document leaves nothing (the file goes)', () => {
    const only = `# a comment\napiVersion: v1\nkind: Secret\nmetadata: {name: x}\n`;
    assert.equal(removeSecretText(only, at(0)), undefined);
  });

  test('scalars are rendered so YAML 1.1 reads them back as the same string', () => {
    assert.equal(renderScalar('prod'), 'prod');
    assert.equal(renderScalar('https://a.example.com:6443'), 'https://a.example.com:6443');
    assert.equal(renderScalar('a,b'), "'a,b'");
    assert.equal(renderScalar('on'), "'on'");
    assert.equal(renderScalar('0755'), "'0755'");
    assert.equal(renderScalar('1.5'), "'1.5'");
    assert.equal(renderScalar(''), "''");
    assert.equal(renderScalar('a: b'), "'a: b'");
    assert.equal(renderScalar("it's"), "it's");
    assert.equal(renderScalar("a: 'b'"), '"a: \'b\'"');
    assert.equal(renderScalar('x', 'QUOTE_DOUBLE'), '"x"');
  });
});
