import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createGitRepo, type GitRepo } from '../test/harness/git-repo.ts';
import { appSetYaml, expandYaml, spokesError, staticClusters } from '../test/support/expand.ts';
import { createRepoSource, type GitRepoSource } from '../src/git/index.ts';
import type { Params } from '../src/params.ts';
import { createRenderer } from '../src/template/render.ts';
import { createGitGenerator, gitGenerator, type GitSpec } from './git.ts';
import type { GeneratorContext } from './types.ts';
import { withExternalDefaults } from '../src/external.ts';

const URL = 'https://github.com/example/mono.git';

const DEV_CONFIG = JSON.stringify({
  cluster: {
    name: 'dev',
    replicas: 2,
    canary: true,
    big: 1000000,
    ratio: 0.5,
    none: null,
    tags: ['a', 'b'],
    empty: {},
  },
  region: 'eu',
});

let repo: GitRepo;
let repos: GitRepoSource;
let cacheDir: string;

before(async () => {
  repo = await createGitRepo({
    branches: {
      main: {
        'apps/billing/kustomization.yaml': 'kind: Kustomization',
        'apps/billing/overlays/prod/patch.yaml': 'x: 1',
        'apps/Web_Front/service.yaml': 'kind: Service',
        'apps/legacy/cm.yaml': 'kind: ConfigMap',
        'apps/.hidden/cm.yaml': 'kind: ConfigMap',
        '.github/workflows/ci.yaml': 'on: push',
        'README.md': 'readme',
        'clusters/dev/config.json': DEV_CONFIG,
        'clusters/prod/config.json': '{"cluster": {"name": "prod"}, "region": "us"}',
        'clusters/prod/config.yaml': 'cluster:\n  name: prod-yaml\n  replicas: 3\n',
        'clusters/list/config.json': '[{"cluster": {"name": "l1"}}, {"cluster": {"name": "l2"}}]',
        'clusters/empty/config.json': '',
        'root.json': '{"cluster": {"name": "root"}}',
        'bad/broken.json': '{ "not": json',
        'bad/scalar.json': '42',
        'bad/list-of-scalars.json': '[{"a": "b"}, 2]',
        'bad/big.json': JSON.stringify({ pad: 'x'.repeat(2048) }),
        'links/inside/config.json': { symlink: '../../clusters/prod/config.json' },
        'links/escape/config.json': { symlink: '../../../../etc/passwd' },
      },
      develop: { 'apps/api/cm.yaml': 'kind: ConfigMap', 'apps/experimental/cm.yaml': 'kind: ConfigMap' },
    },
  });
  cacheDir = await mkdtemp(join(tmpdir(), 'spokes-git-cache-'));
  repos = createRepoSource({ localRepos: new Map([[URL, repo.path]]), maxFileBytes: 1024, cacheDir });
});

after(async () => {
  repos.close();
  await repo.cleanup();
  await rm(cacheDir, { recursive: true, force: true });
});

function context(goTemplate: boolean): GeneratorContext {
  return {
    appSet: { name: 'test', namespace: 'argocd' },
    renderer: createRenderer({ goTemplate, goTemplateOptions: [] }),
    clusters: staticClusters([]),
    repos,
    ...withExternalDefaults({}),
    path: 'spec.generators[0].git',
    generateChild: () => Promise.reject(new Error('unused')),
  };
}

async function generate(
  spec: Record<string, unknown>,
  goTemplate = false,
  generator = gitGenerator,
): Promise<Params[]> {
  const parsed = generator.schema.parse({ repoURL: URL, revision: 'main', ...spec });
  return generator.generate(parsed, context(goTemplate));
}

describe('git generator: directories', () => {
  const rows: { name: string; spec: Record<string, unknown>; paths: string[] }[] = [
    {
      name: '* stays inside one segment',
      spec: { directories: [{ path: 'apps/*' }] },
      paths: ['apps/Web_Front', 'apps/billing', 'apps/legacy'],
    },
    {
      name: 'exclude: true removes matches, whatever the order',
      spec: { directories: [{ path: 'apps/legacy', exclude: true }, { path: 'apps/*' }] },
      paths: ['apps/Web_Front', 'apps/billing'],
    },
    {
      name: 'deeper globs',
      spec: { directories: [{ path: 'apps/*/overlays/*' }] },
      paths: ['apps/billing/overlays/prod'],
    },
    {
      name: 'a top-level * lists directories, never the root or hidden ones',
      spec: { directories: [{ path: '*' }] },
      paths: ['apps', 'bad', 'clusters', 'links'],
    },
    {
      name: 'in walk order (parents first, then by name)',
      spec: { directories: [{ path: 'apps/billing' }, { path: 'apps/billing/*' }, { path: 'apps' }] },
      paths: ['apps', 'apps/billing', 'apps/billing/overlays'],
    },
    { name: 'no match: no param sets', spec: { directories: [{ path: 'nothing/*' }] }, paths: [] },
    {
      name: 'another revision',
      spec: { revision: 'develop', directories: [{ path: 'apps/*' }] },
      paths: ['apps/api', 'apps/experimental'],
    },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      assert.deepEqual(
        (await generate(row.spec)).map((p) => p.path),
        row.paths,
      );
    });
  }

  test('fasttemplate params', async () => {
    const [params] = await generate({ directories: [{ path: 'apps/Web_Front' }] });
    assert.deepEqual(params, {
      path: 'apps/Web_Front',
      'path.basename': 'Web_Front',
      'path.basenameNormalized': 'web-front',
      'path[0]': 'apps',
      'path[1]': 'Web_Front',
    });
  });

  test('goTemplate params', async () => {
    const [params] = await generate({ directories: [{ path: 'apps/Web_Front' }] }, true);
    assert.deepEqual(params, {
      path: {
        path: 'apps/Web_Front',
        basename: 'Web_Front',
        basenameNormalized: 'web-front',
        segments: ['apps', 'Web_Front'],
      },
    });
  });

  test('pathParamPrefix and values (templated with the param set)', async () => {
    const spec = {
      directories: [{ path: 'apps/billing' }],
      pathParamPrefix: 'app',
      values: { ns: 'ns-{{app.path.basename}}' },
    };
    assert.deepEqual(await generate(spec), [
      {
        'app.path': 'apps/billing',
        'app.path.basename': 'billing',
        'app.path.basenameNormalized': 'billing',
        'app.path[0]': 'apps',
        'app.path[1]': 'billing',
        'values.ns': 'ns-billing',
      },
    ]);
    const goSpec = { ...spec, values: { ns: 'ns-{{ .app.path.basename }}' } };
    assert.deepEqual(await generate(goSpec, true), [
      {
        app: {
          path: {
            path: 'apps/billing',
            basename: 'billing',
            basenameNormalized: 'billing',
            segments: ['apps', 'billing'],
          },
        },
        values: { ns: 'ns-billing' },
      },
    ]);
  });

  test('includeHiddenDirectories lists .hidden ones too', async () => {
    const generator = createGitGenerator({ includeHiddenDirectories: true });
    const spec = { directories: [{ path: '*' }, { path: 'apps/*' }] };
    const paths = (await generate(spec, false, generator)).map((p) => p.path);
    assert.ok(paths.includes('.github') && paths.includes('apps/.hidden'));
  });
});

describe('git generator: files', () => {
  test('fasttemplate: flattened keys, values as Go prints them, path params of the folder', async () => {
    const [params] = await generate({ files: [{ path: 'clusters/dev/config.json' }] });
    assert.deepEqual(params, {
      'cluster.name': 'dev',
      'cluster.replicas': '2',
      'cluster.canary': 'true',
      'cluster.big': '1e+06',
      'cluster.ratio': '0.5',
      'cluster.none': '<nil>',
      'cluster.tags.0': 'a',
      'cluster.tags.1': 'b',
      region: 'eu',
      path: 'clusters/dev',
      'path.basename': 'dev',
      'path.basenameNormalized': 'dev',
      'path.filename': 'config.json',
      'path.filenameNormalized': 'config.json',
      'path[0]': 'clusters',
      'path[1]': 'dev',
    });
  });

  test('goTemplate: the content nested as-is', async () => {
    const [params] = await generate(
      { files: [{ path: 'clusters/dev/config.json' }], pathParamPrefix: 'p' },
      true,
    );
    assert.deepEqual(params, {
      ...(JSON.parse(DEV_CONFIG) as Params),
      p: {
        path: {
          path: 'clusters/dev',
          basename: 'dev',
          basenameNormalized: 'dev',
          filename: 'config.json',
          filenameNormalized: 'config.json',
          segments: ['clusters', 'dev'],
        },
      },
    });
  });

  const rows: { name: string; spec: Record<string, unknown>; names: string[]; strict?: boolean }[] = [
    {
      name: 'by default * crosses / (git pathspec)',
      spec: { files: [{ path: 'clusters/*.json' }] },
      names: ['dev', '', 'l1', 'l2', 'prod'],
    },
    {
      name: 'a list file gives one param set per element',
      spec: { files: [{ path: 'clusters/list/config.json' }] },
      names: ['l1', 'l2'],
    },
    {
      name: 'an empty file gives one param set',
      spec: { files: [{ path: 'clusters/empty/config.json' }] },
      names: [''],
    },
    { name: 'YAML files', spec: { files: [{ path: 'clusters/prod/config.yaml' }] }, names: ['prod-yaml'] },
    {
      name: 'exclude: true removes files',
      spec: { files: [{ path: 'clusters/**/config.json' }, { path: 'clusters/list', exclude: true }] },
      names: ['dev', '', 'prod'],
    },
    {
      name: 'a symlink inside the repository is read',
      spec: { files: [{ path: 'links/inside/*' }] },
      names: ['prod'],
    },
    { name: 'a root file: path is "."', spec: { files: [{ path: 'root.json' }] }, names: ['root'] },
    {
      name: 'strict globbing: * stays inside one segment',
      strict: true,
      spec: { files: [{ path: 'clusters/*.json' }] },
      names: [],
    },
    {
      name: 'strict globbing: ** matches any depth, including none',
      strict: true,
      spec: { files: [{ path: '**/config.json' }, { path: '{bad,links}/**', exclude: true }] },
      names: ['dev', '', 'l1', 'l2', 'prod'],
    },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const generator = row.strict ? createGitGenerator({ fileGlobbing: 'strict' }) : gitGenerator;
      const params = await generate(row.spec, false, generator);
      assert.deepEqual(
        params.map((p) => p['cluster.name'] ?? ''),
        row.names,
      );
    });
  }

  test('a root file has path ".", no path[N] but "."', async () => {
    const [params] = await generate({ files: [{ path: 'root.json' }] });
    assert.equal(params!.path, '.');
    assert.equal(params!['path.basename'], '.');
    assert.equal(params!['path.basenameNormalized'], '');
    assert.equal(params!['path[0]'], '.');
  });
});

describe('git generator: requeueAfterSeconds', () => {
  const rows: [name: string, spec: Partial<GitSpec>, expected: number | undefined][] = [
    ['the controller default when unset', {}, 180],
    ['the spec value', { requeueAfterSeconds: 30 }, 30],
    ['0 never requeues', { requeueAfterSeconds: 0 }, undefined],
  ];
  for (const [name, spec, expected] of rows) {
    test(name, () =>
      assert.equal(gitGenerator.requeueAfterSeconds!({ repoURL: URL, ...spec }, 180), expected),
    );
  }
});

describe('git generator in an ApplicationSet', () => {
  const nameTemplate = (yaml: string, name: string): string =>
    yaml.replace("name: '{{name}}'", `name: '${name}'`);

  test('as the second child of a matrix, its revision templated from the first child', async () => {
    const generators = `  - matrix:
      generators:
      - list: {elements: [{branch: main, env: prod}, {branch: develop, env: dev}]}
      - git: {repoURL: '${URL}', revision: '{{branch}}', directories: [{path: 'apps/*'}]}`;
    const apps = await expandYaml(
      nameTemplate(appSetYaml(generators), '{{path.basenameNormalized}}-{{env}}'),
      { repos },
    );
    assert.deepEqual(
      apps.map((a) => a.metadata.name),
      ['web-front-prod', 'billing-prod', 'legacy-prod', 'api-dev', 'experimental-dev'],
    );
  });

  test('as a merge child (goTemplate)', async () => {
    const generators = `  - merge:
      mergeKeys: [region]
      generators:
      - git: {repoURL: '${URL}', revision: main, files: [{path: clusters/dev/config.json}, {path: clusters/prod/config.json}]}
      - list: {elements: [{region: us, tier: gold}]}`;
    const yaml = nameTemplate(
      appSetYaml(generators, '  goTemplate: true'),
      '{{ .cluster.name }}-{{ default "none" .tier }}',
    ).replace("path: '{{name}}'", "path: '{{ .path.path }}'");
    const apps = await expandYaml(yaml, { repos });
    assert.deepEqual(
      apps.map((a) => a.metadata.name),
      ['dev-none', 'prod-gold'],
    );
  });

  const failures: { name: string; git: string; code: string; text: RegExp; where?: RegExp }[] = [
    {
      name: 'an unknown revision',
      git: `{repoURL: '${URL}', revision: nope, directories: [{path: '*'}]}`,
      code: 'UnknownRevision',
      text: /spec\.generators\[0\]\.git: https:\/\/github\.com\/example\/mono\.git revision "nope": unknown revision/,
    },
    {
      name: 'an unparsable file',
      git: `{repoURL: '${URL}', revision: main, files: [{path: 'bad/broken.json'}]}`,
      code: 'FileParse',
      text: /revision "main" \([0-9a-f]{7}\): "bad\/broken\.json": cannot parse: invalid YAML at line 1/,
    },
    {
      name: 'a file holding a scalar',
      git: `{repoURL: '${URL}', revision: main, files: [{path: 'bad/scalar.json'}]}`,
      code: 'FileParse',
      text: /"bad\/scalar\.json": expected a map or a list of maps, got number 42/,
    },
    {
      name: 'a list holding a scalar',
      git: `{repoURL: '${URL}', revision: main, files: [{path: 'bad/list-of-scalars.json'}]}`,
      code: 'FileParse',
      text: /"bad\/list-of-scalars\.json": element 1: expected a map, got number 2/,
    },
    {
      name: 'a symlink leaving the repository',
      git: `{repoURL: '${URL}', revision: main, files: [{path: 'links/**'}]}`,
      code: 'PathOutsideRepo',
      text: /revision "main" \([0-9a-f]{7}\): "links\/escape\/config\.json" resolves outside the repository/,
    },
    {
      name: 'a file over the size limit',
      git: `{repoURL: '${URL}', revision: main, files: [{path: 'bad/big.json'}]}`,
      code: 'FileTooLarge',
      text: /"bad\/big\.json" is 2 KiB, over the 1 KiB limit/,
    },
    {
      name: 'a files pattern leaving the repository',
      git: `{repoURL: '${URL}', revision: main, files: [{path: '../x/*.json'}]}`,
      code: 'InvalidSpec',
      text: /files\[0\]\.path: "\.\.\/x\/\*\.json" is outside the repository/,
    },
    {
      name: 'a malformed directories glob',
      git: `{repoURL: '${URL}', revision: main, directories: [{path: 'apps/[a'}]}`,
      code: 'InvalidSpec',
      text: /directories\[0\]\.path: bad pattern "apps\/\[a"/,
    },
    {
      name: 'both directories and files',
      git: `{repoURL: '${URL}', revision: main, directories: [{path: '*'}], files: [{path: '*.json'}]}`,
      code: 'InvalidSpec',
      text: /set either directories or files, not both/,
    },
    {
      name: 'no revision: the hub refuses it, so offline does too',
      git: `{repoURL: '${URL}', directories: [{path: '*'}]}`,
      code: 'InvalidSpec',
      text: /The ApplicationSet "test" is invalid: spec\.generators\[0\]\.git\.revision: Required value/,
      where: /^appset\.yaml › ApplicationSet argocd\/test: /,
    },
    {
      name: 'neither directories nor files',
      git: `{repoURL: '${URL}', revision: main}`,
      code: 'InvalidSpec',
      text: /one of directories or files is required/,
    },
    {
      name: 'a misspelt field',
      git: `{repoURL: '${URL}', revision: main, directory: [{path: '*'}]}`,
      code: 'InvalidSpec',
      text: /spec\.generators\[0\]\.git: unknown field "directory"/,
    },
    {
      name: 'a repository with no --repo mapping that cannot be fetched',
      git: `{repoURL: 'file:///nonexistent/spokes-test.git', revision: HEAD, directories: [{path: '*'}]}`,
      code: 'RepoNotFound',
      text: /file:\/\/\/nonexistent\/spokes-test\.git revision "HEAD": cannot fetch/,
    },
  ];
  for (const row of failures) {
    test(`error: ${row.name}`, async () => {
      const err = await spokesError(expandYaml(appSetYaml(`  - git: ${row.git}`), { repos }));
      assert.equal(err.code, row.code);
      assert.match(err.message, row.text);
      assert.match(err.message, row.where ?? /^ApplicationSet argocd\/test › spec\.generators\[0\]\.git: /);
    });
  }
});
