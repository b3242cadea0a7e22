import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ApplicationSource } from '../api/application.ts';
import { packChart } from '../charts/archive.ts';
import { createChartSource, parseChartRepoMappings, type ChartSourceWithStats } from '../charts/index.ts';
import { SpokesError } from '../errors.ts';
import { buildDependencies } from './helm-deps.ts';
import { kustomizeBuildFor, kustomizeSettingsFrom } from './kustomize-settings.ts';
import { refSourceFor, refSourcesOf } from './refs.ts';
import { checkSources, describeSource, isRefOnly } from './sources.ts';

const src = (s: Partial<ApplicationSource>): ApplicationSource => ({
  repoURL: 'https://git.example/r.git',
  ...s,
});

describe('multi-source: ref sources and $ref value files (Argo CD errors)', () => {
  const refs = refSourcesOf([src({ ref: 'values' }), src({ ref: 'other' }), src({ path: 'app' })]);
  test('a file names its ref source', () => assert.equal(refSourceFor('$values/a.yaml', refs).ref, 'values'));
  const rows: { name: string; file: string; refs: Map<string, ApplicationSource>; error: RegExp }[] = [
    {
      name: 'no ref sources at all',
      file: '$values/a.yaml',
      refs: new Map(),
      error: /source referenced "\$values", but no source has a 'ref' field defined/,
    },
    {
      name: 'an unknown ref',
      file: '$nope/a.yaml',
      refs,
      error: /"\$nope", which is not one of the available sources \(\$other, \$values\)/,
    },
    {
      name: 'a ref source with a chart',
      file: '$c/a.yaml',
      refs: refSourcesOf([src({ ref: 'c', chart: 'web' })]),
      error: /Helm charts are not yet not supported for 'ref' sources/,
    },
  ];
  for (const row of rows)
    test(row.name, () => assert.throws(() => refSourceFor(row.file, row.refs), row.error));

  test('a ref-only source renders nothing; a ref with a path still renders', () => {
    assert.equal(isRefOnly(src({ ref: 'v' })), true);
    assert.equal(isRefOnly(src({ ref: 'v', path: 'x' })), false);
  });

  test('checks before fetching name the source; a single source keeps $ files as plain paths', () => {
    const chartWithoutRevision = [src({ chart: 'web', repoURL: 'https://charts.example.com' })];
    assert.throws(
      () => checkSources(chartWithoutRevision, false),
      /spec\.source \(https:\/\/charts\.example\.com chart web\): spec\.source\.targetRevision is required/,
    );
    const badRef = [src({ path: 'a', helm: { valueFiles: ['$values/x.yaml'] } })];
    assert.doesNotThrow(() => checkSources(badRef, false));
    assert.throws(
      () => checkSources(badRef, true),
      /spec\.sources\[0\] \(.* path a\): source referenced "\$values"/,
    );
    assert.throws(
      () => checkSources([src({ plugin: { name: 'cmp' } })], false),
      (err: unknown) => err instanceof SpokesError && err.code === 'NotSupported',
    );
    assert.equal(
      describeSource(src({ ref: 'values' }), 1, true),
      'spec.sources[1] (https://git.example/r.git ref values)',
    );
  });
});

describe("argocd-cm's Kustomize settings", () => {
  const settings = kustomizeSettingsFrom({
    'kustomize.buildOptions': '--enable-helm  --load-restrictor LoadRestrictionsNone',
    'kustomize.path.v4.5.7': '/tools/kustomize-4',
    'kustomize.buildOptions.v4.5.7': '--enable-helm',
    'kustomize.version.v3.9.0': '/tools/kustomize-3',
  });
  test('global options when no version is chosen', () => {
    assert.deepEqual(kustomizeBuildFor(settings, undefined), {
      options: ['--enable-helm', '--load-restrictor', 'LoadRestrictionsNone'],
    });
  });
  test("a version's binary with its own options, or the global ones", () => {
    assert.deepEqual(kustomizeBuildFor(settings, 'v4.5.7'), {
      binary: '/tools/kustomize-4',
      options: ['--enable-helm'],
    });
    assert.equal(kustomizeBuildFor(settings, 'v3.9.0').binary, '/tools/kustomize-3');
  });
  test('an unregistered version is an error, with Argo CD words', () => {
    assert.throws(() => kustomizeBuildFor(settings, 'v9'), /kustomize version v9 is not registered/);
  });
  test('two binaries for one version is an error', () => {
    assert.throws(
      () => kustomizeSettingsFrom({ 'kustomize.path.v1': '/a', 'kustomize.version.v1': '/b' }),
      /duplicate kustomize version: v1/,
    );
  });
});

describe('chart dependencies fetched through the chart source', () => {
  let dir: string;
  let charts: ChartSourceWithStats;
  const chartYaml = (name: string, version: string): string =>
    `apiVersion: v2\nname: ${name}\nversion: ${version}\n`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spokes-deps-'));
    const repo = join(dir, 'repo');
    await mkdir(repo, { recursive: true });
    for (const [name, version] of [
      ['web', '1.2.0'],
      ['web', '1.2.4'],
      ['web', '1.3.0'],
      ['db', '0.1.0'],
    ] as const) {
      const chart = join(dir, 'src', `${name}-${version}`);
      await mkdir(chart, { recursive: true });
      await writeFile(join(chart, 'Chart.yaml'), chartYaml(name, version));
      await writeFile(join(repo, `${name}-${version}.tgz`), await packChart(chart, name));
    }
    const secrets = [
      {
        apiVersion: 'v1' as const,
        kind: 'Secret' as const,
        metadata: { name: 'stable', labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
        stringData: { type: 'helm', name: 'stable', url: 'https://stable.example.com' },
      },
    ];
    charts = createChartSource({
      cacheDir: join(dir, 'cache'),
      localRepos: parseChartRepoMappings([
        `https://charts.example.com=${repo}`,
        `https://stable.example.com=${repo}`,
      ]),
      credentials: () => ({ secrets, tlsCerts: {} }),
      proxy: 'http://127.0.0.1:9',
    });
  });
  after(async () => {
    await charts.close();
    await rm(dir, { recursive: true, force: true });
  });

  const app = async (name: string, files: Record<string, string>): Promise<string> => {
    const root = join(dir, 'git', name);
    for (const [file, text] of Object.entries(files)) {
      await mkdir(join(root, file, '..'), { recursive: true });
      await writeFile(join(root, file), text);
    }
    return root;
  };

  test('constraints resolve newest; @name finds the repository Secret; file:// packs a folder; old archives go', async () => {
    const root = await app('one', {
      'chart/Chart.yaml': `${chartYaml('app', '1.0.0')}dependencies:\n- name: web\n  version: ~1.2\n  repository: https://charts.example.com\n- name: db\n  version: 0.1.0\n  repository: "@stable"\n- name: lib\n  version: ">=0.0.1"\n  repository: file://../lib\n`,
      'chart/charts/web-1.1.0.tgz': '',
      'lib/Chart.yaml': chartYaml('lib', '0.0.3'),
    });
    await writeFile(
      join(root, 'chart', 'charts', 'web-1.1.0.tgz'),
      await packChart(join(dir, 'src', 'web-1.2.0'), 'web'),
    );
    await buildDependencies(join(root, 'chart'), { charts, boundary: root });
    assert.deepEqual((await readdir(join(root, 'chart', 'charts'))).sort(), [
      'db-0.1.0.tgz',
      'lib-0.0.3.tgz',
      'web-1.2.4.tgz',
    ]);
  });

  test('Chart.lock pins the versions when it lists every dependency', async () => {
    const root = await app('locked', {
      'chart/Chart.yaml': `${chartYaml('app', '1.0.0')}dependencies:\n- name: web\n  version: ~1.2\n  repository: https://charts.example.com\n`,
      'chart/Chart.lock':
        'dependencies:\n- name: web\n  repository: https://charts.example.com\n  version: 1.2.0\ndigest: sha256:x\n',
    });
    await buildDependencies(join(root, 'chart'), { charts, boundary: root });
    assert.deepEqual(await readdir(join(root, 'chart', 'charts')), ['web-1.2.0.tgz']);
  });

  const errors: { name: string; deps: string; error: RegExp }[] = [
    {
      name: 'an unknown @name',
      deps: '- name: web\n  version: 1.2.0\n  repository: "@nope"\n',
      error: /no repository Secret named "nope"/,
    },
    {
      name: 'a bare word',
      deps: '- name: web\n  version: 1.2.0\n  repository: stable\n',
      error: /no repository definition for stable/,
    },
    {
      name: 'a file:// folder outside the repository',
      deps: '- name: x\n  repository: file://../../../..\n',
      error: /outside the repository/,
    },
    {
      name: 'a constraint matching nothing',
      deps: '- name: web\n  version: ~9\n  repository: https://charts.example.com\n',
      error: /chart dependencies: .*no version matches constraint "~9"/,
    },
  ];
  for (const row of errors) {
    test(row.name, async () => {
      const root = await app(row.name.replace(/\W+/g, '-'), {
        'chart/Chart.yaml': `${chartYaml('app', '1.0.0')}dependencies:\n${row.deps}`,
      });
      await assert.rejects(buildDependencies(join(root, 'chart'), { charts, boundary: root }), row.error);
    });
  }
});
