import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatShards, type ShardRow } from './get-shards.ts';

test('formatShards: a row per shard, then the replicas with what they hold', () => {
  const now = Date.parse('2026-01-01T00:00:10Z');
  const rows: ShardRow[] = [
    { shard: 0, holder: 'r1', renewTime: '2026-01-01T00:00:08.000000Z', clusters: 3, appSets: 1 },
    { shard: 1, holder: 'r2', renewTime: '2026-01-01T00:00:09.000000Z', clusters: 0, appSets: 0 },
    { shard: 2, holder: undefined, renewTime: undefined, clusters: 1, appSets: 0 },
    { shard: 3, holder: 'r1', renewTime: '2026-01-01T00:00:07.000000Z', clusters: 2, appSets: 2 },
  ];
  const text = formatShards(rows, now);
  const lines = text.trim().split('\n');
  assert.match(lines[0]!, /^SHARD\s+HOLDER\s+RENEWED\s+CLUSTERS\s+APPSETS$/);
  assert.match(lines[1]!, /^0\s+r1\s+2s\s+3\s+1$/);
  assert.match(lines[3]!, /^2\s+<none>\s+<none>\s+1\s+0$/);
  assert.ok(
    lines.some((l) => /^r1\s+2\s+0,3$/.test(l)),
    text,
  );
  assert.ok(
    lines.some((l) => /^r2\s+1\s+1$/.test(l)),
    text,
  );
});
