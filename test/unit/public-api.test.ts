import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { z } from 'zod';
import * as spokes from '../../src/index.ts';
import { parseYamlDocuments } from '../../src/yaml.ts';

test('the public runtime exports are exactly these', () => {
  assert.deepEqual(Object.keys(spokes).sort(), [
    'Redacted',
    'SpokesError',
    'builtinGenerators',
    'createRegistry',
    'expand',
    'fileClusterSource',
    'parseApplicationSet',
  ]);
});

test('a user-written generator plugs in through createRegistry', async () => {
  const teams: spokes.Generator<{ org: string }> = {
    name: 'teams',
    schema: z.strictObject({ org: z.string() }),
    generate: (spec) => Promise.resolve([{ team: `${spec.org}-a` }, { team: `${spec.org}-b` }]),
  };
  const [doc] = parseYamlDocuments(
    `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: t}
spec:
  generators: [{teams: {org: acme}}]
  template:
    metadata: {name: '{{team}}'}
    spec: {project: default, destination: {server: https://kubernetes.default.svc, namespace: '{{team}}'}}
`,
    'teams.yaml',
  );
  const apps = await spokes.expand(spokes.parseApplicationSet(doc, 'teams.yaml'), {
    clusters: spokes.fileClusterSource(undefined),
    repos: {
      resolve: () => Promise.reject(new Error('unused')),
      listTree: () => Promise.reject(new Error('unused')),
      readFile: () => Promise.reject(new Error('unused')),
    },
    registry: spokes.createRegistry([teams]),
  });
  assert.deepEqual(
    apps.map((a) => a.metadata.name),
    ['acme-a', 'acme-b'],
  );
});

test("the README's example command runs", async () => {
  const root = resolve(import.meta.dirname, '../..');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['bin/spokes.js', 'generate', 'examples/addons-appset.yaml', '--clusters', 'clusters'],
    { cwd: root },
  );
  const names = parseYamlDocuments(stdout, 'stdout').map(
    (a) => (a as { metadata: { name: string } }).metadata.name,
  );
  assert.deepEqual(names, ['monitoring-prod-eu', 'monitoring-prod-us']);
});
