import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appSetYaml, cluster, expandYaml, spokesError } from '../test/support/expand.ts';

const fleet = [
  cluster({ name: 'prod-eu', labels: { env: 'prod', region: 'eu' }, project: 'platform' }),
  cluster({ name: 'Prod US_1', labels: { env: 'prod', region: 'us' }, annotations: { owner: 'team-a' } }),
  cluster({ name: 'staging', labels: { env: 'staging' } }),
];

/** Expands with a template that shows the given param in the app's path. */
async function paths(generators: string, param: string, clusters = fleet): Promise<string[]> {
  const yaml = appSetYaml(generators).replace("path: '{{name}}'", `path: '${param}'`);
  return (await expandYaml(yaml, { clusters })).map((app) => (app.spec.source as { path: string }).path);
}

describe('clusters generator', () => {
  const rows: {
    name: string;
    generators: string;
    param: string;
    expected: string[];
    clusters?: typeof fleet;
  }[] = [
    {
      name: 'every cluster, then in-cluster last',
      generators: '  - clusters: {}',
      param: '{{nameNormalized}}',
      expected: ['prod-eu', 'prod-us-1', 'staging', 'in-cluster'],
    },
    {
      name: 'matchLabels selects, and drops in-cluster',
      generators: '  - clusters: {selector: {matchLabels: {env: prod}}}',
      param: '{{name}}',
      expected: ['prod-eu', 'Prod US_1'],
    },
    {
      name: 'matchExpressions NotIn',
      generators:
        '  - clusters: {selector: {matchExpressions: [{key: region, operator: NotIn, values: [eu]}]}}',
      param: '{{name}}',
      expected: ['Prod US_1', 'staging'],
    },
    {
      name: 'matchExpressions DoesNotExist',
      generators: '  - clusters: {selector: {matchExpressions: [{key: region, operator: DoesNotExist}]}}',
      param: '{{name}}',
      expected: ['staging'],
    },
    {
      name: 'labels and annotations as flat params, missing ones left as written',
      generators: '  - clusters: {selector: {matchLabels: {env: prod}}}',
      param: '{{metadata.labels.region}}/{{metadata.annotations.owner}}',
      expected: ['eu/{{metadata.annotations.owner}}', 'us/team-a'],
    },
    {
      name: 'project is empty when the Secret has none',
      generators: '  - clusters: {selector: {matchLabels: {env: prod}}}',
      param: 'p-{{project}}',
      expected: ['p-platform', 'p-'],
    },
    {
      name: 'values are templated with the cluster params',
      generators:
        "  - clusters: {selector: {matchLabels: {env: prod}}, values: {branch: '{{metadata.labels.region}}-stable'}}",
      param: '{{values.branch}}',
      expected: ['eu-stable', 'us-stable'],
    },
    {
      name: 'no in-cluster when a Secret already has its server',
      generators: '  - clusters: {}',
      param: '{{name}}',
      clusters: [cluster({ name: 'local', server: 'https://kubernetes.default.svc' })],
      expected: ['local'],
    },
    {
      name: 'Secrets with the same name collapse to one (the later wins)',
      generators: '  - clusters: {selector: {matchLabels: {env: prod}}}',
      param: '{{server}}',
      clusters: [
        cluster({ name: 'dup', secretName: 'a', server: 'https://first', labels: { env: 'prod' } }),
        cluster({ name: 'dup', secretName: 'b', server: 'https://second', labels: { env: 'prod' } }),
      ],
      expected: ['https://second'],
    },
    {
      name: 'annotations Argo CD and kubectl keep as their own state are not params',
      generators: '  - clusters: {selector: {matchLabels: {env: prod}}}',
      param: '{{metadata.annotations.owner}}|{{metadata.annotations.argocd.argoproj.io/refresh}}',
      clusters: [
        cluster({
          name: 'p',
          labels: { env: 'prod' },
          annotations: { owner: 'team-a', 'argocd.argoproj.io/refresh': 'normal' },
        }),
      ],
      expected: ['team-a|{{metadata.annotations.argocd.argoproj.io/refresh}}'],
    },
  ];
  for (const row of rows) {
    test(row.name, async () =>
      assert.deepEqual(await paths(row.generators, row.param, row.clusters), row.expected),
    );
  }

  test('goTemplate: labels, annotations and values are map[string]string, hidden annotations left out', async () => {
    const hidden = [
      'argocd.argoproj.io/refresh',
      'argocd.argoproj.io/hydrate',
      'argocd.argoproj.io/tracking-id',
      'argocd.argoproj.io/installation-id',
      'kubectl.kubernetes.io/last-applied-configuration',
    ];
    const clusters = [
      cluster({
        name: 'p',
        labels: { env: 'prod' },
        annotations: { owner: 'team-a', ...Object.fromEntries(hidden.map((k) => [k, 'x'])) },
      }),
    ];
    const template =
      '{{ toJson .metadata.annotations }}|{{ index .metadata.labels "nope" }}|' +
      '{{ index .metadata.annotations "nope" }}|{{ index .values "nope" }}|{{ .values.v }}';
    const yaml = appSetYaml(
      "  - clusters: {selector: {matchLabels: {env: prod}}, values: {v: '{{ .name }}'}}",
      '  goTemplate: true',
    )
      .replace("name: '{{name}}'", "name: '{{ .name }}'")
      .replace("path: '{{name}}'", `path: '${template}'`);
    const apps = await expandYaml(yaml, { clusters });
    assert.deepEqual(
      apps.map((app) => (app.spec.source as { path: string }).path),
      ['{"owner":"team-a"}||||p'],
    );
  });

  test('flatList yields one param set holding every cluster', async () => {
    const yaml = appSetYaml('  - clusters: {flatList: true}').replace("name: '{{name}}'", 'name: all');
    const apps = await expandYaml(yaml, { clusters: fleet });
    assert.equal(apps.length, 1);
  });

  test('credentials never reach params or rendered output', async () => {
    const yaml = appSetYaml('  - clusters: {}').replace(
      "path: '{{name}}'",
      "path: '{{config}}{{bearerToken}}'",
    );
    const text = JSON.stringify(await expandYaml(yaml, { clusters: fleet }));
    assert.doesNotMatch(text, /secret-token-of/);
  });

  const failures: { name: string; generators: string; code: string; text: RegExp }[] = [
    {
      name: 'In without values',
      generators: '  - clusters: {selector: {matchExpressions: [{key: env, operator: In}]}}',
      code: 'InvalidSelector',
      text: /clusters: selector\.matchExpressions\[0\]: operator In needs at least one value/,
    },
    {
      name: 'an unknown operator',
      generators: '  - clusters: {selector: {matchExpressions: [{key: env, operator: Near, values: [a]}]}}',
      code: 'InvalidSpec',
      text: /selector\.matchExpressions\[0\]\.operator/,
    },
    {
      name: 'values that are not strings',
      generators: '  - clusters: {values: {replicas: 3}}',
      code: 'InvalidSpec',
      text: /values\.replicas: expected string/,
    },
  ];
  for (const row of failures) {
    test(`error: ${row.name}`, async () => {
      const err = await spokesError(expandYaml(appSetYaml(row.generators), { clusters: fleet }));
      assert.equal(err.code, row.code);
      assert.match(err.message, row.text);
    });
  }
});
