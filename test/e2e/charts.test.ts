// Charts from a real Helm chart repository (charts made by `helm package`, index by `helm repo
// index`, HTTPS with Basic auth) and a real OCI registry (go-containerregistry's, behind a Bearer
// token service, charts pushed with `helm push`), installed on both spokes by the fan-out sync:
// values from git through a `$values` ref source, a new version picked up by a `~1.2`
// constraint, chart dependencies, kustomize `helmCharts`, wrong credentials, and a repository
// stopped and started again.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createChartSource, type ChartSourceWithStats } from '../../src/charts/index.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import {
  APPLICATION_SETS,
  APPLICATIONS,
  CONFIG_MAPS,
  EVENTS,
  SECRETS,
  type KubeObject,
} from '../../src/kube/types.ts';
import {
  makeChartPki,
  startChartRepository,
  startOciRegistry,
  type ChartRepository,
  type OciRegistry,
} from '../harness/chart-servers.ts';
import { createGitRepo, type GitRepo } from '../harness/git-repo.ts';
import { registerSpoke, useHarness } from '../harness/index.ts';
import { clientFor, createNamespace, startController, type ControllerHandle } from './support/hub.ts';
import { isSynced, startSync, waitForApp, type AppStatusView, type SyncHandle } from './support/sync.ts';

const NS = 'argocd';
const GIT = 'https://git.example/platform.git';
const CREDS = { username: 'fleet-reader', password: 'chart-pass-7f3a9c' };
const WRONG_PASSWORD = 'wrong-pass-41d2e8';
const CM_TYPE = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };

/** A chart folder on disk: a ConfigMap whose data comes from values. */
async function writeChart(
  dir: string,
  chart: { name: string; version: string; marker: string; dependencies?: string },
): Promise<string> {
  const root = path.join(dir, `${chart.name}-${chart.version}`);
  await mkdir(path.join(root, 'templates'), { recursive: true });
  await writeFile(
    path.join(root, 'Chart.yaml'),
    `apiVersion: v2\nname: ${chart.name}\nversion: ${chart.version}\n${chart.dependencies ?? ''}`,
  );
  await writeFile(path.join(root, 'values.yaml'), 'greeting: default\n');
  await writeFile(
    path.join(root, 'templates', 'cm.yaml'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: {{ .Release.Name }}-${chart.name}`,
      'data:',
      '  greeting: {{ .Values.greeting | quote }}',
      `  marker: ${chart.marker}`,
      '',
    ].join('\n'),
  );
  return root;
}

function secret(name: string, type: string, data: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NS, labels: { 'argocd.argoproj.io/secret-type': type } },
    stringData: data,
  };
}

function data(obj: KubeObject | undefined): Record<string, string> | undefined {
  return obj?.['data'] as Record<string, string> | undefined;
}

type StatusWithHistory = AppStatusView & {
  history?: { revisions?: string[]; sources?: unknown[] }[];
  sync?: { revisions?: string[]; comparedTo?: { sources?: unknown[] } };
};

/** An ApplicationSet over both spokes whose first source is a chart and second a `$values` ref. */
function chartAppSet(name: string, chartSource: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace: NS },
    spec: {
      goTemplate: true,
      generators: [{ clusters: { selector: { matchLabels: { charts: 'yes' } } } }],
      template: {
        metadata: { name: `{{.name}}-${name}`, finalizers: ['resources-finalizer.argocd.argoproj.io'] },
        spec: {
          project: 'default',
          sources: [
            { ...chartSource, helm: { releaseName: name, valueFiles: ['$values/values/{{.name}}.yaml'] } },
            { repoURL: GIT, targetRevision: 'main', ref: 'values' },
          ],
          destination: { server: '{{.server}}', namespace: 'charts' },
          syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
        },
      },
    },
  };
}

function application(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: NS },
    spec: {
      project: 'default',
      destination: { server: spec['server'], namespace: 'charts' },
      syncPolicy: { automated: { prune: true }, syncOptions: ['CreateNamespace=true'] },
      ...Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'server')),
    },
  };
}

const condition = (s: AppStatusView, type: string, pattern: RegExp): boolean =>
  (s.conditions ?? []).some((c) => c.type === type && pattern.test(c.message));

describe('charts from a chart repository and an OCI registry', () => {
  const harness = useHarness();
  let work: string;
  let repository: ChartRepository;
  let registry: OciRegistry;
  let git: GitRepo;
  let charts: ChartSourceWithStats;
  let hub: KubeClient;
  let spokes: Record<'spoke-a' | 'spoke-b', KubeClient>;
  let servers: Record<'spoke-a' | 'spoke-b', string>;
  let appsets: ControllerHandle;
  let sync: SyncHandle;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'spokes-e2e-charts-'));
    const pki = await makeChartPki(path.join(work, 'pki'));
    repository = await startChartRepository({ dir: path.join(work, 'repo'), pki, credentials: CREDS });
    registry = await startOciRegistry({ pki, credentials: CREDS });
    const src = path.join(work, 'src');
    await repository.publish(await writeChart(src, { name: 'web', version: '1.2.0', marker: 'v120' }));
    await repository.publish(await writeChart(src, { name: 'web', version: '2.0.0', marker: 'v200' }));
    await registry.push(await writeChart(src, { name: 'api', version: '0.1.0', marker: 'api' }), 'charts');
    await registry.push(await writeChart(src, { name: 'api', version: '0.2.0', marker: 'api020' }), 'charts');
    await registry.push(
      await writeChart(src, { name: 'api', version: '0.1.0', marker: 'private' }),
      'private',
    );

    git = await createGitRepo({
      branches: {
        main: {
          'values/spoke-a.yaml': 'greeting: hello from spoke-a\n',
          'values/spoke-b.yaml': 'greeting: hello from spoke-b\n',
          // Charts in git whose dependencies are not vendored: from the chart repository by URL and
          // by a repository Secret's name, and from the OCI registry.
          'bundle/Chart.yaml': `apiVersion: v2\nname: bundle\nversion: 0.3.0\ndependencies:\n- name: web\n  version: ~1.2\n  repository: ${repository.url}\n- name: api\n  version: ">=0.1.0"\n  repository: oci://${registry.host}/charts\n`,
          'bundle/templates/own.yaml':
            'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bundle-bundle\ndata:\n  marker: bundle\n',
          'gitchart/Chart.yaml': `apiVersion: v2\nname: gitchart\nversion: 0.1.0\ndependencies:\n- name: web\n  version: 1.2.0\n  repository: "@fleet-charts"\n`,
          'gitchart/templates/own.yaml':
            'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gitchart-own\ndata: {}\n',
          // Kustomize inflating a chart from the repository (argocd-cm: --enable-helm).
          'kust/kustomization.yaml': `helmCharts:\n- name: web\n  repo: ${repository.url}\n  version: 1.2.0\n  releaseName: kust\n  valuesInline:\n    greeting: from kustomize\n`,
        },
      },
    });

    const h = harness();
    hub = clientFor(h.hub);
    spokes = { 'spoke-a': clientFor(h.cluster('spoke-a')), 'spoke-b': clientFor(h.cluster('spoke-b')) };
    await createNamespace(hub, NS);
    await registerSpoke(h.hub, h.cluster('spoke-a'), { labels: { charts: 'yes' } });
    await registerSpoke(h.hub, h.cluster('spoke-b'), { labels: { charts: 'yes' } });
    servers = { 'spoke-a': h.cluster('spoke-a').server, 'spoke-b': h.cluster('spoke-b').server };
    // Credentials and CA as an Argo CD user keeps them: repository Secrets and argocd-tls-certs-cm.
    await hub.create(
      SECRETS,
      secret('chart-repo', 'repository', {
        type: 'helm',
        name: 'fleet-charts',
        url: repository.url,
        ...CREDS,
      }),
    );
    await hub.create(
      SECRETS,
      secret('registry-creds', 'repo-creds', {
        type: 'helm',
        enableOCI: 'true',
        url: `${registry.host}/charts`,
        ...CREDS,
      }),
    );
    await hub.create(
      SECRETS,
      secret('registry-oci-creds', 'repo-creds', {
        type: 'oci',
        url: `oci://${registry.host}/charts`,
        ...CREDS,
      }),
    );
    await hub.create(
      SECRETS,
      secret('registry-private', 'repository', {
        type: 'helm',
        enableOCI: 'true',
        url: `${registry.host}/private`,
        username: CREDS.username,
        password: WRONG_PASSWORD,
      }),
    );
    await hub.create(CONFIG_MAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-tls-certs-cm', namespace: NS },
      data: { '127.0.0.1': pki.caPem },
    });
    await hub.create(CONFIG_MAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-cm', namespace: NS },
      data: { 'kustomize.buildOptions': '--enable-helm' },
    });

    const localRepos = new Map([[GIT, git.path]]);
    charts = createChartSource({
      cacheDir: path.join(work, 'chart-cache'),
      refreshSeconds: 1,
      credentials: () => ({
        secrets: sync?.sync.repositorySecrets() ?? [],
        tlsCerts: sync?.sync.tlsCertificates() ?? {},
      }),
    });
    appsets = await startController(hub, NS, { localRepos });
    sync = await startSync(hub, NS, { localRepos, charts, resyncSeconds: 2 });
  });

  after(async () => {
    await sync?.stop();
    await appsets?.stop();
    await charts?.close();
    await repository?.stop().catch(() => undefined);
    await registry?.stop().catch(() => undefined);
    await git?.cleanup();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const expectGreeting = async (name: string, greeting: string, marker: string): Promise<void> => {
    for (const spoke of ['spoke-a', 'spoke-b'] as const) {
      const cm = await spokes[spoke].get(CM_TYPE, 'charts', name);
      assert.deepEqual(
        data(cm),
        { greeting: greeting.replace('{spoke}', spoke), marker },
        `${spoke}: ${name}`,
      );
    }
  };

  test('an ApplicationSet installs a chart from the chart repository on both spokes, values from git ($values)', async () => {
    await hub.create(
      APPLICATION_SETS,
      chartAppSet('web', { repoURL: repository.url, chart: 'web', targetRevision: '~1.2' }),
    );
    const commit = await git.revParse('main');
    for (const spoke of ['spoke-a', 'spoke-b']) {
      const status = (await waitForApp(
        hub,
        NS,
        `${spoke}-web`,
        isSynced,
        'Synced',
        60_000,
      )) as StatusWithHistory;
      assert.deepEqual(status.sync?.revisions, ['1.2.0', commit]);
      assert.equal(status.sync?.comparedTo?.sources?.length, 2);
      assert.deepEqual(status.operationState?.syncResult?.revisions, ['1.2.0', commit]);
      assert.deepEqual(status.history?.[0]?.revisions, ['1.2.0', commit]);
    }
    await expectGreeting('web-web', 'hello from {spoke}', 'v120');
    // Two Applications, one chart version: the archive was downloaded once.
    assert.equal(repository.served.archives, 1);
  });

  test('the same from the OCI registry (repoURL without a scheme, enableOCI) and as an oci:// source', async () => {
    await hub.create(
      APPLICATION_SETS,
      chartAppSet('api', {
        repoURL: `${registry.host}/charts`,
        chart: 'api',
        targetRevision: '>=0.1.0 <1.0.0',
      }),
    );
    for (const spoke of ['spoke-a', 'spoke-b']) {
      const status = await waitForApp(hub, NS, `${spoke}-api`, isSynced, 'Synced', 60_000);
      assert.equal(status.sync?.revisions?.[0], '0.2.0');
    }
    await expectGreeting('api-api', 'hello from {spoke}', 'api020');
    await hub.create(
      APPLICATIONS,
      application('oci-artifact', {
        server: servers['spoke-a'],
        source: {
          repoURL: `oci://${registry.host}/charts/api`,
          targetRevision: '0.1.0',
          path: '.',
          helm: { releaseName: 'artifact' },
        },
      }),
    );
    const status = await waitForApp(hub, NS, 'oci-artifact', isSynced, 'Synced', 60_000);
    assert.match(status.sync?.revision ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(data(await spokes['spoke-a'].get(CM_TYPE, 'charts', 'artifact-api'))?.['marker'], 'api');
  });

  test('a new chart version published is picked up by the ~1.2 constraint', async () => {
    await repository.publish(
      await writeChart(path.join(work, 'src2'), { name: 'web', version: '1.2.1', marker: 'v121' }),
    );
    for (const spoke of ['spoke-a', 'spoke-b']) {
      await waitForApp(
        hub,
        NS,
        `${spoke}-web`,
        (s) => isSynced(s) && s.sync?.revisions?.[0] === '1.2.1',
        'on 1.2.1',
        60_000,
      );
    }
    await expectGreeting('web-web', 'hello from {spoke}', 'v121');
  });

  test('chart dependencies of charts in git: by repository URL, from an OCI registry, by @name', async () => {
    await hub.create(
      APPLICATIONS,
      application('bundle', {
        server: servers['spoke-a'],
        source: { repoURL: GIT, path: 'bundle', targetRevision: 'main' },
      }),
    );
    await hub.create(
      APPLICATIONS,
      application('gitchart', {
        server: servers['spoke-b'],
        source: { repoURL: GIT, path: 'gitchart', targetRevision: 'main' },
      }),
    );
    await waitForApp(hub, NS, 'bundle', isSynced, 'Synced', 60_000);
    const a = spokes['spoke-a'];
    assert.equal(data(await a.get(CM_TYPE, 'charts', 'bundle-bundle'))?.['marker'], 'bundle');
    assert.equal(data(await a.get(CM_TYPE, 'charts', 'bundle-web'))?.['marker'], 'v121');
    assert.equal(data(await a.get(CM_TYPE, 'charts', 'bundle-api'))?.['marker'], 'api020');
    await waitForApp(hub, NS, 'gitchart', isSynced, 'Synced', 60_000);
    assert.equal(data(await spokes['spoke-b'].get(CM_TYPE, 'charts', 'gitchart-web'))?.['marker'], 'v120');
    assert.ok(await spokes['spoke-b'].get(CM_TYPE, 'charts', 'gitchart-own'));
  });

  test('kustomize helmCharts (argocd-cm kustomize.buildOptions: --enable-helm) come from the chart cache', async () => {
    const before = repository.served.archives;
    await hub.create(
      APPLICATIONS,
      application('kust-helm', {
        server: servers['spoke-a'],
        source: { repoURL: GIT, path: 'kust', targetRevision: 'main' },
      }),
    );
    await waitForApp(hub, NS, 'kust-helm', isSynced, 'Synced', 60_000);
    assert.deepEqual(data(await spokes['spoke-a'].get(CM_TYPE, 'charts', 'kust-web')), {
      greeting: 'from kustomize',
      marker: 'v120',
    });
    assert.equal(repository.served.archives, before, 'web 1.2.0 came from the cache');
  });

  test('wrong credentials give a condition, change nothing, and never show the password', async () => {
    await hub.create(
      APPLICATIONS,
      application('private', {
        server: servers['spoke-b'],
        source: { repoURL: `${registry.host}/private`, chart: 'api', targetRevision: '~0.1' },
      }),
    );
    const status = await waitForApp(
      hub,
      NS,
      'private',
      (s) => condition(s, 'ComparisonError', /401 Unauthorized.*credentials/),
      'an Unauthorized condition',
      60_000,
    );
    assert.equal(status.sync?.status, 'Unknown');
    assert.equal(await spokes['spoke-b'].get(CM_TYPE, 'charts', 'private-api'), undefined);
    const app = await hub.get(APPLICATIONS, NS, 'private');
    const events = await hub.list(EVENTS, { namespace: NS });
    const shown = JSON.stringify([app, events.items]);
    assert.ok(
      !shown.includes(WRONG_PASSWORD) && !shown.includes(CREDS.password),
      'no password in status or Events',
    );
  });

  test('the chart repository and the registry stopped mid-sync: clear conditions, nothing pruned; converge after restart', async () => {
    await repository.publish(
      await writeChart(path.join(work, 'src3'), { name: 'web', version: '1.2.2', marker: 'v122' }),
    );
    await repository.stop();
    await registry.stop();
    const unreachable: [string, RegExp][] = [
      ['web', /chart "web" of https:\/\/127\.0\.0\.1:\d+\/charts.*unreachable/],
      ['api', /chart "api" of 127\.0\.0\.1:\d+\/charts.*unreachable/],
    ];
    for (const spoke of ['spoke-a', 'spoke-b']) {
      for (const [app, pattern] of unreachable) {
        await hub.patch(
          APPLICATIONS,
          { namespace: NS, name: `${spoke}-${app}` },
          { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'hard' } } },
          { type: 'merge' },
        );
        const status = await waitForApp(
          hub,
          NS,
          `${spoke}-${app}`,
          (s) => condition(s, 'ComparisonError', pattern),
          'an unreachable condition naming the repository',
          60_000,
        );
        assert.equal(status.sync?.status, 'Unknown');
      }
    }
    // Nothing was pruned or deleted: the Applications and their objects stay as they were.
    await expectGreeting('web-web', 'hello from {spoke}', 'v121');
    await expectGreeting('api-api', 'hello from {spoke}', 'api020');
    assert.ok(await hub.get(APPLICATIONS, NS, 'spoke-a-web'));
    await repository.start();
    await registry.start();
    for (const spoke of ['spoke-a', 'spoke-b']) {
      const settled = (revision: string) => (s: AppStatusView) =>
        isSynced(s) && s.sync?.revisions?.[0] === revision && (s.conditions ?? []).length === 0;
      await waitForApp(hub, NS, `${spoke}-web`, settled('1.2.2'), 'Synced on 1.2.2, no conditions', 60_000);
      await waitForApp(hub, NS, `${spoke}-api`, settled('0.2.0'), 'Synced on 0.2.0, no conditions', 60_000);
    }
    await expectGreeting('web-web', 'hello from {spoke}', 'v122');
  });

  test('config management plugins and sourceHydrator are refused by name', async () => {
    await hub.create(
      APPLICATIONS,
      application('cmp', {
        server: servers['spoke-a'],
        source: { repoURL: GIT, path: 'kust', targetRevision: 'main', plugin: { name: 'x' } },
      }),
    );
    await hub.create(
      APPLICATIONS,
      application('hydrator', {
        server: servers['spoke-a'],
        sourceHydrator: {
          drySource: { repoURL: GIT, path: 'kust', targetRevision: 'main' },
          syncSource: { targetBranch: 'env', path: 'kust' },
        },
      }),
    );
    await waitForApp(
      hub,
      NS,
      'cmp',
      (s) =>
        condition(s, 'ComparisonError', /config management plugins \(source\.plugin\) are not supported/),
      'a CMP condition',
    );
    await waitForApp(
      hub,
      NS,
      'hydrator',
      (s) => condition(s, 'InvalidSpecError', /spec\.sourceHydrator.*not supported/),
      'a sourceHydrator condition',
    );
  });
});
