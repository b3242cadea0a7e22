import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appSetYaml, expandYaml, spokesError } from '../test/support/expand.ts';

const FINALIZER = 'resources-finalizer.argocd.argoproj.io';

function appSet(body: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: rules, namespace: team-ns}
spec:
${body}`;
}

const basicTemplate = `  template:
    metadata: {name: '{{name}}'}
    spec:
      project: default
      source: {repoURL: https://example.com/r.git, path: '{{name}}'}
      destination: {server: https://kubernetes.default.svc, namespace: x}`;

describe('expand: rendering rules', () => {
  test("Application namespace is the ApplicationSet's, whatever the template says", async () => {
    const [app] = await expandYaml(
      appSet(
        `  generators: [{list: {elements: [{name: a}]}}]\n${basicTemplate.replace("{name: '{{name}}'}", "{name: '{{name}}', namespace: elsewhere}")}`,
      ),
    );
    assert.equal(app!.metadata.namespace, 'team-ns');
  });

  const finalizerRows: { name: string; extra: string; meta: string; expected: string[] | undefined }[] = [
    { name: 'added by default', extra: '', meta: '', expected: [FINALIZER] },
    {
      name: 'not added with preserveResourcesOnDeletion',
      extra: '  syncPolicy: {preserveResourcesOnDeletion: true}\n',
      meta: '',
      expected: undefined,
    },
    {
      name: "the template's own finalizers are kept instead",
      extra: '',
      meta: ', finalizers: [custom/x]',
      expected: ['custom/x'],
    },
    {
      name: 'preserveResourcesOnDeletion: false still adds it',
      extra: '  syncPolicy: {preserveResourcesOnDeletion: false}\n',
      meta: '',
      expected: [FINALIZER],
    },
  ];
  for (const row of finalizerRows) {
    test(`finalizer: ${row.name}`, async () => {
      const template = basicTemplate.replace("{name: '{{name}}'}", `{name: '{{name}}'${row.meta}}`);
      const [app] = await expandYaml(
        appSet(`${row.extra}  generators: [{list: {elements: [{name: a}]}}]\n${template}`),
      );
      assert.deepEqual(app!.metadata.finalizers, row.expected);
    });
  }

  test('an empty param set renders nothing and adds no finalizer (as Argo CD does)', async () => {
    const [app] = await expandYaml(appSet(`  generators: [{list: {elements: [{}]}}]\n${basicTemplate}`));
    assert.equal(app!.metadata.name, '{{name}}');
    assert.equal(app!.metadata.finalizers, undefined);
  });

  test('map keys are rendered too', async () => {
    const template = basicTemplate.replace(
      "{name: '{{name}}'}",
      "{name: '{{name}}', labels: {'team-{{name}}': owner}}",
    );
    const [app] = await expandYaml(appSet(`  generators: [{list: {elements: [{name: a}]}}]\n${template}`));
    assert.deepEqual(app!.metadata.labels, { 'team-a': 'owner' });
  });

  test('a parameter cannot inject structure', async () => {
    const [app] = await expandYaml(
      appSet(`  generators: [{list: {elements: [{name: "a\\nspec: {project: evil}"}]}}]\n${basicTemplate}`),
    );
    assert.equal(app!.spec.project, 'default');
    assert.equal((app!.spec.source as { path: string }).path, 'a\nspec: {project: evil}');
  });

  test('non-string fields pass through, strings in lists and nested maps render', async () => {
    const template = basicTemplate.replace(
      'destination:',
      "revisionHistoryLimit: 3\n      info: [{name: owner, value: '{{name}}'}]\n      syncPolicy: {automated: {prune: true}, syncOptions: ['CreateNamespace={{name}}']}\n      destination:",
    );
    const [app] = await expandYaml(appSet(`  generators: [{list: {elements: [{name: a}]}}]\n${template}`));
    assert.equal(app!.spec.revisionHistoryLimit, 3);
    assert.deepEqual(app!.spec.info, [{ name: 'owner', value: 'a' }]);
    assert.deepEqual(app!.spec.syncPolicy, {
      automated: { prune: true },
      syncOptions: ['CreateNamespace=a'],
    });
  });

  test("a generator's own template wins where set; the rest comes from spec.template", async () => {
    const generators = `  generators:
  - list:
      elements: [{name: a}]
      template:
        metadata: {labels: {from: generator}}
        spec: {project: special, destination: {namespace: 'ns-{{name}}'}}`;
    const [app] = await expandYaml(appSet(`${generators}\n${basicTemplate}`));
    assert.equal(app!.metadata.name, 'a');
    assert.deepEqual(app!.metadata.labels, { from: 'generator' });
    assert.equal(app!.spec.project, 'special');
    assert.deepEqual(app!.spec.destination, { namespace: 'ns-a', server: 'https://kubernetes.default.svc' });
  });

  test('a post-selector filters param sets on their values', async () => {
    const generators = `  generators:
  - list: {elements: [{name: a, env: prod}, {name: b, env: dev}]}
    selector: {matchLabels: {env: prod}}`;
    const apps = await expandYaml(appSet(`${generators}\n${basicTemplate}`));
    assert.deepEqual(
      apps.map((a) => a.metadata.name),
      ['a'],
    );
  });

  test('generators run in order and their apps keep it', async () => {
    const generators = '  generators: [{list: {elements: [{name: z}]}}, {list: {elements: [{name: a}]}}]';
    const apps = await expandYaml(appSet(`${generators}\n${basicTemplate}`));
    assert.deepEqual(
      apps.map((a) => a.metadata.name),
      ['z', 'a'],
    );
  });

  test('templatePatch merges maps, replaces lists and never changes the project', async () => {
    const extra = `  templatePatch: |
    metadata: {annotations: {patched: 'yes'}}
    spec:
      project: evil
      syncPolicy: {syncOptions: [A]}
`;
    const template = basicTemplate.replace(
      'destination:',
      'syncPolicy: {syncOptions: [X, W]}\n      destination:',
    );
    const [app] = await expandYaml(
      appSet(`${extra}  generators: [{list: {elements: [{name: a}]}}]\n${template}`),
    );
    assert.equal(app!.spec.project, 'default');
    assert.deepEqual(app!.metadata.annotations, { patched: 'yes' });
    assert.deepEqual(app!.spec.syncPolicy, { syncOptions: ['A'] });
  });

  const failures: { name: string; yaml: string; code: string; text: RegExp }[] = [
    {
      name: 'duplicate Application names',
      yaml: appSet(`  generators: [{list: {elements: [{name: a}, {name: a}]}}]\n${basicTemplate}`),
      code: 'DuplicateName',
      text: /^ApplicationSet team-ns\/rules: ApplicationSet rules contains applications with duplicate name: a$/,
    },
    {
      name: 'an unknown generator',
      yaml: appSet(`  generators: [{lists: {elements: []}}]\n${basicTemplate}`),
      code: 'UnknownGenerator',
      text: /spec\.generators\[0\]: unknown generator "lists" \(known generators: list, clusters, .*\)/,
    },
    {
      name: 'two generators in one entry',
      yaml: appSet(`  generators: [{list: {elements: []}, clusters: {}}]\n${basicTemplate}`),
      code: 'InvalidSpec',
      text: /spec\.generators\[0\]: more than one generator \(list, clusters\)/,
    },
    {
      name: 'an entry with only a selector',
      yaml: appSet(`  generators: [{selector: {matchLabels: {a: b}}}]\n${basicTemplate}`),
      code: 'InvalidSpec',
      text: /spec\.generators\[0\]: no generator: an entry holds exactly one/,
    },
    {
      name: 'a malformed post-selector',
      yaml: appSet(`  generators: [{list: {elements: []}, selector: {matchLabels: [a]}}]\n${basicTemplate}`),
      code: 'InvalidSelector',
      text: /spec\.generators\[0\]: selector\.matchLabels/,
    },
  ];
  for (const row of failures) {
    test(`error: ${row.name}`, async () => {
      const err = await spokesError(expandYaml(row.yaml));
      assert.equal(err.code, row.code);
      assert.match(err.message, row.text);
    });
  }

  test('the fixture helper produces a valid ApplicationSet', async () => {
    assert.equal((await expandYaml(appSetYaml('  - list: {elements: [{name: a}]}'))).length, 1);
  });
});
