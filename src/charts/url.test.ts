import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chartRepo, chartRepoKey, ociRepository } from './url.ts';

describe('what a chart repoURL names', () => {
  const rows: { url: string; enableOCI: boolean; expected: ReturnType<typeof chartRepo> }[] = [
    {
      url: 'https://charts.example.com/stable/',
      enableOCI: false,
      expected: { kind: 'http', url: 'https://charts.example.com/stable' },
    },
    {
      url: 'registry-1.docker.io/bitnamicharts',
      enableOCI: false,
      expected: { kind: 'oci', registry: 'registry-1.docker.io', path: 'bitnamicharts' },
    },
    {
      url: 'oci://ghcr.io/org/charts',
      enableOCI: false,
      expected: { kind: 'oci', registry: 'ghcr.io', path: 'org/charts' },
    },
    {
      url: 'https://ghcr.io/org/charts',
      enableOCI: true,
      expected: { kind: 'oci', registry: 'ghcr.io', path: 'org/charts' },
    },
    {
      url: '127.0.0.1:5000',
      enableOCI: false,
      expected: { kind: 'oci', registry: '127.0.0.1:5000', path: '' },
    },
  ];
  for (const row of rows)
    test(row.url, () => assert.deepEqual(chartRepo(row.url, row.enableOCI), row.expected));

  test('keys ignore the oci:// scheme, case and a trailing slash', () => {
    assert.equal(chartRepoKey('OCI://GHCR.io/Org/'), 'ghcr.io/org');
    assert.equal(chartRepoKey('ghcr.io/org'), 'ghcr.io/org');
  });
  test('an OCI chart repository is the path joined with the chart', () => {
    assert.equal(ociRepository('org/charts', 'web'), 'org/charts/web');
    assert.equal(ociRepository('', 'web'), 'web');
  });
});
