import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignInLimiter } from './rate-limit.ts';
import { csrfMatches, Sessions } from './sessions.ts';

const user = { username: 'alice', groups: ['team-a'] };

describe('sessions', () => {
  test('a session is found by its id until idle too long or too old', () => {
    let now = 0;
    const sessions = new Sessions({ idleMs: 100, maxAgeMs: 1000, now: () => now });
    const s = sessions.create(user, 'token');
    assert.equal(sessions.get(s.id)?.user.username, 'alice');
    assert.equal(sessions.get('other'), undefined);
    assert.equal(sessions.get(undefined), undefined);
    now = 90;
    assert.ok(sessions.get(s.id), 'used within the idle time');
    now = 191;
    assert.equal(sessions.get(s.id), undefined, 'idle too long');
    const t = sessions.create(user);
    for (now = 250; now <= 1250; now += 90) sessions.get(t.id);
    assert.equal(sessions.get(t.id), undefined, 'older than maxAge');
  });

  test('ids and CSRF tokens are long, random and distinct', () => {
    const sessions = new Sessions();
    const a = sessions.create(user);
    const b = sessions.create(user);
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.csrf, a.id);
    assert.ok(a.id.length >= 43 && a.csrf.length >= 43);
  });

  test('the CSRF token must match exactly', () => {
    const s = new Sessions().create(user);
    assert.equal(csrfMatches(s, s.csrf), true);
    assert.equal(csrfMatches(s, undefined), false);
    assert.equal(csrfMatches(s, ''), false);
    assert.equal(csrfMatches(s, `${s.csrf}x`), false);
  });

  test('a token session is reviewed again when due; the kubeconfig identity never', () => {
    let now = 0;
    const sessions = new Sessions({ reviewMs: 100, now: () => now });
    const token = sessions.create(user, 'tok');
    const self = sessions.create({ ...user, self: true });
    now = 101;
    assert.equal(sessions.needsReview(token), true);
    assert.equal(sessions.needsReview(self), false);
    sessions.reviewed(token);
    assert.equal(sessions.needsReview(token), false);
  });

  test('at most `limit` sessions, the oldest dropped first', () => {
    const sessions = new Sessions({ limit: 2 });
    const first = sessions.create(user);
    sessions.create(user);
    sessions.create(user);
    assert.equal(sessions.size, 2);
    assert.equal(sessions.get(first.id), undefined);
  });
});

describe('sign-in rate limit', () => {
  test('per client, then overall, per window', () => {
    let now = 0;
    const limiter = new SignInLimiter({ perClient: 2, overall: 3, windowMs: 60_000, now: () => now });
    assert.equal(limiter.attempt('a'), 0);
    assert.equal(limiter.attempt('a'), 0);
    assert.equal(limiter.attempt('a'), 60, 'the third from one client waits for the window');
    assert.ok(limiter.attempt('b') > 0, 'the overall limit is spent');
    now = 60_000;
    assert.equal(limiter.attempt('a'), 0, 'a new window');
  });
});
