import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { refusedOption, refusedSyncOptions } from './sync-options.ts';

describe('sync options: honoured, or refused by name', () => {
  const honoured = [
    'CreateNamespace=true',
    'ServerSideApply=true',
    'ServerSideApply=false',
    'ApplyOutOfSyncOnly=true',
    'PruneLast=true',
    'PrunePropagationPolicy=orphan',
    'Validate=false',
    'Prune=false',
    'Replace=false',
    'SomethingArgoDoesNotKnow=true',
  ];
  for (const option of honoured)
    test(`${option} is honoured`, () => assert.equal(refusedOption([option]), undefined));
  const refused = [
    'Replace=true',
    'Force=true',
    'FailOnSharedResource=true',
    'RespectIgnoreDifferences=true',
    'SkipDryRunOnMissingResource=true',
    'Prune=confirm',
    'Delete=confirm',
    'Delete=false',
  ];
  for (const option of refused) {
    test(`${option} is refused, named`, () => {
      assert.match(
        refusedOption([option]) ?? '',
        new RegExp(`^sync option ${option} is not supported by Spokes: `),
      );
    });
  }
  test('the Application list, then each object annotation, named', () => {
    assert.match(
      refusedSyncOptions(['Replace=true'], []) ?? '',
      /^spec\.syncPolicy\.syncOptions: sync option Replace=true/,
    );
    const obj = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        namespace: 'n',
        annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Replace=true' },
      },
    };
    assert.match(
      refusedSyncOptions(['CreateNamespace=true'], [obj]) ?? '',
      /^ConfigMap n\/c \(argocd\.argoproj\.io\/sync-options\): sync option Replace=true/,
    );
  });
});
