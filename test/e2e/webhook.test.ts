/**
 * A git push reaches the hub through the webhook: the repository cache is refreshed and the
 * ApplicationSets reading that repository re-run at once, well before the poll interval.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { createHttpServer, processRoutes } from '../../src/process/http.ts';
import { APPLICATION_SETS } from '../../src/kube/types.ts';
import { silentLogger } from '../../src/log.ts';
import { createGitRepo } from '../harness/git-repo.ts';
import { pollUntil, useHarness } from '../harness/index.ts';
import { appNames, clientFor, createNamespace, listApps, startController } from './support/hub.ts';

const harness = useHarness({ clusters: ['hub'] });
const REPO_URL = 'https://git.example.com/platform/mono.git';
const SECRET = 'webhook-secret';

test('a signed GitHub push adds the new directory’s Application within 2 s', async () => {
  const repo = await createGitRepo({ branches: { main: { 'apps/web/cm.yaml': 'kind: ConfigMap\n' } } });
  const client = clientFor(harness().hub);
  const ns = 'webhook';
  await createNamespace(client, ns);
  const handle = await startController(client, ns, { localRepos: new Map([[REPO_URL, repo.path]]) });
  const routes = processRoutes({
    ready: () => handle.controller.ready,
    metrics: new Registry(),
    webhookSecrets: { github: SECRET },
    onPush: (urls) => handle.controller.onPush(urls),
    log: silentLogger,
  });
  const server = createHttpServer(routes, silentLogger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    await client.create(APPLICATION_SETS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'mono', namespace: ns },
      spec: {
        generators: [{ git: { repoURL: REPO_URL, revision: 'main', directories: [{ path: 'apps/*' }] } }],
        template: {
          metadata: { name: '{{path.basename}}' },
          spec: {
            project: 'default',
            source: { repoURL: REPO_URL, targetRevision: 'main', path: '{{path}}' },
            destination: { server: 'https://kubernetes.default.svc', namespace: '{{path.basename}}' },
          },
        },
      },
    });
    await pollUntil(async () => appNames(await listApps(client, ns)).join() === 'web', { what: 'web' });

    await repo.commit('main', { 'apps/api/cm.yaml': 'kind: ConfigMap\n' });
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      repository: {
        clone_url: 'https://git.example.com/platform/mono.git',
        html_url: 'https://git.example.com/platform/mono',
      },
    });
    const pushed = Date.now();
    const response = await fetch(`http://127.0.0.1:${port}/api/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
      body,
    });
    assert.equal(response.status, 200, await response.text());
    await pollUntil(async () => appNames(await listApps(client, ns)).join() === 'api,web', {
      what: 'api',
      timeoutMs: 2_000,
      intervalMs: 50,
    });
    process.stderr.write(`push to Application: ${Date.now() - pushed} ms\n`);

    const forged = await fetch(`http://127.0.0.1:${port}/api/webhook`, {
      method: 'POST',
      headers: { 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=00' },
      body,
    });
    assert.equal(forged.status, 401, 'a push with a wrong signature is refused');
  } finally {
    server.close();
    await handle.stop();
    await repo.cleanup();
  }
});
