import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Application } from '../api/application.ts';
import { SpokesError } from '../errors.ts';
import { applyTemplatePatch } from './patch.ts';
import { createRenderer } from './render.ts';

const base: Application = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: {
    name: 'web-prod',
    namespace: 'argocd',
    labels: { team: 'blue', tier: 'front' },
    finalizers: ['resources-finalizer.argocd.argoproj.io'],
  },
  spec: {
    project: 'default',
    source: { repoURL: 'https://example.com/r.git', path: 'web', targetRevision: 'main' },
    destination: { server: 'https://prod.example.com', namespace: 'web' },
    syncPolicy: { syncOptions: ['CreateNamespace=true'] },
  },
};

const goRenderer = createRenderer({ goTemplate: true, goTemplateOptions: ['missingkey=error'] });
const fastRenderer = createRenderer({ goTemplate: false, goTemplateOptions: [] });
const params = { env: 'prod', autoSync: true, extraLabels: { owner: 'payments' }, name: 'web' };

interface Row {
  readonly name: string;
  readonly patch: string;
  readonly check: (app: Application) => void;
}

const rows: Row[] = [
  {
    name: 'maps merge key by key',
    patch: 'metadata:\n  labels:\n    env: "{{ .env }}"',
    check: (app) => assert.deepEqual(app.metadata.labels, { team: 'blue', tier: 'front', env: 'prod' }),
  },
  {
    name: 'lists are replaced, not merged',
    patch: 'spec:\n  syncPolicy:\n    syncOptions: [PruneLast=true]',
    check: (app) => assert.deepEqual(app.spec.syncPolicy, { syncOptions: ['PruneLast=true'] }),
  },
  {
    name: 'a null value deletes the key',
    patch: 'metadata:\n  labels:\n    tier: null\nspec:\n  source:\n    targetRevision: null',
    check: (app) => {
      assert.deepEqual(app.metadata.labels, { team: 'blue' });
      assert.equal(app.spec.source?.targetRevision, undefined);
    },
  },
  {
    name: 'control structures render whole blocks',
    patch: '{{ if .autoSync }}\nspec:\n  syncPolicy:\n    automated: {prune: true}\n{{ end }}',
    check: (app) =>
      assert.deepEqual(app.spec.syncPolicy, {
        syncOptions: ['CreateNamespace=true'],
        automated: { prune: true },
      }),
  },
  {
    name: 'toYaml output nests inside the patch',
    patch: 'metadata:\n  labels:\n    {{- toYaml .extraLabels | nindent 4 }}',
    check: (app) => assert.equal(app.metadata.labels?.owner, 'payments'),
  },
  {
    name: 'spec.project can never change',
    patch: 'spec:\n  project: "{{ .env }}-admin"\n  destination:\n    namespace: patched',
    check: (app) => {
      assert.equal(app.spec.project, 'default');
      assert.equal(app.spec.destination.namespace, 'patched');
    },
  },
  {
    name: '$patch: replace replaces a map whole',
    patch: 'metadata:\n  labels:\n    $patch: replace\n    only: this',
    check: (app) => assert.deepEqual(app.metadata.labels, { only: 'this' }),
  },
  {
    name: '$patch: delete removes a map',
    patch: 'spec:\n  syncPolicy:\n    $patch: delete',
    check: (app) => assert.equal(app.spec.syncPolicy, undefined),
  },
  {
    name: 'an empty rendering changes nothing',
    patch: '{{ if false }}spec: {}{{ end }}',
    check: (app) => assert.deepEqual(app, base),
  },
  {
    name: "finalizers merge (ObjectMeta patch strategy): the template's stay",
    patch: 'metadata:\n  finalizers: [example.com/a, resources-finalizer.argocd.argoproj.io]',
    check: (app) =>
      assert.deepEqual(app.metadata.finalizers, ['example.com/a', 'resources-finalizer.argocd.argoproj.io']),
  },
  {
    name: "finalizers: [] keeps the template's",
    patch: 'metadata:\n  finalizers: []',
    check: (app) => assert.deepEqual(app.metadata.finalizers, ['resources-finalizer.argocd.argoproj.io']),
  },
  {
    name: '$deleteFromPrimitiveList removes finalizers',
    patch:
      'metadata:\n  finalizers: [example.com/a]\n  $deleteFromPrimitiveList/finalizers: [resources-finalizer.argocd.argoproj.io]',
    check: (app) => assert.deepEqual(app.metadata.finalizers, ['example.com/a']),
  },
  {
    name: 'finalizers: null removes them',
    patch: 'metadata:\n  finalizers: null',
    check: (app) => assert.equal(app.metadata.finalizers, undefined),
  },
];

describe('applyTemplatePatch (goTemplate)', () => {
  for (const row of rows) {
    test(row.name, () => {
      const before = structuredClone(base);
      row.check(applyTemplatePatch(base, row.patch, params, goRenderer));
      assert.deepEqual(base, before, 'the input Application is not modified');
    });
  }
});

describe('applyTemplatePatch: failures', () => {
  const failures: { name: string; patch: string; code: string; message: RegExp }[] = [
    {
      name: 'a template parse error',
      patch: 'spec: {{ nosuch }}',
      code: 'TemplateParse',
      message: /function "nosuch" not defined/,
    },
    {
      name: 'a missing key',
      patch: 'spec: {x: "{{ .nope }}"}',
      code: 'TemplateExec',
      message: /map has no entry for key "nope"/,
    },
    { name: 'a list instead of a map', patch: '- a\n- b', code: 'TemplatePatch', message: /expected a map/ },
    {
      name: 'invalid Application shape',
      patch: 'spec:\n  destination: []',
      code: 'TemplatePatch',
      message: /destination/,
    },
    {
      name: 'an unknown $patch directive',
      patch: 'spec:\n  $patch: squash',
      code: 'TemplatePatch',
      message: /unknown \$patch directive/,
    },
  ];
  for (const row of failures) {
    test(row.name, () => {
      assert.throws(
        () => applyTemplatePatch(base, row.patch, params, goRenderer),
        (err: unknown) =>
          err instanceof SpokesError && err.code === row.code && row.message.test(err.message),
      );
    });
  }
});

test('applyTemplatePatch renders with fasttemplate in the default mode', () => {
  const app = applyTemplatePatch(
    base,
    'metadata:\n  labels:\n    app: "{{name}}"',
    { name: 'web' },
    fastRenderer,
  );
  assert.equal(app.metadata.labels?.app, 'web');
});
