import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeClient } from './client.ts';
import { CONFIG_MAPS } from './types.ts';

// Port 1 on loopback: nothing listens, so a request that goes out fails with a connection error.
const client = KubeClient.fromClusterConfig(
  'https://127.0.0.1:1',
  { bearerToken: 't' },
  { timeoutMs: 2_000 },
);
const fenced = client.guarded(() => {
  throw new Error('fenced');
});
const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'y' } };

test('a guarded client refuses every write before it leaves the process', async (t) => {
  const writes: [string, () => Promise<unknown>][] = [
    ['create', () => fenced.create(CONFIG_MAPS, cm)],
    ['replace', () => fenced.replace(CONFIG_MAPS, cm)],
    ['patch', () => fenced.patch(CONFIG_MAPS, { namespace: 'y', name: 'x' }, {}, { type: 'merge' })],
    ['delete', () => fenced.delete(CONFIG_MAPS, 'y', 'x')],
  ];
  for (const [name, write] of writes) {
    await t.test(name, () => assert.rejects(write(), /^Error: fenced$/));
  }
});

test('reads go through a guarded client; the unguarded one is not affected', async () => {
  await assert.rejects(fenced.get(CONFIG_MAPS, 'y', 'x'), (err: unknown) => !/fenced/.test(String(err)));
  await assert.rejects(client.create(CONFIG_MAPS, cm), (err: unknown) => !/fenced/.test(String(err)));
});
