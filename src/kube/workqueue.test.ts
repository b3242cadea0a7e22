import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkQueue } from './workqueue.ts';

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('a key added many times while waiting runs once', async () => {
  const runs: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const queue = new WorkQueue({
    concurrency: 1,
    handler: async (key) => {
      runs.push(key);
      if (key === 'block') await gate;
    },
  });
  queue.add('block');
  for (let i = 0; i < 5; i++) queue.add('a');
  release();
  await queue.whenIdle();
  assert.deepEqual(runs, ['block', 'a']);
});

test('a key added while it runs runs again afterwards, never twice at once', async () => {
  let running = 0;
  let maxRunning = 0;
  let runs = 0;
  const queue = new WorkQueue({
    concurrency: 4,
    handler: async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      await tick(10);
      running--;
    },
  });
  queue.add('k');
  await tick(2);
  queue.add('k');
  queue.add('k');
  await queue.whenIdle();
  await tick(5);
  await queue.whenIdle();
  assert.equal(maxRunning, 1);
  assert.equal(runs, 2);
});

test('at most `concurrency` keys run together', async () => {
  let running = 0;
  let maxRunning = 0;
  const queue = new WorkQueue({
    concurrency: 3,
    handler: async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await tick(5);
      running--;
    },
  });
  for (let i = 0; i < 20; i++) queue.add(`k${i}`);
  await queue.whenIdle();
  assert.equal(maxRunning, 3);
});

test('a failure is retried with backoff until it succeeds', async () => {
  const errors: number[] = [];
  let attempts = 0;
  const queue = new WorkQueue({
    concurrency: 1,
    retryBaseMs: 5,
    retryMaxMs: 20,
    handler: () => (++attempts < 3 ? Promise.reject(new Error('flaky')) : Promise.resolve()),
    onError: (_key, _err, retryInMs) => errors.push(retryInMs),
  });
  queue.add('k');
  for (let i = 0; i < 50 && attempts < 3; i++) await tick(5);
  await queue.whenIdle();
  assert.equal(attempts, 3);
  assert.equal(errors.length, 2);
});

test('requeueAfterMs runs the key again later; stop() cancels it', async () => {
  let runs = 0;
  const queue = new WorkQueue({
    concurrency: 1,
    handler: () => Promise.resolve({ requeueAfterMs: runs++ === 0 ? 10 : 100_000 }),
  });
  queue.add('k');
  for (let i = 0; i < 40 && runs < 2; i++) await tick(5);
  assert.equal(runs, 2);
  await queue.stop();
  queue.add('k');
  await tick(10);
  assert.equal(runs, 2);
});

test('a paused queue holds its keys (once each) until resumed', async () => {
  const runs: string[] = [];
  const queue = new WorkQueue({
    concurrency: 2,
    paused: true,
    handler: (key) => Promise.resolve(void runs.push(key)),
  });
  queue.add('a');
  queue.add('b');
  queue.add('a');
  await tick(20);
  assert.deepEqual(runs, [], 'nothing runs while paused');
  queue.resume();
  await queue.whenIdle();
  assert.deepEqual(runs, ['a', 'b']);
});

test('whenSettled waits only for the running keys it matches', async () => {
  const gates = new Map<string, () => void>();
  const queue = new WorkQueue({
    concurrency: 2,
    handler: (key) => new Promise<void>((resolve) => gates.set(key, resolve)),
  });
  queue.add('shard-1/a');
  queue.add('shard-2/b');
  await tick(5);
  let settled = false;
  const drained = queue.whenSettled((key) => key.startsWith('shard-1/')).then(() => (settled = true));
  await queue.whenSettled((key) => key.startsWith('shard-3/'));
  gates.get('shard-2/b')!();
  await tick(5);
  assert.equal(settled, false, 'shard-1/a still runs');
  gates.get('shard-1/a')!();
  await drained;
  assert.equal(settled, true);
  await queue.whenIdle();
});
