// Fixtures are plain JSON documents edited in place by each row.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crdAdmissionError } from './crd-validate.ts';

const valid = (): Record<string, any> => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'web', namespace: 'argocd' },
  spec: {
    generators: [
      { git: { repoURL: 'https://example.com/r.git', revision: 'HEAD', directories: [{ path: '*' }] } },
    ],
    template: {
      metadata: { name: '{{path.basename}}' },
      spec: { project: 'default', source: { repoURL: 'r' }, destination: { server: 's' } },
    },
  },
});

describe('offline admission against crds/ (the apiserver and kubectl --validate=strict)', () => {
  const rows: { name: string; edit: (d: Record<string, any>) => void; error: string | undefined }[] = [
    { name: 'a valid ApplicationSet', edit: () => {}, error: undefined },
    {
      name: 'no template.spec.project',
      edit: (d) => delete d.spec.template.spec.project,
      error: 'The ApplicationSet "web" is invalid: spec.template.spec.project: Required value',
    },
    {
      name: 'a git generator without revision, and no project',
      edit: (d) => {
        delete d.spec.generators[0].git.revision;
        delete d.spec.template.spec.project;
      },
      error:
        'The ApplicationSet "web" is invalid: \n* spec.generators[0].git.revision: Required value\n* spec.template.spec.project: Required value',
    },
    {
      name: 'a wrong type',
      edit: (d) => (d.spec.goTemplate = 'true'),
      error:
        'The ApplicationSet "web" is invalid: spec.goTemplate: Invalid value: "string": spec.goTemplate in body must be of type boolean: "string"',
    },
    {
      name: 'an enum',
      edit: (d) => (d.spec.syncPolicy = { applicationsSync: 'never' }),
      error:
        'The ApplicationSet "web" is invalid: spec.syncPolicy.applicationsSync: Unsupported value: "never": supported values: "create-only", "create-update", "create-delete", "sync"',
    },
    {
      name: 'unknown fields where the schema lists its fields, in document order',
      edit: (d) => {
        d.spec.bogus = 1;
        d.spec.template.spec.sourceRepo = 'x';
      },
      error:
        'ApplicationSet in version "v1alpha1" cannot be handled as a ApplicationSet: strict decoding error: unknown field "spec.template.spec.sourceRepo", unknown field "spec.bogus"',
    },
    {
      name: 'unknown fields inside an open part are kept (validated by Spokes itself)',
      edit: (d) => (d.spec.generators[0].git.somethingNew = true),
      error: undefined,
    },
    {
      name: 'a generator template needs metadata and spec with project and destination',
      edit: (d) => (d.spec.generators[0].git.template = { spec: { project: 'p' } }),
      error:
        'The ApplicationSet "web" is invalid: \n* spec.generators[0].git.template.metadata: Required value\n* spec.generators[0].git.template.spec.destination: Required value',
    },
    {
      name: 'a child generator of a matrix is checked too',
      edit: (d) =>
        (d.spec.generators = [
          { matrix: { generators: [{ git: { repoURL: 'r' } }, { list: { elements: [] } }] } },
        ]),
      error:
        'The ApplicationSet "web" is invalid: spec.generators[0].matrix.generators[0].git.revision: Required value',
    },
    { name: 'null is absent', edit: (d) => (d.spec.templatePatch = null), error: undefined },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const doc = valid();
      row.edit(doc);
      assert.equal(crdAdmissionError(doc), row.error);
    });
  }
});
