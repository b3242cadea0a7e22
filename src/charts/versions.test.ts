import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpokesError } from '../errors.ts';
import { isConstraint, maxVersion, pickEntry } from './versions.ts';

const TAGS = ['1.0.0', '1.2.0', '1.2.3', '1.3.0-rc.1', '1.3.0', '2.0.0-beta.1', 'v2.1.0', 'latest', '0.9'];

describe('chart versions resolved as Argo CD resolves them', () => {
  const rows: { name: string; revision: string; tags?: string[]; expected: string }[] = [
    { name: 'a pinned version is returned as given, list unread', revision: '9.9.9', expected: '9.9.9' },
    { name: 'a partial version is a pin too', revision: '1.2', expected: '1.2' },
    { name: 'a tilde range takes the newest patch', revision: '~1.2', expected: '1.2.3' },
    { name: 'a caret range takes the newest minor', revision: '^1.0', expected: '1.3.0' },
    { name: 'prereleases are not considered by a release range', revision: '>=1.3.0 <3', expected: 'v2.1.0' },
    { name: 'the newest is returned as written (v prefix kept)', revision: '>=2.0.0', expected: 'v2.1.0' },
    {
      name: 'a range naming a prerelease admits them (v3.4: per AND group)',
      revision: '>=2.0.0-0, <2.1.0',
      expected: '2.0.0-beta.1',
    },
    { name: 'wildcards', revision: '1.x', expected: '1.3.0' },
    { name: 'an OR of ranges', revision: '<1.1 || >=1.2.1 <1.3', expected: '1.2.3' },
    { name: 'a star takes the newest release', revision: '*', expected: 'v2.1.0' },
    { name: 'neither version nor constraint: verbatim match', revision: 'latest', expected: 'latest' },
  ];
  for (const row of rows) {
    test(row.name, () => assert.equal(maxVersion(row.revision, row.tags ?? TAGS), row.expected));
  }

  test('a constraint matching nothing is VersionNotFound, with the count', () => {
    assert.throws(
      () => maxVersion('~3.0', TAGS),
      (err: unknown) =>
        err instanceof SpokesError && err.code === 'VersionNotFound' && /9 versions/.test(err.message),
    );
  });

  test('a string that is no version, constraint or tag is VersionNotFound', () => {
    assert.throws(() => maxVersion('stable', TAGS), /"stable" is not a version or a semver constraint/);
  });

  test('isConstraint: ranges yes, pins and words no', () => {
    assert.deepEqual(['~1.2', '>=1', '1.2.3', 'v1', 'main'].map(isConstraint), [
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  test("pickEntry follows helm's index lookup: exact string first, else the newest match", () => {
    const entries = ['1.2', '1.2.0', '1.2.5', '1.10.0'].map((version) => ({ version }));
    assert.equal(pickEntry(entries, '1.2')?.version, '1.2');
    assert.equal(pickEntry(entries, '~1.2.0')?.version, '1.2.5');
    assert.equal(pickEntry(entries, '')?.version, '1.10.0');
    assert.equal(pickEntry(entries, '9.0.0'), undefined);
  });
});
