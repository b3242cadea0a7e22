import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutArgoZeroValues } from './argo-zero-values.ts';

// What Argo CD's Go types (json tags of pkg/apis/application/v1alpha1) write for a spec.
const rows: [name: string, spec: unknown, stored: unknown][] = [
  [
    'omitempty scalars, lists and maps go; pointers to structs stay even when empty',
    {
      project: '',
      source: { repoURL: '', targetRevision: '', path: 'a', directory: { recurse: false, jsonnet: {} } },
      destination: { server: 'https://x', namespace: '' },
      sources: [],
    },
    { project: '', source: { repoURL: '', path: 'a', directory: {} }, destination: { server: 'https://x' } },
  ],
  [
    'jsonnet (omitzero) stays while it has variables; a variable keeps its empty value',
    {
      source: {
        repoURL: 'r',
        directory: { jsonnet: { extVars: [{ name: 'a', value: '', code: false }], libs: [] } },
      },
    },
    { source: { repoURL: 'r', directory: { jsonnet: { extVars: [{ name: 'a', value: '' }] } } } },
  ],
  [
    'pointer booleans and numbers keep false and 0',
    {
      syncPolicy: {
        automated: { prune: false, selfHeal: false },
        syncOptions: [],
        retry: { limit: 0, backoff: { factor: 0, duration: '' } },
      },
      revisionHistoryLimit: 0,
    },
    {
      syncPolicy: { automated: { prune: false, selfHeal: false }, retry: { backoff: { factor: 0 } } },
      revisionHistoryLimit: 0,
    },
  ],
  [
    'helm, kustomize and list items',
    {
      sources: [
        {
          repoURL: 'r',
          helm: {
            parameters: [{ name: 'a', value: '', forceString: false }],
            valuesObject: { x: '' },
            skipCrds: false,
          },
          kustomize: {
            commonLabels: {},
            replicas: [{ name: 'web', count: 0 }],
            patches: [{ patch: 'p', options: {} }],
          },
        },
      ],
      ignoreDifferences: [{ kind: 'Secret', group: '', jsonPointers: [] }],
    },
    {
      sources: [
        {
          repoURL: 'r',
          helm: { parameters: [{ name: 'a' }], valuesObject: { x: '' } },
          kustomize: { replicas: [{ name: 'web', count: 0 }], patches: [{ patch: 'p' }] },
        },
      ],
      ignoreDifferences: [{ kind: 'Secret' }],
    },
  ],
  [
    'fields the types do not know are left alone',
    { source: { repoURL: 'r', extra: '' } },
    { source: { repoURL: 'r', extra: '' } },
  ],
];
for (const [name, spec, stored] of rows) {
  test(`zero values as Argo CD stores them: ${name}`, () =>
    assert.deepEqual(withoutArgoZeroValues(spec), stored));
}
