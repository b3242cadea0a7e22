/**
 * pullRequest and scmProvider against a real Gitea (built from its Go module, SQLite, loopback),
 * driven through its API: an organisation, repositories, branches, labels and pull requests. The
 * ApplicationSets poll only hourly; Gitea's signed webhooks, received by the process's
 * /api/webhook route, make the preview Applications follow pull requests within seconds.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { Registry } from 'prom-client';
import { APPLICATION_SETS, SECRETS, type KubeObject } from '../../src/kube/types.ts';
import { silentLogger } from '../../src/log.ts';
import { createHttpServer, processRoutes } from '../../src/process/http.ts';
import { startGitea, type Gitea } from '../harness/gitea.ts';
import { pollUntil, useHarness } from '../harness/index.ts';
import {
  appNames,
  clientFor,
  createNamespace,
  listApps,
  startController,
  type ControllerHandle,
} from './support/hub.ts';

const harness = useHarness({ clusters: ['hub'] });
const NS = 'scm';
const WEBHOOK_SECRET = 'gitea-webhook-secret';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

interface Repo {
  readonly id: number;
  readonly html_url: string;
  readonly ssh_url: string;
}

async function setUp(): Promise<{ gitea: Gitea; handle: ControllerHandle; webhookUrl: string }> {
  const started = Date.now();
  const gitea = await startGitea();
  cleanups.push(() => gitea.stop());
  process.stderr.write(`gitea started in ${Date.now() - started} ms\n`);
  const client = clientFor(harness().hub);
  await createNamespace(client, NS);
  await client.create(SECRETS, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'gitea-token', namespace: NS },
    stringData: { token: gitea.token },
  });
  const handle = await startController(client, NS);
  cleanups.push(() => handle.stop());
  const server = createHttpServer(
    processRoutes({
      ready: () => handle.controller.ready,
      metrics: new Registry(),
      webhookSecrets: { gitea: WEBHOOK_SECRET },
      onPush: (urls) => handle.controller.onPush(urls),
      onPullRequest: (event) => handle.controller.onPullRequest(event),
      log: silentLogger,
    }),
    silentLogger,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhook`;
  return { gitea, handle, webhookUrl };
}

async function createRepo(gitea: Gitea, name: string, files: Record<string, string> = {}): Promise<Repo> {
  const repo = await gitea.api<Repo>('POST', '/api/v1/orgs/platform/repos', {
    name,
    auto_init: true,
    default_branch: 'main',
  });
  for (const [path, content] of Object.entries(files)) {
    await gitea.api('POST', `/api/v1/repos/platform/${name}/contents/${path}`, {
      content: Buffer.from(content).toString('base64'),
      branch: 'main',
      message: `add ${path}`,
    });
  }
  return repo;
}

/** A branch with one commit, and a pull request from it into main. */
async function openPullRequest(
  gitea: Gitea,
  branch: string,
  labels: number[],
): Promise<{ number: number; head: { sha: string } }> {
  await gitea.api('POST', '/api/v1/repos/platform/web/branches', {
    new_branch_name: branch,
    old_branch_name: 'main',
  });
  await gitea.api('POST', `/api/v1/repos/platform/web/contents/${branch}.txt`, {
    content: Buffer.from(branch).toString('base64'),
    branch,
    message: `work on ${branch}`,
  });
  return gitea.api('POST', '/api/v1/repos/platform/web/pulls', {
    head: branch,
    base: 'main',
    title: `Work on ${branch}`,
    labels,
  });
}

function appSet(name: string, generator: Record<string, unknown>, appName: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace: NS },
    spec: {
      goTemplate: true,
      generators: [generator],
      template: {
        metadata: {
          name: appName,
          annotations: { source: '{{ .url | default "" }}', revision: '{{ .head_sha | default .sha }}' },
        },
        spec: {
          project: 'default',
          source: { repoURL: 'https://example.com/placeholder.git', targetRevision: 'HEAD', path: 'deploy' },
          destination: { server: 'https://kubernetes.default.svc', namespace: 'previews' },
        },
      },
    },
  };
}

test('Gitea pull requests and repositories drive Applications; its webhooks re-run them at once', async () => {
  const { gitea, handle, webhookUrl } = await setUp();
  const client = clientFor(harness().hub);
  const tokenRef = { secretName: 'gitea-token', key: 'token' };

  await gitea.api('POST', '/api/v1/orgs', { username: 'platform' });
  await createRepo(gitea, 'web', { 'deploy/app.yaml': 'kind: ConfigMap\n' });
  const label = await gitea.api<{ id: number }>('POST', '/api/v1/repos/platform/web/labels', {
    name: 'preview',
    color: '#00aa00',
  });
  await gitea.api('POST', '/api/v1/repos/platform/web/hooks', {
    type: 'gitea',
    config: { url: webhookUrl, content_type: 'json', secret: WEBHOOK_SECRET },
    events: ['pull_request'],
    active: true,
  });

  // A preview per labelled pull request, polled hourly: only webhooks can make it follow quickly.
  const first = await openPullRequest(gitea, 'feature-a', [label.id]);
  await client.create(
    APPLICATION_SETS,
    appSet(
      'previews',
      {
        pullRequest: {
          gitea: { owner: 'platform', repo: 'web', api: gitea.url, tokenRef, labels: ['preview'] },
          requeueAfterSeconds: 3600,
        },
      },
      'preview-{{ .number }}-{{ .branch_slug }}',
    ),
  );
  await pollUntil(async () => appNames(await listApps(client, NS)).join() === 'preview-1-feature-a', {
    what: 'the preview of the labelled pull request',
  });
  const [preview] = await listApps(client, NS);
  assert.equal(preview!.metadata.annotations?.revision, first.head.sha);

  // Opened without the label: filtered out. Labelled: the label webhook adds its preview.
  const second = await openPullRequest(gitea, 'feature-b', []);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(
    appNames(await listApps(client, NS)).join(),
    'preview-1-feature-a',
    'no preview without the label',
  );
  let changed = Date.now();
  await gitea.api('POST', `/api/v1/repos/platform/web/issues/${second.number}/labels`, {
    labels: [label.id],
  });
  await pollUntil(
    async () => appNames(await listApps(client, NS)).join() === 'preview-1-feature-a,preview-2-feature-b',
    { what: 'the preview of the newly labelled pull request', timeoutMs: 20_000, intervalMs: 100 },
  );
  process.stderr.write(`gitea label webhook to Application: ${Date.now() - changed} ms\n`);

  // Closed: its preview is deleted.
  changed = Date.now();
  await gitea.api('PATCH', `/api/v1/repos/platform/web/pulls/${first.number}`, { state: 'closed' });
  await pollUntil(async () => appNames(await listApps(client, NS)).join() === 'preview-2-feature-b', {
    what: 'the closed pull request’s preview deleted',
    timeoutMs: 20_000,
    intervalMs: 100,
  });
  process.stderr.write(`gitea close webhook to deletion: ${Date.now() - changed} ms\n`);

  // scmProvider: one Application per repository of the organisation with a deploy/ folder.
  const svc = await createRepo(gitea, 'svc', { 'deploy/svc.yaml': 'kind: ConfigMap\n' });
  await createRepo(gitea, 'docs', { 'notes.md': '# docs\n' });
  await client.create(
    APPLICATION_SETS,
    appSet(
      'org-repos',
      {
        scmProvider: {
          cloneProtocol: 'https',
          gitea: { owner: 'platform', api: gitea.url, tokenRef },
          filters: [{ pathsExist: ['deploy/'] }],
        },
      },
      'repo-{{ .repository }}',
    ),
  );
  await pollUntil(
    async () => {
      const names = appNames(await listApps(client, NS));
      return names.includes('repo-svc') && names.includes('repo-web') && !names.includes('repo-docs');
    },
    { what: 'one Application per repository with deploy/' },
  );
  const repoApp = (await listApps(client, NS)).find((a) => a.metadata.name === 'repo-svc')!;
  assert.equal(
    repoApp.metadata.annotations?.source,
    svc.html_url,
    'https is the web URL, as Argo CD takes it',
  );
  assert.ok(handle.controller.scmStats.requests > 0);
});
