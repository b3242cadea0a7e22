import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterView } from './fleet.ts';
import { describeSelector, selectionReasons } from './selectors.ts';

const prod: ClusterView = {
  name: 'prod-eu',
  server: 'https://p',
  labels: { env: 'prod', region: 'eu' },
  secretName: 's',
};

describe('why an ApplicationSet selects a cluster', () => {
  const cases: [string, unknown[], string[]][] = [
    [
      'a matching clusters selector',
      [{ clusters: { selector: { matchLabels: { env: 'prod' } } } }],
      ['spec.generators[0].clusters: env=prod'],
    ],
    ['a selector that does not match', [{ clusters: { selector: { matchLabels: { env: 'dev' } } } }], []],
    [
      'an empty clusters generator selects every cluster',
      [{ clusters: {} }],
      ['spec.generators[0].clusters: every cluster (empty selector)'],
    ],
    [
      'inside a matrix',
      [
        {
          matrix: {
            generators: [
              {
                clusters: {
                  selector: {
                    matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }],
                  },
                },
              },
              { list: { elements: [] } },
            ],
          },
        },
      ],
      ['spec.generators[0].matrix.generators[0].clusters: env in (prod, staging)'],
    ],
    [
      'a list element naming the cluster',
      [{ list: { elements: [{ cluster: 'dev' }, { cluster: 'prod-eu' }] } }],
      ['spec.generators[0].list.elements[1]: cluster: prod-eu'],
    ],
    ['a git generator says nothing', [{ git: { repoURL: 'x', directories: [] } }], []],
    ['not a list', 'nonsense' as unknown as unknown[], []],
  ];
  for (const [name, generators, want] of cases) {
    test(name, () =>
      assert.deepEqual(
        selectionReasons(generators, prod).map((r) => `${r.path}: ${r.why}`),
        want,
      ),
    );
  }

  test('selectors read as people write them', () => {
    assert.equal(
      describeSelector({
        matchLabels: { team: 'a' },
        matchExpressions: [
          { key: 'env', operator: 'Exists' },
          { key: 'old', operator: 'DoesNotExist' },
          { key: 'r', operator: 'NotIn', values: ['x'] },
        ],
      }),
      'team=a, env exists, !old, r notin (x)',
    );
  });
});
