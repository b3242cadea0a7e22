/**
 * goTemplate mode end to end through `expand`: params as the generators build them (list
 * elements as written, cluster label maps, values, matrix interpolation, merge, post-selectors)
 * rendered by the Go template engine, and its errors located at the template field.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cluster, expandYaml, spokesError } from '../support/expand.ts';

function goAppSet(generators: string, template: string, extra = ''): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: go, namespace: argocd}
spec:
  goTemplate: true
${extra}  generators:
${generators}
  template:
${template}
`;
}

const TEMPLATE = (name: string, path = "'{{ .name }}'", labels = ''): string => `    metadata:
      name: '${name}'${labels}
    spec:
      project: default
      source: {repoURL: https://example.com/repo.git, path: ${path}}
      destination: {server: https://kubernetes.default.svc, namespace: default}`;

const clusters = [
  cluster({ name: 'prod-eu', labels: { env: 'prod', 'team.io/owner': 'payments' } }),
  cluster({ name: 'Dev_US', labels: { env: 'dev' }, annotations: { note: 'hi' } }),
];

describe('goTemplate through expand: list generator', () => {
  test('elements are used as written: numbers are float64, nested maps and lists navigable', async () => {
    const apps = await expandYaml(
      goAppSet(
        `  - list:
      elements:
      - {name: web, replicas: 3, big: 1234567, ratio: 0.5, enabled: true, cfg: {region: eu}, ports: [80, 443]}`,
        TEMPLATE(
          '{{ .name }}-{{ .replicas }}',
          '\'{{ .cfg.region }}/{{ index .ports 1 }}/{{ .big }}/{{ .ratio }}/{{ .enabled }}/{{ printf "%T" .replicas }}\'',
        ),
      ),
    );
    assert.equal(apps[0]!.metadata.name, 'web-3');
    assert.equal(apps[0]!.spec.source?.path, 'eu/443/1.234567e+06/0.5/true/float64');
  });

  test('a missing key prints <no value> by default, as in Argo CD', async () => {
    const [app] = await expandYaml(
      goAppSet('  - list: {elements: [{name: a}]}', TEMPLATE('{{ .name }}', "'{{ .nope }}'")),
    );
    assert.equal(app!.spec.source?.path, '<no value>');
  });

  test('missingkey=error names the key and the field', async () => {
    const err = await spokesError(
      expandYaml(
        goAppSet(
          '  - list: {elements: [{name: a}]}',
          TEMPLATE('{{ .name }}', "'{{ .nope }}'"),
          '  goTemplateOptions: ["missingkey=error"]\n',
        ),
      ),
    );
    assert.equal(err.code, 'TemplateExec');
    assert.match(err.message, /spec\.template\.spec\.source\.path/);
    assert.match(err.message, /1:3: executing at <\.nope>: map has no entry for key "nope"/);
  });

  test('sprig and Argo functions are available', async () => {
    const [app] = await expandYaml(
      goAppSet(
        "  - list: {elements: [{name: 'My App', branch: 'feature/JIRA-1_x'}]}",
        TEMPLATE(
          '{{ normalize .name }}-{{ .branch | slugify 12 }}',
          '\'{{ .name | lower | replace " " "-" | trunc 5 }}\'',
        ),
      ),
    );
    // slugify 12 cuts at the last dash at or before index 12 of "feature-jira-1-x".
    assert.equal(app!.metadata.name, 'my-app-feature-jira');
    assert.equal(app!.spec.source?.path, 'my-ap');
  });

  test('map keys are templates too', async () => {
    const [app] = await expandYaml(
      goAppSet(
        '  - list: {elements: [{name: a, team: blue}]}',
        TEMPLATE('{{ .name }}', undefined, "\n      labels: {'{{ .team }}-owner': '{{ .name | upper }}'}"),
      ),
    );
    assert.deepEqual(app!.metadata.labels, { 'blue-owner': 'A' });
  });
});

describe('goTemplate through expand: clusters generator', () => {
  // The Secret's own argocd.argoproj.io/secret-type label is one of the labels, as in Argo CD.
  test('metadata.labels and metadata.annotations are maps', async () => {
    const apps = await expandYaml(
      goAppSet(
        '  - clusters: {selector: {matchExpressions: [{key: env, operator: Exists}]}}',
        TEMPLATE(
          '{{ .nameNormalized }}',
          '\'{{ .metadata.labels.env }}/{{ index .metadata.labels "team.io/owner" | default "none" }}/{{ len .metadata.labels }}\'',
        ),
      ),
      { clusters },
    );
    assert.deepEqual(
      apps.map((a) => [a.metadata.name, a.spec.source?.path]),
      [
        ['prod-eu', 'prod/payments/3'],
        ['dev-us', 'dev/none/2'],
      ],
    );
  });

  test('the in-cluster entry has no metadata: a label lookup fails under missingkey=error', async () => {
    const err = await spokesError(
      expandYaml(
        goAppSet(
          '  - clusters: {}',
          TEMPLATE('{{ .name }}', "'{{ .metadata.labels.env }}'"),
          '  goTemplateOptions: ["missingkey=error"]\n',
        ),
      ),
    );
    assert.equal(err.code, 'TemplateExec');
    assert.match(err.message, /map has no entry for key "metadata"/);
  });

  test('values are rendered with the cluster params and exposed as .values', async () => {
    const apps = await expandYaml(
      goAppSet(
        "  - clusters: {selector: {matchLabels: {env: prod}}, values: {revision: '{{ .metadata.labels.env }}-branch'}}",
        TEMPLATE('{{ .name }}', "'{{ .values.revision }}'"),
      ),
      { clusters },
    );
    assert.deepEqual(
      apps.map((a) => a.spec.source?.path),
      ['prod-branch'],
    );
  });
});

describe('goTemplate through expand: matrix and merge', () => {
  test('matrix renders the second child with the first child params, and merges nested maps', async () => {
    const apps = await expandYaml(
      goAppSet(
        `  - matrix:
      generators:
      - list: {elements: [{env: prod, app: {name: web}}, {env: dev, app: {name: api}}]}
      - clusters: {selector: {matchLabels: {env: '{{ .env }}'}}}`,
        TEMPLATE('{{ .app.name }}-{{ .nameNormalized }}', "'{{ .env }}/{{ .metadata.labels.env }}'"),
      ),
      { clusters },
    );
    assert.deepEqual(
      apps.map((a) => [a.metadata.name, a.spec.source?.path]),
      [
        ['web-prod-eu', 'prod/prod'],
        ['api-dev-us', 'dev/dev'],
      ],
    );
  });

  test('merge deep-merges maps on the merge key', async () => {
    const apps = await expandYaml(
      goAppSet(
        `  - merge:
      mergeKeys: [name]
      generators:
      - list: {elements: [{name: a, cfg: {one: '1', two: '1'}}, {name: b, cfg: {one: '2'}}]}
      - list: {elements: [{name: a, cfg: {two: over}}]}`,
        TEMPLATE('{{ .name }}', "'{{ .cfg.one }}-{{ .cfg.two }}'"),
      ),
    );
    assert.deepEqual(
      apps.map((a) => a.spec.source?.path),
      ['1-over', '2-<no value>'],
    );
  });

  test('post-selectors match the params flattened to strings', async () => {
    const apps = await expandYaml(
      goAppSet(
        `  - list:
      elements: [{name: a, env: prod, cfg: {tier: '1'}}, {name: b, env: prod, cfg: {tier: '2'}}, {name: c, env: dev}]
    selector: {matchLabels: {env: prod, cfg.tier: '2'}}`,
        TEMPLATE('{{ .name }}'),
      ),
    );
    assert.deepEqual(
      apps.map((a) => a.metadata.name),
      ['b'],
    );
  });
});

describe('goTemplate through expand: errors', () => {
  test('a parse error names the field and the line:column in the string', async () => {
    const err = await spokesError(
      expandYaml(
        goAppSet('  - list: {elements: [{name: a}]}', TEMPLATE('{{ .name }}', "'{{ nosuch .name }}'")),
      ),
    );
    assert.equal(err.code, 'TemplateParse');
    assert.match(err.message, /spec\.template\.spec\.source\.path: 1:3: function "nosuch" not defined/);
  });

  test('an unknown goTemplateOptions entry is a clear error', async () => {
    const err = await spokesError(
      expandYaml(
        goAppSet(
          '  - list: {elements: [{name: a}]}',
          TEMPLATE('{{ .name }}'),
          '  goTemplateOptions: ["missingkey=maybe"]\n',
        ),
      ),
    );
    assert.equal(err.code, 'TemplateParse');
    assert.match(err.message, /unrecognized option: missingkey=maybe/);
  });

  test('a typed function argument fails like Go: float64 params are not ints', async () => {
    const err = await spokesError(
      expandYaml(
        goAppSet(
          '  - list: {elements: [{name: a, count: 2}]}',
          TEMPLATE('{{ .name }}', '\'{{ repeat .count "x" }}\''),
        ),
      ),
    );
    assert.equal(err.code, 'TemplateExec');
    assert.match(err.message, /wrong type for value; expected int; got float64/);
  });
});
