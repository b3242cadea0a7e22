import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpokesError } from '../../errors.ts';
import { applyLabelChanges, describeChanges, parseLabelArg, parseLabelArgs } from './labels.ts';

describe('label arguments', () => {
  const valid: [string, string, [string, string | null]][] = [
    ['a plain key and value', 'env=prod', ['env', 'prod']],
    ['an empty value', 'env=', ['env', '']],
    ['a prefixed key', 'example.com/tier=web', ['example.com/tier', 'web']],
    ['dots, dashes and underscores', 'a.b_c-d=x.y_z-1', ['a.b_c-d', 'x.y_z-1']],
    ['upper case in name and value', 'Team=Platform', ['Team', 'Platform']],
    ['a removal', 'env-', ['env', null]],
    ['a prefixed removal', 'example.com/tier-', ['example.com/tier', null]],
    ['63 characters', `${'k'.repeat(63)}=${'v'.repeat(63)}`, ['k'.repeat(63), 'v'.repeat(63)]],
  ];
  for (const [name, arg, expected] of valid) {
    test(`accepts ${name}`, () => {
      assert.deepEqual(parseLabelArg(arg, { allowRemove: true }), expected);
    });
  }

  const invalid: [string, string, RegExp][] = [
    ['no = and no trailing -', 'env', /label "env": expected KEY=VALUE or KEY-/],
    ['an empty key', '=prod', /label "=prod": invalid key: the name part must not be empty/],
    ['a key starting with -', '-env=prod', /invalid key: the name part must be/],
    ['a key ending with .', 'env.=prod', /invalid key/],
    ['a key with a space', 'my env=prod', /invalid key/],
    ['two slashes', 'a/b/c=x', /at most one "\/"/],
    ['an empty prefix', '/env=x', /the prefix before "\/" must not be empty/],
    ['an upper-case prefix', 'Example.com/env=x', /the prefix must be a DNS subdomain/],
    ['a name over 63', `${'k'.repeat(64)}=x`, /at most 63 characters/],
    ['a prefix over 253', `${'a'.repeat(254)}/k=x`, /at most 253 characters/],
    ['a value with a space', 'env=pro d', /label "env=pro d": invalid value/],
    ['a value starting with -', 'env=-prod', /invalid value/],
    ['a value with /', 'env=a/b', /invalid value/],
    ['a value over 63', `env=${'v'.repeat(64)}`, /at most 63 characters/],
    ['the secret-type label', 'argocd.argoproj.io/secret-type=repository', /cannot be changed/],
    ['removing the secret-type label', 'argocd.argoproj.io/secret-type-', /cannot be changed/],
  ];
  for (const [name, arg, message] of invalid) {
    test(`rejects ${name}`, () => {
      assert.throws(
        () => parseLabelArg(arg, { allowRemove: true }),
        (err: unknown) =>
          err instanceof SpokesError && err.code === 'InvalidLabel' && message.test(err.message),
      );
    });
  }

  test('removal is refused where only KEY=VALUE is allowed (cluster add --label)', () => {
    assert.throws(() => parseLabelArg('env-', { allowRemove: false }), /expected KEY=VALUE$/);
  });

  test('a key given twice is an error naming the argument', () => {
    assert.throws(
      () => parseLabelArgs(['env=a', 'env-'], { allowRemove: true }),
      /label "env-": key "env" is given more than once/,
    );
  });

  test('changes apply in order and describe themselves', () => {
    const changes = parseLabelArgs(['tier=web', 'env-', 'region=eu'], { allowRemove: true });
    assert.deepEqual(applyLabelChanges({ env: 'prod', region: 'us', keep: 'x' }, changes), {
      region: 'eu',
      keep: 'x',
      tier: 'web',
    });
    assert.equal(describeChanges(changes), 'tier=web, env-, region=eu');
  });
});
