import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CommandIO } from './io.ts';
import { barLine, startProgress } from './progress.ts';

/** Buffer IO and a fake clock the test moves by hand. */
function setup(tty: boolean): { io: CommandIO; out: () => string; err: () => string; clock: Clock } {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stderrIsTTY: tty,
  };
  return { io, out: () => stdout, err: () => stderr, clock: new Clock() };
}

class Clock {
  ms = 1_000_000;
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

describe('startProgress', () => {
  for (const tty of [true, false]) {
    test(`prints nothing for work that finishes within the delay (${tty ? 'TTY' : 'plain'})`, () => {
      const { io, out, err, clock } = setup(tty);
      const p = startProgress(io, 'generate', 3, { now: clock.now });
      for (let i = 0; i < 3; i++) {
        clock.advance(300);
        p.tick(`app-${i}`);
      }
      p.done('3 Applications');
      assert.equal(err(), '');
      assert.equal(out(), '');
    });
  }

  test('defaults to the real clock and a 1 s delay: a quick run is silent', () => {
    const { io, err } = setup(false);
    const p = startProgress(io, 'sync', 2);
    p.tick('a');
    p.tick('b');
    p.done();
    assert.equal(err(), '');
  });

  test('TTY: one line redrawn with \\r after the delay, cleared on done', () => {
    const { io, out, err, clock } = setup(true);
    const p = startProgress(io, 'sync', 4, { now: clock.now });
    clock.advance(500);
    p.tick('argocd/a');
    clock.advance(600);
    p.tick('argocd/b');
    clock.advance(600);
    p.tick('argocd/c');
    clock.advance(600);
    p.tick('argocd/d');
    p.done('4 synced');
    assert.equal(
      err(),
      '\r\x1b[Ksync [##########..........] 2/4 argocd/b' +
        '\r\x1b[Ksync [###############.....] 3/4 argocd/c' +
        '\r\x1b[Ksync [####################] 4/4 argocd/d' +
        '\r\x1b[K',
    );
    assert.equal(out(), '');
  });

  test('TTY: redraws at most every 100 ms, but always the last tick', () => {
    const { io, err, clock } = setup(true);
    const p = startProgress(io, 'gen', 3, { now: clock.now, delayMs: 0 });
    p.tick();
    clock.advance(10);
    p.tick();
    clock.advance(10);
    p.tick();
    p.done();
    assert.equal(
      err(),
      '\r\x1b[Kgen [#######.............] 1/3\r\x1b[Kgen [####################] 3/3\r\x1b[K',
    );
  });

  test('plain: a line at most every 10% and every 2 s, then a final line', () => {
    const { io, err, clock } = setup(false);
    const p = startProgress(io, 'generate', 100, { now: clock.now });
    for (let i = 1; i <= 100; i++) {
      clock.advance(500);
      p.tick(`set-${i}`);
    }
    p.done('250 Applications');
    // First line at the delay (tick 2, t=1 s); then every 10 ticks (5 s apart here: 10% is the limit).
    const lines = err().trimEnd().split('\n');
    assert.deepEqual(lines, [
      'generate: 2/100 set-2',
      'generate: 12/100 set-12',
      'generate: 22/100 set-22',
      'generate: 32/100 set-32',
      'generate: 42/100 set-42',
      'generate: 52/100 set-52',
      'generate: 62/100 set-62',
      'generate: 72/100 set-72',
      'generate: 82/100 set-82',
      'generate: 92/100 set-92',
      'generate: 100/100 250 Applications',
    ]);
  });

  test('plain: fast ticks are limited to one line per 2 s', () => {
    const { io, err, clock } = setup(false);
    const p = startProgress(io, 'sync', 10, { now: clock.now, delayMs: 0 });
    for (let i = 1; i <= 10; i++) {
      clock.advance(700);
      p.tick();
    }
    p.done();
    assert.deepEqual(err().trimEnd().split('\n'), [
      'sync: 1/10',
      'sync: 4/10',
      'sync: 7/10',
      'sync: 10/10',
      'sync: 10/10 done',
    ]);
  });

  test('done is final: later ticks and a second done print nothing', () => {
    const { io, err, clock } = setup(false);
    const p = startProgress(io, 'sync', 2, { now: clock.now, delayMs: 0 });
    p.tick('a');
    p.done();
    p.tick('b');
    p.done();
    assert.equal(err(), 'sync: 1/2 a\nsync: 1/2 done\n');
  });

  test('TTY: stdout written through the progress lifts the bar off the line and redraws it', () => {
    let all = '';
    const io: CommandIO = {
      stdout: (t) => (all += `<out>${t}`),
      stderr: (t) => (all += `<err>${t}`),
      stderrIsTTY: true,
    };
    const p = startProgress(io, 's', 2, { delayMs: 0 });
    p.stdout('before\n');
    p.tick('a');
    p.stdout('a: Succeeded\n');
    p.done();
    p.stdout('after\n');
    assert.equal(
      all,
      '<out>before\n' +
        '<err>\r\x1b[Ks [##########..........] 1/2 a' +
        '<err>\r\x1b[K<out>a: Succeeded\n<err>\r\x1b[Ks [##########..........] 1/2 a' +
        '<err>\r\x1b[K<out>after\n',
    );
  });

  test('plain: stdout through the progress is just stdout', () => {
    const { io, out, err } = setup(false);
    const p = startProgress(io, 's', 1, { delayMs: 0 });
    p.tick();
    p.stdout('x\n');
    assert.equal(out(), 'x\n');
    assert.equal(err(), 's: 1/1\n');
  });

  test('no stderrIsTTY means plain lines', () => {
    let stderr = '';
    const io: CommandIO = { stdout: () => undefined, stderr: (t) => (stderr += t) };
    const p = startProgress(io, 'x', 1, { delayMs: 0 });
    p.tick();
    p.done();
    assert.equal(stderr, 'x: 1/1\nx: 1/1 done\n');
  });
});

describe('barLine', () => {
  const rows: [string, number, number, string | undefined, string][] = [
    ['empty', 0, 10, undefined, 'l [....................] 0/10'],
    ['half', 5, 10, 'x', 'l [##########..........] 5/10 x'],
    ['over the total stays full', 12, 10, undefined, 'l [####################] 12/10'],
    ['zero total is full', 0, 0, undefined, 'l [####################] 0/0'],
    ['a long detail is shortened', 1, 1, 'a'.repeat(50), `l [####################] 1/1 ${'a'.repeat(39)}…`],
  ];
  for (const [name, count, total, detail, want] of rows) {
    test(name, () => assert.equal(barLine('l', count, total, detail), want));
  }
});
