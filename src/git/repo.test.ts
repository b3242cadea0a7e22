/**
 * The refs cache of one repository, with a scripted git runner: which reads share a sync and
 * which start their own.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pLimit from 'p-limit';
import { Repo } from './repo.ts';
import type { GitRunner } from './runner.ts';

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);

/** A runner whose `show-ref` calls wait until the test answers them, in order. */
function scriptedRunner(): { runner: GitRunner; calls: string[][]; answer: (commit: string) => void } {
  const waiting: ((out: string) => void)[] = [];
  const calls: string[][] = [];
  const runner: GitRunner = {
    binary: 'git',
    env: {},
    run(_dir, args) {
      calls.push([...args]);
      return new Promise((done) => waiting.push(done));
    },
  };
  const answer = (commit: string): void => {
    const next = waiting.shift();
    assert.ok(next, 'a git command is waiting');
    next(`${commit} HEAD\n${commit} refs/heads/main\n`);
  };
  return { runner, calls, answer };
}

function repoWith(runner: GitRunner): Repo {
  return new Repo(
    { gitDir: '/nonexistent', head: 'HEAD', label: 'https://git.example/r.git' },
    { runner, limit: pLimit(4), minRefreshMs: 60_000, maxFileBytes: 1024, now: () => 0 },
  );
}

const settle = (): Promise<void> => new Promise((done) => setImmediate(done));

test('reads during one sync share it', async () => {
  const { runner, calls, answer } = scriptedRunner();
  const repo = repoWith(runner);
  const reads = [repo.resolve('main'), repo.resolve('main'), repo.resolve('main')];
  await settle();
  answer(OLD);
  const commits = (await Promise.all(reads)).map((r) => r.commit);
  assert.deepEqual(commits, [OLD, OLD, OLD]);
  assert.equal(calls.length, 1);
});

test('a read after a push never takes refs from a sync that began before it', async () => {
  const { runner, calls, answer } = scriptedRunner();
  const repo = repoWith(runner);
  const before = repo.resolve('main'); // a resync's read, in flight when the push lands
  await settle();
  repo.markStale();
  const afterPush = [repo.resolve('main'), repo.resolve('main')];
  answer(OLD); // the early sync saw the refs from before the push
  assert.equal((await before).commit, OLD);
  await settle();
  assert.equal(calls.length, 2, 'the reads after the push start one sync of their own');
  answer(NEW);
  assert.deepEqual(
    (await Promise.all(afterPush)).map((r) => r.commit),
    [NEW, NEW],
  );
  assert.deepEqual((await repo.resolve('main')).commit, NEW, 'and the interval holds again');
  assert.equal(calls.length, 2);
});
