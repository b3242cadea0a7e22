// Rendering Application sources with the real kustomize and helm binaries (from the harness's
// binary cache) out of real git repositories, through the repo cache.
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { requireBinaries } from '../harness/bins.ts';
import { createGitRepo, type GitRepo } from '../harness/git-repo.ts';
import { SpokesError } from '../../src/errors.ts';
import { createRepoSource, type GitRepoSource } from '../../src/git/index.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { createRenderer, type Renderer } from '../../src/render/index.ts';

const URL = 'https://git.example/fleet.git';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;

const chart = {
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'charts/web/values.yaml': 'replicas: 1\nimage: nginx:1.25\ngreeting: hello\n',
  'charts/web/values-prod.yaml': 'replicas: 5\n',
  'charts/web/crds/widget.yaml':
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n',
  'charts/web/templates/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
      - name: web
        image: {{ .Values.image }}
        args: [{{ .Values.greeting | quote }}]
`,
  'envs/prod.yaml': 'greeting: from-root\n',
};

function summary(objects: readonly KubeObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
}

describe('rendering with real kustomize and helm', () => {
  let repo: GitRepo;
  let repos: GitRepoSource;
  let renderer: Renderer;

  before(async () => {
    const bins = requireBinaries(['kustomize', 'helm']);
    repo = await createGitRepo({
      branches: {
        main: {
          'base/deploy.yaml': deployment,
          'base/kustomization.yaml': 'resources: [deploy.yaml]\n',
          'overlays/dev/kustomization.yaml': 'resources: [../../base]\nnamePrefix: dev-\n',
          'broken/kustomization.yaml': 'resources: [missing.yaml]\n',
          'patched/kustomization.yaml':
            'resources: [../base]\npatches:\n- patch: |-\n    - op: add\n      path: /metadata/labels/own\n      value: kept\n  target: {kind: Deployment}\n',
          'components/extra/kustomization.yaml':
            'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations: {component: extra}\n',
          ...chart,
        },
      },
    });
    repos = createRepoSource({ localRepos: new Map([[URL, repo.path]]) });
    renderer = createRenderer({
      repos,
      tools: { searchPath: dirname(bins.kustomize) + ':' + dirname(bins.helm) },
    });
  });
  after(async () => {
    repos.close();
    await repo.cleanup();
  });

  test('a kustomization is discovered and built (bases outside the path included)', async () => {
    const out = await renderer.render({
      appName: 'a',
      source: { repoURL: URL, path: 'overlays/dev', targetRevision: 'main' },
    });
    assert.equal(out.type, 'Kustomize');
    assert.deepEqual(summary(out.objects), ['Deployment//dev-web']);
    assert.equal(out.revision, await repo.revParse('main'));
  });

  test('source.kustomize overrides are applied with kustomize edit', async () => {
    const out = await renderer.render({
      appName: 'a',
      source: {
        repoURL: URL,
        path: 'base',
        kustomize: {
          namePrefix: 'p-',
          nameSuffix: '-s',
          namespace: 'team',
          images: ['nginx=registry.example/nginx:1.27'],
          commonLabels: { tier: 'front' },
        },
      },
    });
    const [deploy] = out.objects;
    assert.deepEqual(summary(out.objects), ['Deployment/team/p-web-s']);
    assert.equal(deploy?.metadata.labels?.['tier'], 'front');
    const spec = deploy?.['spec'] as { template: { spec: { containers: { image: string }[] } } };
    assert.equal(spec.template.spec.containers[0]?.image, 'registry.example/nginx:1.27');
  });

  test("source.kustomize.patches are appended to the kustomization's own; components; $ARGOCD_APP_* substituted", async () => {
    const out = await renderer.render({
      appName: 'shop',
      project: 'team',
      source: {
        repoURL: URL,
        path: 'patched',
        targetRevision: 'main',
        kustomize: {
          images: ['nginx=nginx:$ARGOCD_APP_REVISION_SHORT'],
          commonLabels: { app: '${ARGOCD_APP_NAME}' },
          patches: [
            {
              target: { kind: 'Deployment', name: 'web' },
              patch: '- op: replace\n  path: /spec/replicas\n  value: 3\n',
            },
          ],
          components: ['../components/extra', '../components/missing'],
          ignoreMissingComponents: true,
        },
      },
    });
    const [deploy] = out.objects;
    const spec = deploy?.['spec'] as {
      replicas: number;
      template: { spec: { containers: { image: string }[] } };
    };
    assert.equal(spec.replicas, 3);
    assert.equal(deploy?.metadata.labels?.['own'], 'kept');
    assert.equal(deploy?.metadata.labels?.['app'], 'shop');
    assert.equal(deploy?.metadata.annotations?.['component'], 'extra');
    assert.equal(
      spec.template.spec.containers[0]?.image,
      `nginx:${(await repo.revParse('main')).slice(0, 7)}`,
    );
  });

  test('a missing component without ignoreMissingComponents fails the render', async () => {
    await assert.rejects(
      renderer.render({
        appName: 'a',
        source: { repoURL: URL, path: 'patched', kustomize: { components: ['../components/missing'] } },
      }),
      (err: unknown) => err instanceof SpokesError && err.code === 'RenderFailed',
    );
  });

  test('the edits never touch the repository (a plain build afterwards is unchanged)', async () => {
    const out = await renderer.render({
      appName: 'b',
      source: { repoURL: URL, path: 'base', kustomize: {} },
    });
    assert.deepEqual(summary(out.objects), ['Deployment//web']);
  });

  test('a Helm chart: release name = app name, destination namespace, CRDs included', async () => {
    const out = await renderer.render({
      appName: 'shop',
      namespace: 'prod',
      source: { repoURL: URL, path: 'charts/web' },
    });
    assert.equal(out.type, 'Helm');
    assert.deepEqual(summary(out.objects), [
      'CustomResourceDefinition//widgets.example.com',
      'Deployment/prod/shop-web',
    ]);
  });

  test('helm options: releaseName, namespace, valueFiles, values, valuesObject, parameters, skipCrds', async () => {
    const out = await renderer.render({
      appName: 'shop',
      namespace: 'prod',
      source: {
        repoURL: URL,
        path: 'charts/web',
        helm: {
          releaseName: 'rel',
          namespace: 'other',
          valueFiles: ['values-prod.yaml', '/envs/prod.yaml', 'missing.yaml'],
          ignoreMissingValueFiles: true,
          values: 'image: ignored-because-valuesObject-wins\n',
          valuesObject: { image: 'nginx:obj' },
          parameters: [{ name: 'greeting', value: 'a,b' }],
          skipCrds: true,
        },
      },
    });
    assert.deepEqual(summary(out.objects), ['Deployment/other/rel-web']);
    const spec = out.objects[0]?.['spec'] as {
      replicas: number;
      template: { spec: { containers: { image: string; args: string[] }[] } };
    };
    assert.equal(spec.replicas, 5);
    assert.equal(spec.template.spec.containers[0]?.image, 'nginx:obj');
    assert.deepEqual(spec.template.spec.containers[0]?.args, ['a,b']);
  });

  test('a missing value file is an error unless ignored', async () => {
    await assert.rejects(
      renderer.render({
        appName: 'x',
        source: { repoURL: URL, path: 'charts/web', helm: { valueFiles: ['nope.yaml'] } },
      }),
      (err: unknown) => err instanceof SpokesError && err.code === 'FileNotFound',
    );
  });

  test("a failing kustomize build carries kustomize's reason", async () => {
    await assert.rejects(
      renderer.render({ appName: 'x', source: { repoURL: URL, path: 'broken' } }),
      (err: unknown) =>
        err instanceof SpokesError && err.code === 'RenderFailed' && /missing\.yaml/.test(err.message),
    );
  });

  test('results are cached by (repo, commit, path, options); a new commit renders again', async () => {
    const request = { appName: 'c', source: { repoURL: URL, path: 'overlays/dev', targetRevision: 'main' } };
    const first = await renderer.render(request);
    assert.equal((await renderer.render(request)).objects, first.objects);
    await repo.commit('main', {
      'overlays/dev/kustomization.yaml': 'resources: [../../base]\nnamePrefix: qa-\n',
    });
    repos.refresh(URL);
    const next = await renderer.render(request);
    assert.notEqual(next.revision, first.revision);
    assert.deepEqual(summary(next.objects), ['Deployment//qa-web']);
  });

  test('kustomize missing from PATH is a clear error', async () => {
    const bare = createRenderer({ repos, tools: { searchPath: '/nonexistent' } });
    await assert.rejects(
      bare.render({ appName: 'x', source: { repoURL: URL, path: 'base' } }),
      (err: unknown) => err instanceof SpokesError && err.code === 'ToolNotFound',
    );
  });
});
