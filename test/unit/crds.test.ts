/**
 * The CRDs must stay structural (every schema node typed, or explicitly open) so a real apiserver
 * accepts them; the harness installs them on a real kube-apiserver in the e2e suite.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { isPlainObject } from '../../src/params.ts';
import { parseYamlDocuments } from '../../src/yaml.ts';

const CRDS = resolve(import.meta.dirname, '../../crds');

function structuralProblems(schema: unknown, path: string): string[] {
  if (!isPlainObject(schema)) return [`${path}: not a map`];
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const problems = typeof schema.type === 'string' || open ? [] : [`${path}: no type`];
  for (const [key, child] of Object.entries(isPlainObject(schema.properties) ? schema.properties : {})) {
    problems.push(...structuralProblems(child, `${path}.${key}`));
  }
  if (schema.items !== undefined) problems.push(...structuralProblems(schema.items, `${path}[]`));
  return problems;
}

const expected = new Map([
  ['applications.argoproj.io', 'Application'],
  ['applicationsets.argoproj.io', 'ApplicationSet'],
  ['appprojects.argoproj.io', 'AppProject'],
]);

test('crds/ holds the ApplicationSet, Application and AppProject CRDs, structural and Argo-compatible', () => {
  const found = new Map<string, string>();
  for (const file of readdirSync(CRDS).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
    for (const doc of parseYamlDocuments(readFileSync(join(CRDS, file), 'utf8'), file)) {
      const crd = doc as {
        apiVersion: string;
        kind: string;
        metadata: { name: string };
        spec: {
          group: string;
          names: { kind: string; plural: string };
          versions: {
            name: string;
            served: boolean;
            storage: boolean;
            schema: { openAPIV3Schema: unknown };
          }[];
        };
      };
      assert.equal(crd.apiVersion, 'apiextensions.k8s.io/v1', file);
      assert.equal(crd.kind, 'CustomResourceDefinition', file);
      assert.equal(crd.metadata.name, `${crd.spec.names.plural}.${crd.spec.group}`, file);
      const [version] = crd.spec.versions;
      assert.equal(version?.name, 'v1alpha1', file);
      assert.ok(version.served && version.storage, file);
      assert.deepEqual(structuralProblems(version.schema.openAPIV3Schema, crd.spec.names.kind), []);
      found.set(crd.metadata.name, crd.spec.names.kind);
    }
  }
  assert.deepEqual(found, expected);
});
