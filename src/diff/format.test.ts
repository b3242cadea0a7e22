import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Application } from '../api/application.ts';
import { compareApps, type SideApp } from './compare.ts';
import { describeChange, formatReport, formatValue } from './format.ts';
import type { DiffReport } from './run.ts';

function app(name: string, cluster: string, targetRevision = 'main'): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example/r', targetRevision, path: name },
      destination: { name: cluster, namespace: name },
    },
  };
}

function side(...apps: Application[]): Map<string, SideApp> {
  return new Map(
    apps.map((a) => [
      `argocd/${a.metadata.name}`,
      { app: a, appSet: 'argocd/apps', file: 'appsets/apps.yaml' },
    ]),
  );
}

const BASE = 'a'.repeat(40);
const HEAD = 'b'.repeat(40);

const report: DiffReport = {
  base: { side: 'base', revision: 'main', commit: BASE },
  head: { side: 'head', revision: undefined, commit: HEAD },
  comparison: compareApps(
    side(app('api', 'prod'), app('old', 'prod'), app('same', 'dev')),
    side(app('api', 'prod', 'v2'), app('web', 'dev'), app('same', 'dev')),
  ),
};

const none: DiffReport = { ...report, comparison: compareApps(side(app('a', 'x')), side(app('a', 'x'))) };

describe('formats', () => {
  test('text', () => {
    assert.equal(
      formatReport(report, 'text'),
      `spokes diff: base main (aaaaaaa) → head working tree
1 added, 1 removed, 1 changed, 1 unchanged

cluster dev
  + argocd/web

cluster prod
  - argocd/old
  ~ argocd/api
      spec.source.targetRevision: main → v2
`,
    );
  });

  test('text: no changes', () => {
    assert.equal(
      formatReport(none, 'text'),
      'spokes diff: base main (aaaaaaa) → head working tree\nno changes (1 Application, the same at both sides)\n',
    );
  });

  test('markdown', () => {
    const appYaml = (name: string, cluster: string): string => `\`\`\`yaml
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example/r
    targetRevision: main
    path: ${name}
  destination:
    name: ${cluster}
    namespace: ${name}
\`\`\``;
    assert.equal(
      formatReport(report, 'markdown'),
      `### spokes diff: 1 added, 1 removed, 1 changed

Base \`main\` (aaaaaaa) → head: working tree; 1 unchanged.

#### Cluster \`dev\`: 1 added

<details><summary>Added <code>argocd/web</code></summary>

${appYaml('web', 'dev')}

</details>

#### Cluster \`prod\`: 1 removed, 1 changed

<details><summary>Removed <code>argocd/old</code></summary>

${appYaml('old', 'prod')}

</details>

<details><summary>Changed <code>argocd/api</code>: 1 field</summary>

\`\`\`diff
- spec.source.targetRevision: main
+ spec.source.targetRevision: v2
\`\`\`

</details>
`,
    );
  });

  test('markdown: no changes', () => {
    assert.equal(
      formatReport(none, 'markdown'),
      '### spokes diff: no changes\n\nBase `main` (aaaaaaa) → head: working tree; the same 1 Application at both sides.\n',
    );
  });

  test('json', () => {
    const entry = (name: string, cluster: string): Record<string, string> => ({
      name,
      namespace: 'argocd',
      cluster,
      appSet: 'argocd/apps',
      file: 'appsets/apps.yaml',
    });
    assert.deepEqual(JSON.parse(formatReport(report, 'json')), {
      base: { revision: 'main', workingTree: false, commit: BASE },
      head: { revision: null, workingTree: true, commit: HEAD },
      summary: { added: 1, removed: 1, changed: 1, unchanged: 1 },
      added: [{ ...entry('web', 'dev'), application: app('web', 'dev') }],
      removed: [{ ...entry('old', 'prod'), application: app('old', 'prod') }],
      changed: [
        {
          ...entry('api', 'prod'),
          changes: [{ path: 'spec.source.targetRevision', kind: 'changed', base: 'main', head: 'v2' }],
        },
      ],
    });
  });

  test('json: no changes has empty lists', () => {
    const json = JSON.parse(formatReport(none, 'json')) as Record<string, unknown>;
    assert.deepEqual([json.added, json.removed, json.changed], [[], [], []]);
  });

  const values: [unknown, string][] = [
    ['main', 'main'],
    ['CreateNamespace=true', 'CreateNamespace=true'],
    ['true', '"true"'],
    ['1.5', '"1.5"'],
    ['', '""'],
    ['two words', '"two words"'],
    [true, 'true'],
    [3, '3'],
    [null, 'null'],
    [{ a: [1] }, '{"a":[1]}'],
  ];
  for (const [value, shown] of values) {
    test(`formatValue(${JSON.stringify(value)}) = ${shown}`, () => assert.equal(formatValue(value), shown));
  }

  test('describeChange: added, removed, and a multi-line string as a line diff', () => {
    assert.deepEqual(describeChange({ path: 'a', kind: 'added', head: 'x' }), ['a: + x']);
    assert.deepEqual(describeChange({ path: 'a', kind: 'removed', base: 'x' }), ['a: - x']);
    assert.deepEqual(
      describeChange({
        path: 'spec.source.helm.values',
        kind: 'changed',
        base: 'a: 1\nb: 2\n',
        head: 'a: 1\nb: 3\n',
      }),
      ['spec.source.helm.values:', '  @@ -1,2 +1,2 @@', '   a: 1', '  -b: 2', '  +b: 3'],
    );
  });

  const objectDiff = '--- base/ConfigMap a\n+++ head/ConfigMap a\n@@ -1 +1 @@\n-x\n+y\n';
  const withManifests: DiffReport = {
    ...report,
    manifests: new Map([
      ['argocd/web', { objects: [], errors: [{ side: 'head', message: 'kustomize not found on PATH' }] }],
      ['argocd/api', { objects: [], errors: [] }],
      [
        'argocd/same',
        { objects: [{ object: 'ConfigMap a', kind: 'changed', diff: objectDiff }], errors: [] },
      ],
    ]),
    manifestsOnly: report.comparison.same,
    notRendered: [],
  };

  test('text with --manifests', () => {
    assert.equal(
      formatReport(withManifests, 'text'),
      `spokes diff: base main (aaaaaaa) → head working tree
1 added, 1 removed, 1 changed, 1 with manifest changes only, 0 unchanged

cluster dev
  + argocd/web
      manifests: cannot render at head: kustomize not found on PATH
  ~ argocd/same (manifests only)
      manifests:
        --- base/ConfigMap a
        +++ head/ConfigMap a
        @@ -1 +1 @@
        -x
        +y

cluster prod
  - argocd/old
  ~ argocd/api
      spec.source.targetRevision: main → v2
      manifests: no object changes
`,
    );
  });

  test('markdown and json with --manifests', () => {
    const md = formatReport(withManifests, 'markdown');
    assert.match(md, /^### spokes diff: 1 added, 1 removed, 1 changed, 1 with manifest changes only\n/);
    assert.match(
      md,
      /<details><summary>Manifests changed <code>argocd\/same<\/code><\/summary>\n\nManifests \(1 object changed\):\n\n```diff\n--- base\/ConfigMap a\n/,
    );
    const json = JSON.parse(formatReport(withManifests, 'json')) as Record<string, unknown>;
    assert.deepEqual(json.summary, {
      added: 1,
      removed: 1,
      changed: 1,
      manifestsOnly: 1,
      unchanged: 0,
      notRendered: 0,
    });
    assert.deepEqual(json.manifestsOnly, [
      {
        name: 'same',
        namespace: 'argocd',
        cluster: 'dev',
        appSet: 'argocd/apps',
        file: 'appsets/apps.yaml',
        manifests: { objects: [{ object: 'ConfigMap a', kind: 'changed', diff: objectDiff }], errors: [] },
      },
    ]);
  });

  test('applications rendered at neither side are listed, not counted', () => {
    const broken: DiffReport = {
      ...none,
      manifests: new Map([
        [
          'argocd/a',
          {
            objects: [],
            errors: [
              { side: 'base', message: 'helm not found' },
              { side: 'head', message: 'helm not found' },
            ],
          },
        ],
      ]),
      manifestsOnly: [],
      notRendered: none.comparison.same,
    };
    assert.equal(
      formatReport(broken, 'text'),
      `spokes diff: base main (aaaaaaa) → head working tree
no changes (1 Application, the same at both sides)

not rendered at either side (manifests unknown):
  ! argocd/a (cluster x): helm not found
`,
    );
  });
});
