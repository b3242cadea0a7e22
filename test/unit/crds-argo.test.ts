/**
 * crds/ against Argo CD's published CRDs, field by field (the extracted list in
 * test/crds/argo-fields/, made by test/crds/extract-argo-fields.ts). Every node crds/ declares
 * must exist in Argo's with the same type, required fields and enum; a node that is not open
 * (x-kubernetes-preserve-unknown-fields) must list exactly Argo's fields, so nothing Argo keeps is
 * pruned and unknown fields are refused where Argo refuses them; an open node may list fewer.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { parseYamlDocuments } from '../../src/yaml.ts';
import { parseField, schemaFields, type Field } from '../crds/schema-fields.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function argoFields(kind: string): Map<string, Field> {
  const text = readFileSync(resolve(ROOT, 'test/crds/argo-fields', `${kind}.txt`), 'utf8');
  const fields = text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map(parseField);
  return new Map(fields.map((f) => [f.path, f]));
}

function ourFields(kind: string): Field[] {
  const [crd] = parseYamlDocuments(readFileSync(resolve(ROOT, 'crds', `${kind}-crd.yaml`), 'utf8'), kind) as {
    spec: { versions: { schema: { openAPIV3Schema: unknown } }[] };
  }[];
  return schemaFields(crd!.spec.versions[0]!.schema.openAPIV3Schema).filter(
    (f) => !/^\.(status|operation)[.[{]/.test(f.path),
  );
}

/** The path in the collapsed list: generator templates are `.spec.template`, child generators top-level ones. */
function canonical(path: string, argo: ReadonlyMap<string, Field>): string {
  if (argo.has(path)) return path;
  const template =
    /^\.spec\.generators\[\](?:\.(?:matrix|merge)\.generators\[\])?\.[A-Za-z]+\.template(.*)$/.exec(path);
  if (template !== null && template[1] !== '') return `.spec.template${template[1]}`;
  return path.replace(/^\.spec\.generators\[\]\.(matrix|merge)\.generators\[\]/, '.spec.generators[]');
}

function children(path: string, fields: Iterable<string>): string[] {
  const out: string[] = [];
  for (const p of fields) {
    if (!p.startsWith(path) || p === path) continue;
    const rest = p.slice(path.length);
    if (/^(\.[A-Za-z0-9_$-]+|\[\]|\{\})$/.test(rest)) out.push(rest);
  }
  return out.sort();
}

function problems(kind: string): string[] {
  return problemsOf(ourFields(kind), argoFields(kind));
}

/** Argo's fields of a node; a child generator's are a top-level generator's (the list keeps one copy). */
function argoChildren(at: string, argo: ReadonlyMap<string, Field>): string[] {
  const own = children(at, argo.keys());
  if (!/\.(matrix|merge)\.generators\[\]$/.test(at)) return own;
  return [...new Set([...own, ...children('.spec.generators[]', argo.keys())])].sort();
}

/** One declared node against Argo's: type, required, enum, and for a closed object its field set. */
function nodeProblems(
  f: Field,
  at: string,
  theirs: Field,
  ours: readonly Field[],
  argo: ReadonlyMap<string, Field>,
): string[] {
  const out: string[] = [];
  if (f.type !== theirs.type && !(f.type === '' && f.open))
    out.push(`${f.path}: type ${f.type || '-'}, Argo ${theirs.type || '-'}`);
  if (f.required.join(',') !== theirs.required.join(','))
    out.push(`${f.path}: required [${f.required.join(',')}], Argo [${theirs.required.join(',')}]`);
  if (f.enum.join('|') !== theirs.enum.join('|'))
    out.push(`${f.path}: enum ${f.enum.join('|')}, Argo ${theirs.enum.join('|')}`);
  if (!f.open && !theirs.open && f.type === 'object' && f.path !== '.metadata') {
    const mine = children(
      f.path,
      ours.map((o) => o.path),
    );
    const expected = argoChildren(at, argo);
    if (mine.join(' ') !== expected.join(' '))
      out.push(`${f.path}: fields ${mine.join(' ')}; Argo ${expected.join(' ')}`);
  }
  return out;
}

function problemsOf(ours: readonly Field[], argo: ReadonlyMap<string, Field>): string[] {
  const out: string[] = [];
  for (const f of ours) {
    const at = canonical(f.path, argo);
    const theirs = argo.get(at);
    if (theirs === undefined) out.push(`${f.path}: not in Argo CD's CRD`);
    else out.push(...nodeProblems(f, at, theirs, ours, argo));
  }
  return out;
}

for (const kind of ['applicationset', 'application', 'appproject']) {
  test(`crds/${kind}-crd.yaml matches Argo CD v3.5 field by field`, () => {
    assert.deepEqual(problems(kind), []);
  });
}

test('the comparison finds a field Argo does not have, a wrong type, a missing required and a missing field', () => {
  const argo = argoFields('applicationset');
  const ours = ourFields('applicationset');
  const planted = ours
    .filter((f) => f.path !== '.spec.templatePatch')
    .map((f) => (f.path === '.spec.generators[].git' ? { ...f, required: ['repoURL'] } : f))
    .map((f) => (f.path === '.spec.goTemplate' ? { ...f, type: 'string' } : f));
  planted.push({ path: '.spec.bogus', type: 'string', open: false, required: [], enum: [] });
  assert.deepEqual(
    problemsOf(planted, argo).sort(),
    [
      ".spec.bogus: not in Argo CD's CRD",
      '.spec.generators[].git: required [repoURL], Argo [repoURL,revision]',
      '.spec.goTemplate: type string, Argo boolean',
      `.spec: fields ${children(
        '.spec',
        planted.map((f) => f.path),
      ).join(' ')}; Argo ${argoChildren('.spec', argo).join(' ')}`,
    ].sort(),
  );
  assert.equal(
    canonical('.spec.generators[].matrix.generators[].git.template.spec', argo),
    '.spec.template.spec',
  );
  assert.equal(canonical('.spec.generators[].merge.generators[].git', argo), '.spec.generators[].git');
});
