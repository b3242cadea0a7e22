/**
 * What a failed write does to a sync operation: a refusal from the cluster fails it (recorded,
 * as Argo CD records it); a fenced write (this replica may not write for the shard now) aborts it
 * with nothing recorded, so the reconcile is retried rather than the revision marked as failed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeClient } from '../kube/client.ts';
import { KubeApiError } from '../kube/errors.ts';
import { CONFIG_MAPS, type KubeObject } from '../kube/types.ts';
import { ShardFencedError } from '../shards/ownership.ts';
import type { ClusterCache } from './live-cache.ts';
import { runSync, type SyncRequest } from './operation.ts';

const configMap: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', namespace: 'team' },
  data: { k: 'v' },
};

/** A spoke whose server-side applies answer as `answer` says (dry runs and real ones apart). */
function request(answer: (dryRun: boolean) => KubeObject | Error): SyncRequest {
  const client = {
    server: 'https://spoke.example',
    patch: (_type: unknown, _ref: unknown, _obj: unknown, opts: { dryRun?: boolean }) => {
      const out = answer(opts.dryRun === true);
      return out instanceof Error ? Promise.reject(out) : Promise.resolve(out);
    },
  } as unknown as KubeClient;
  const cache = { reachable: () => true, get: () => undefined } as unknown as ClusterCache;
  return {
    client,
    cache,
    destinationNamespace: 'team',
    targets: [{ key: 'cm', type: CONFIG_MAPS, obj: configMap, pendingCrd: false, hash: 'h' }],
    apply: new Set(['cm']),
    orphans: [],
    prune: false,
    syncOptions: [],
    waveTimeoutMs: 1000,
    types: [CONFIG_MAPS],
    clusterName: 'spoke',
  };
}

const fenced = (): ShardFencedError => new ShardFencedError(3, 'https://spoke.example');

test('a refused apply fails the operation, with the resource and the reason', async () => {
  const outcome = await runSync(
    request((dryRun) => (dryRun ? configMap : new KubeApiError(422, 'Invalid', 'data: invalid'))),
  );
  assert.equal(outcome.phase, 'Failed');
  assert.match(outcome.message, /ConfigMap\/cm: data: invalid/);
  assert.deepEqual(
    outcome.resources.map((r) => [r.name, r.status]),
    [['cm', 'SyncFailed']],
  );
});

const abortCases: [string, (dryRun: boolean) => KubeObject | Error][] = [
  ['the apply is fenced', (dryRun) => (dryRun ? configMap : fenced())],
  ['the dry run is fenced', () => fenced()],
];
for (const [name, answer] of abortCases) {
  test(`${name}: the operation is aborted, not failed`, async () => {
    await assert.rejects(runSync(request(answer)), ShardFencedError);
  });
}

test('an apply that succeeds: Succeeded', async () => {
  const outcome = await runSync(request(() => configMap));
  assert.equal(outcome.phase, 'Succeeded');
});
