import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { SpokesError } from '../errors.ts';
import { staticObjectReader } from '../kube/objects.ts';
import type { KubeObject } from '../kube/types.ts';
import { hubPluginSource, offlinePluginSource } from './source.ts';

let server: Server;
let baseUrl = '';
const seen: { authorization?: string; body: unknown; url?: string }[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ authorization: req.headers.authorization, body: JSON.parse(body), url: req.url });
      res.setHeader('content-type', 'application/json');
      res.end('{"output":{"parameters":[{"a":"1"}]}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const REQUEST = { applicationSetName: 'set', input: { parameters: { k: 'v' } } };

function objects(
  configMap: Record<string, string>,
  secrets: Record<string, Record<string, string>>,
): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p', namespace: 'argocd' }, data: configMap },
    ...Object.entries(secrets).map(([name, stringData]) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: 'argocd' },
      stringData,
    })),
  ];
}

describe('plugin sources', () => {
  const tokens: {
    name: string;
    token: string;
    secrets: Record<string, Record<string, string>>;
    sent: string;
  }[] = [
    {
      name: '$key: a key of argocd-secret, trimmed',
      token: '$plugin.p.token',
      secrets: { 'argocd-secret': { 'plugin.p.token': ' s3cret\n' } },
      sent: 'Bearer s3cret',
    },
    {
      name: '$secret:key: a key of another Secret',
      token: '$mine:tok',
      secrets: { mine: { tok: 'other' } },
      sent: 'Bearer other',
    },
  ];
  for (const row of tokens) {
    test(`token ${row.name}`, async () => {
      const source = hubPluginSource({
        objects: staticObjectReader(objects({ baseUrl, token: row.token }, row.secrets)),
        namespace: 'argocd',
      });
      assert.deepEqual(await source.call('p', REQUEST), { output: { parameters: [{ a: '1' }] } });
      const last = seen.at(-1)!;
      assert.equal(last.authorization, row.sent);
      assert.equal(last.url, '/api/v1/getparams.execute');
      assert.deepEqual(last.body, REQUEST);
    });
  }

  const failures: {
    name: string;
    configMap: Record<string, string> | undefined;
    secrets?: Record<string, Record<string, string>>;
    text: RegExp;
  }[] = [
    { name: 'no ConfigMap', configMap: undefined, text: /ConfigMap argocd\/p not found/ },
    { name: 'no baseUrl', configMap: { token: '$k' }, text: /baseUrl not found in ConfigMap/ },
    { name: 'no token', configMap: { baseUrl: 'http://x' }, text: /token not found in ConfigMap/ },
    {
      name: 'a token not starting with $',
      configMap: { baseUrl: 'http://x', token: 'plain' },
      text: /starting with '\$'/,
    },
    {
      name: 'a missing Secret',
      configMap: { baseUrl: 'http://x', token: '$gone:k' },
      text: /error fetching secret argocd\/gone/,
    },
    {
      name: 'a missing key',
      configMap: { baseUrl: 'http://x', token: '$k' },
      secrets: { 'argocd-secret': {} },
      text: /key "k" not found in Secret argocd\/argocd-secret/,
    },
    {
      name: 'a bad requestTimeout',
      configMap: { baseUrl: 'http://x', token: '$k', requestTimeout: '1m' },
      secrets: { 'argocd-secret': { k: 'v' } },
      text: /requestTimeout: expected a whole number/,
    },
  ];
  for (const row of failures) {
    test(`fails: ${row.name}`, async () => {
      const all = row.configMap === undefined ? [] : objects(row.configMap, row.secrets ?? {});
      const source = hubPluginSource({ objects: staticObjectReader(all), namespace: 'argocd' });
      await assert.rejects(source.call('p', REQUEST), (err: SpokesError) => row.text.test(err.message));
    });
  }

  test('offline: a URL is called with the given token; a file is the recorded answer', async () => {
    const source = offlinePluginSource(new Map([['p', { target: baseUrl, token: 'offline-token' }]]));
    assert.deepEqual(await source.call('p', REQUEST), { output: { parameters: [{ a: '1' }] } });
    assert.equal(seen.at(-1)!.authorization, 'Bearer offline-token');
    await assert.rejects(offlinePluginSource(new Map()).call('other', REQUEST), /--plugin other=URL/);
  });
});
