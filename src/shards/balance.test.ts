import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignShards } from './balance.ts';

const counts = (owners: readonly string[]): Record<string, number> =>
  owners.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});

const free = (n: number): undefined[] => Array.from({ length: n }, () => undefined);

test('assignShards: balanced shares from any starting point', async (t) => {
  const rows: {
    name: string;
    shards: number;
    replicas: string[];
    holders: (string | undefined)[];
    want: Record<string, number>;
  }[] = [
    { name: 'one replica takes all', shards: 16, replicas: ['a'], holders: free(16), want: { a: 16 } },
    {
      name: 'three replicas, 16 shards',
      shards: 16,
      replicas: ['a', 'b', 'c'],
      holders: free(16),
      want: { a: 6, b: 5, c: 5 },
    },
    {
      name: 'more replicas than shards',
      shards: 2,
      replicas: ['a', 'b', 'c'],
      holders: free(2),
      want: { a: 1, b: 1 },
    },
    {
      name: 'the biggest holder keeps the extra shard',
      shards: 4,
      replicas: ['a', 'b', 'c'],
      holders: ['c', 'c', 'c', 'c'],
      want: { a: 1, b: 1, c: 2 },
    },
    {
      name: 'a dead holder counts as free',
      shards: 4,
      replicas: ['a', 'b'],
      holders: ['a', 'dead', 'b', 'dead'],
      want: { a: 2, b: 2 },
    },
  ];
  for (const row of rows) {
    await t.test(row.name, () => {
      const { owners } = assignShards(row.shards, row.replicas, row.holders);
      assert.equal(owners.length, row.shards);
      assert.deepEqual(counts(owners), row.want);
    });
  }
});

test('assignShards: minimal moves when replicas come and go', async (t) => {
  const rows: { name: string; before: string[]; replicas: string[]; moves: number }[] = [
    {
      name: 'steady state moves nothing',
      before: ['a', 'b', 'c', 'a', 'b', 'c'],
      replicas: ['a', 'b', 'c'],
      moves: 0,
    },
    {
      name: 'a replica joins: only its share moves',
      before: ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c'],
      replicas: ['a', 'b', 'c', 'd'],
      moves: 2,
    },
    {
      name: 'a replica leaves: only its shards move',
      before: ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c'],
      replicas: ['a', 'c'],
      moves: 3,
    },
  ];
  for (const row of rows) {
    await t.test(row.name, () => {
      const live = new Set(row.replicas);
      const holders = row.before.map((h) => (live.has(h) ? h : undefined));
      const { owners, moves } = assignShards(row.before.length, row.replicas, holders);
      assert.equal(moves, row.moves);
      // Every shard whose holder is alive and within quota stays put.
      const max = Math.ceil(row.before.length / row.replicas.length);
      for (const n of Object.values(counts(owners))) assert.ok(n <= max);
      const kept = owners.filter((o, i) => o === holders[i]).length;
      assert.equal(kept, row.before.length - row.moves);
    });
  }
});

test('assignShards: every replica computes the same answer whatever order it lists replicas in', () => {
  const holders = ['b', undefined, 'a', undefined, undefined];
  const one = assignShards(5, ['a', 'b', 'c'], holders);
  const two = assignShards(5, ['c', 'b', 'a', 'a'], holders);
  assert.deepEqual(one, two);
});

test('assignShards: no replicas, no owners', () => {
  assert.deepEqual(assignShards(4, [], free(4)), { owners: [], moves: 0 });
});
