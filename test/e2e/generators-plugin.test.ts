/**
 * The plugin generator against a real HTTP plugin server started by the test, configured the
 * Argo CD way (a ConfigMap with baseUrl, `$secret:key` token and requestTimeout; the token in a
 * Secret) on a real hub. A bad token, a slow plugin and an oversize answer each become an error
 * condition and change no Application; the token never reaches the status.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { APPLICATION_SETS, CONFIG_MAPS, SECRETS, type KubeObject } from '../../src/kube/types.ts';
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
const NS = 'plugins';
const TOKEN = 'plugin-token-7f3a9c';

/** The plugin's behaviour, switched by the test. */
const plugin = {
  token: TOKEN,
  mode: 'ok' as 'ok' | 'slow' | 'huge',
  params: [{ app: 'web' }, { app: 'api' }] as Record<string, unknown>[],
  requests: [] as { authorization: string | undefined; body: unknown }[],
};

let server: Server;
let handle: ControllerHandle;

/** Starts the plugin server and writes its ConfigMap and token Secret (inside the test: the harness starts in its own hook). */
async function setUp(): Promise<void> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      plugin.requests.push({
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString()),
      });
      if (req.url !== '/api/v1/getparams.execute') return void res.writeHead(404).end();
      if (req.headers.authorization !== `Bearer ${plugin.token}`)
        return void res.writeHead(403).end('{"message":"forbidden"}');
      const answer = (): void => {
        res.setHeader('content-type', 'application/json');
        if (plugin.mode === 'huge')
          res.end(JSON.stringify({ output: { parameters: [{ app: 'x'.repeat(9 * 1024 * 1024) }] } }));
        else res.end(JSON.stringify({ output: { parameters: plugin.params } }));
      };
      if (plugin.mode === 'slow') setTimeout(answer, 5000);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = clientFor(harness().hub);
  await createNamespace(client, NS);
  await client.create(SECRETS, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'plugin-secret', namespace: NS, labels: { 'app.kubernetes.io/part-of': 'argocd' } },
    stringData: { 'plugin.token': `${TOKEN}\n` },
  });
  await client.create(CONFIG_MAPS, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'my-plugin', namespace: NS },
    data: {
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      token: '$plugin-secret:plugin.token',
      requestTimeout: '2',
    },
  });
  handle = await startController(client, NS);
}

after(async () => {
  await handle?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

async function errorCondition(): Promise<{ status: string; message: string } | undefined> {
  const set = await clientFor(harness().hub).get<
    KubeObject & { status?: { conditions?: { type: string; status: string; message: string }[] } }
  >(APPLICATION_SETS, NS, 'from-plugin');
  return set?.status?.conditions?.find((c) => c.type === 'ErrorOccurred');
}

/** Re-runs the ApplicationSet (a metadata change) and waits for the error condition to say `text`. */
async function rerunUntilError(text: RegExp): Promise<string> {
  const client = clientFor(harness().hub);
  await client.patch(
    APPLICATION_SETS,
    { namespace: NS, name: 'from-plugin' },
    { metadata: { annotations: { rerun: String(Date.now()) } } },
    { type: 'merge' },
  );
  const condition = await pollUntil(
    async () => {
      const c = await errorCondition();
      return c?.status === 'True' && text.test(c.message) ? c : undefined;
    },
    { what: `an ErrorOccurred condition matching ${text}`, timeoutMs: 40_000 },
  );
  return condition.message;
}

test('a plugin answer becomes Applications; errors become conditions and change nothing', async () => {
  await setUp();
  const client = clientFor(harness().hub);
  await client.create(APPLICATION_SETS, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'from-plugin', namespace: NS },
    spec: {
      goTemplate: true,
      generators: [
        {
          plugin: {
            configMapRef: { name: 'my-plugin' },
            input: { parameters: { team: 'a' } },
            requeueAfterSeconds: 3600,
          },
        },
      ],
      template: {
        metadata: { name: '{{ .app }}-{{ .generator.input.parameters.team }}' },
        spec: {
          project: 'default',
          source: { repoURL: 'https://example.com/apps.git', targetRevision: 'HEAD', path: '{{ .app }}' },
          destination: { server: 'https://kubernetes.default.svc', namespace: '{{ .app }}' },
        },
      },
    },
  });
  await pollUntil(async () => appNames(await listApps(client, NS)).join() === 'api-a,web-a', {
    what: 'the plugin Applications',
  });
  const request = plugin.requests.at(-1)!;
  assert.equal(request.authorization, `Bearer ${TOKEN}`, 'the Secret value, trimmed');
  assert.deepEqual(request.body, { applicationSetName: 'from-plugin', input: { parameters: { team: 'a' } } });

  plugin.token = 'rotated-on-the-plugin-side';
  assert.match(await rerunUntilError(/API error with status code 403: forbidden/), /my-plugin/);
  plugin.token = TOKEN;

  plugin.mode = 'slow';
  assert.match(await rerunUntilError(/no answer within 2s/), /requestTimeout/);

  plugin.mode = 'huge';
  await rerunUntilError(/larger than \d+ bytes; refused/);

  for (const c of [(await errorCondition())!]) assert.doesNotMatch(c.message, new RegExp(TOKEN));
  assert.equal(appNames(await listApps(client, NS)).join(), 'api-a,web-a', 'no error changed an Application');

  plugin.mode = 'ok';
  plugin.params = [{ app: 'web' }];
  await client.patch(
    APPLICATION_SETS,
    { namespace: NS, name: 'from-plugin' },
    { metadata: { annotations: { rerun: 'ok' } } },
    { type: 'merge' },
  );
  await pollUntil(async () => appNames(await listApps(client, NS)).join() === 'web-a', {
    what: 'the plugin answer followed',
  });
});
