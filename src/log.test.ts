import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from './log.ts';
import { Redacted } from './redact.ts';

function capture(level?: 'debug' | 'info'): {
  lines: Record<string, unknown>[];
  log: ReturnType<typeof createLogger>;
} {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({
    ...(level ? { level } : {}),
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    now: () => new Date('2026-01-02T03:04:05Z'),
  });
  return { lines, log };
}

test('one JSON line per event with time, level, message and fields', () => {
  const { lines, log } = capture();
  log.info('reconciled', { applications: 3 });
  assert.deepEqual(lines, [
    { time: '2026-01-02T03:04:05.000Z', level: 'info', msg: 'reconciled', applications: 3 },
  ]);
});

test('child loggers carry their context', () => {
  const { lines, log } = capture();
  log.child({ appset: 'argocd/a' }).child({ generator: 'git' }).warn('slow');
  assert.equal(lines[0]?.appset, 'argocd/a');
  assert.equal(lines[0]?.generator, 'git');
});

test('levels below the minimum are dropped', () => {
  const { lines, log } = capture();
  log.debug('noise');
  assert.equal(lines.length, 0);
});

const secrets: [string, Record<string, unknown>][] = [
  ['a Redacted value', { creds: new Redacted({ bearerToken: 'tok-123' }) }],
  ['a bearerToken field', { cluster: { bearerToken: 'tok-123' } }],
  ['a password field', { repo: { url: 'https://x', password: 'tok-123' } }],
  ['a config field', { config: '{"bearerToken":"tok-123"}' }],
  ['an sshPrivateKey field', { sshPrivateKey: 'tok-123' }],
];
for (const [name, fields] of secrets) {
  test(`redacts ${name}`, () => {
    const { lines, log } = capture();
    log.error('failed', fields);
    assert.doesNotMatch(JSON.stringify(lines), /tok-123/);
    assert.match(JSON.stringify(lines), /\[redacted\]/);
  });
}
