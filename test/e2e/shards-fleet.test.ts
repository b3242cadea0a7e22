/**
 * The 100-cluster smoke of the fleet benchmark (bench/shards.ts, the same code as the 1,000-cluster
 * run): two controller replicas sync 100 simulated clusters, stay quiet, and rebalance when a
 * third joins.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const BENCH = resolve(import.meta.dirname, '../../bench/shards.ts');

test('bench:shards smoke: 100 simulated clusters over two replicas', async () => {
  const args = [
    '--clusters',
    '100',
    '--apps',
    '1',
    '--objects',
    '1',
    '--replicas',
    '2',
    '--quiet-seconds',
    '10',
  ];
  const { stdout } = await exec(process.execPath, [BENCH, ...args], { timeout: 900_000, maxBuffer: 1 << 24 });
  process.stderr.write(stdout);
  assert.match(stdout, /2 replica\(s\): 100 Applications .* Synced in [\d.]+ s/);
  assert.match(stdout, /hub writes\/min: Applications 0, ApplicationSets 0/);
  const moved = /rebalanced in [\d.]+ s, (\d+) of 16 shards moved/.exec(stdout);
  assert.ok(moved, stdout);
  // Two replicas hold 8 + 8; a third takes 5 (16 = 6 + 5 + 5), and nothing else moves.
  assert.equal(Number(moved[1]), 5);
});
