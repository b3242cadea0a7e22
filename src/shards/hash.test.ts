import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpokesError } from '../errors.ts';
import { appSetShard, clusterShard, fnv1a32 } from './hash.ts';

test('fnv1a32 matches the reference values', () => {
  // Reference vectors of 32-bit FNV-1a.
  assert.equal(fnv1a32(''), 0x811c9dc5);
  assert.equal(fnv1a32('a'), 0xe40c292c);
  assert.equal(fnv1a32('foobar'), 0xbf9cf968);
});

test('clusterShard', async (t) => {
  const rows: {
    name: string;
    cluster: { server: string; shard?: string };
    shards: number;
    want: number | 'error';
  }[] = [
    { name: 'pinned shard wins', cluster: { server: 'https://a', shard: '3' }, shards: 16, want: 3 },
    { name: 'pin with spaces', cluster: { server: 'https://a', shard: ' 0 ' }, shards: 16, want: 0 },
    {
      name: 'empty pin means hash',
      cluster: { server: 'https://a', shard: '' },
      shards: 16,
      want: fnv1a32('https://a') % 16,
    },
    { name: 'pin out of range', cluster: { server: 'https://a', shard: '16' }, shards: 16, want: 'error' },
    { name: 'pin not a number', cluster: { server: 'https://a', shard: 'two' }, shards: 16, want: 'error' },
    { name: 'negative pin', cluster: { server: 'https://a', shard: '-1' }, shards: 16, want: 'error' },
    {
      name: 'trailing slash ignored',
      cluster: { server: 'https://a/' },
      shards: 16,
      want: fnv1a32('https://a') % 16,
    },
  ];
  for (const row of rows) {
    await t.test(row.name, () => {
      if (row.want === 'error') {
        assert.throws(
          () => clusterShard({ ...row.cluster, secretName: 'spoke-a' }, row.shards),
          (err: unknown) =>
            err instanceof SpokesError &&
            err.code === 'InvalidCluster' &&
            /spoke-a.*data\.shard/.test(err.message),
        );
      } else assert.equal(clusterShard(row.cluster, row.shards), row.want);
    });
  }
});

test('hashes spread 1,000 clusters over 16 shards within a few percent', () => {
  const perShard = new Array<number>(16).fill(0);
  for (let i = 0; i < 1000; i++)
    perShard[clusterShard({ server: `https://127.0.${i >> 8}.${i & 255}:6443` }, 16)]!++;
  for (const n of perShard)
    assert.ok(n > 1000 / 16 / 2 && n < (1000 / 16) * 1.6, `uneven spread: ${perShard.join(',')}`);
});

test('appSetShard is stable and depends on namespace and name', () => {
  assert.equal(appSetShard('argocd', 'web', 16), appSetShard('argocd', 'web', 16));
  assert.equal(appSetShard('argocd', 'web', 16), fnv1a32('argocd/web') % 16);
  assert.ok(appSetShard('argocd', 'web', 1) === 0);
});
