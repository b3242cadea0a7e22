import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConstraints, parseVersion, SemverError } from './semver.ts';

describe('semver constraints: the two prerelease rules', () => {
  const rows: { constraint: string; version: string; v33: boolean; v34: boolean }[] = [
    { constraint: '>=2.0.0-0, <2.1.0', version: '2.0.0-beta.1', v33: false, v34: true },
    { constraint: '>=1.0.0-alpha', version: '1.0.0-beta', v33: true, v34: true },
    { constraint: '~1.2', version: '1.2.1-rc.1', v33: false, v34: false },
    { constraint: '!=1.2.0', version: '1.2.1-rc.1', v33: true, v34: false },
    { constraint: '~1.2', version: '1.2.9', v33: true, v34: true },
    { constraint: '^0.2.3', version: '0.3.0', v33: false, v34: false },
  ];
  for (const row of rows) {
    test(`${row.constraint} vs ${row.version}`, () => {
      const v = parseVersion(row.version);
      assert.equal(parseConstraints(row.constraint, 'v3.3').check(v), row.v33, 'v3.3');
      assert.equal(parseConstraints(row.constraint, 'v3.4').check(v), row.v34, 'v3.4');
    });
  }
  test('bad input is a SemverError with the library message', () => {
    assert.throws(
      () => parseVersion('one'),
      (e: unknown) => e instanceof SemverError && e.message === 'Invalid Semantic Version',
    );
    assert.throws(() => parseConstraints('>>1', 'v3.4'), /improper constraint/);
  });
});
