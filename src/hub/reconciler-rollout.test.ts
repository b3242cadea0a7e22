import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRegistry } from '../../generators/index.ts';
import type { Application } from '../api/application.ts';
import type { RepoSource } from '../git/types.ts';
import { silentLogger } from '../log.ts';
import type { LiveApplication } from './plan.ts';
import {
  reconcileApplicationSet,
  type ApplicationSetStatus,
  type HubWriter,
  type LiveApplicationSet,
} from './reconciler.ts';

const rollingSync = {
  type: 'RollingSync',
  rollingSync: { steps: [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }] },
};

function appSet(strategy: unknown, status: ApplicationSetStatus = {}): LiveApplicationSet {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'web', namespace: 'argocd', uid: 'u1' },
    spec: {
      generators: [{ list: { elements: [{ env: 'dev' }] } }],
      strategy,
      template: {
        metadata: { name: 'web-{{env}}', labels: { env: '{{env}}' } },
        spec: {
          project: 'default',
          source: { repoURL: 'https://git.example/r.git', path: 'web' },
          destination: { server: 'https://kubernetes.default.svc', namespace: 'web' },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      },
    },
    status,
  };
}

async function reconcile(live: LiveApplicationSet, progressiveSyncs: boolean) {
  const created: Application[] = [];
  const statuses: ApplicationSetStatus[] = [];
  const writer: HubWriter = {
    create: (app) => Promise.resolve(void created.push(app)),
    update: () => Promise.resolve(),
    delete: () => Promise.resolve(),
    writeStatus: (_set, status) => Promise.resolve(void statuses.push(status)),
    event: () => undefined,
  };
  await reconcileApplicationSet('argocd/web', {
    view: {
      getApplicationSet: () => live,
      listApplications: (): LiveApplication[] => [],
      clusters: { list: () => Promise.resolve([]) },
      repos: {} as RepoSource,
    },
    writer,
    registry: createRegistry(),
    policy: 'sync',
    progressiveSyncs,
    log: silentLogger,
    defaultRequeueSeconds: 180,
  });
  return { created, statuses };
}

describe('the ApplicationSet half and RollingSync', () => {
  test('RollingSync: generated Applications get automated sync turned off, the policy kept', async () => {
    const { created } = await reconcile(appSet(rollingSync), true);
    assert.deepEqual(created[0]!.spec.syncPolicy, {
      automated: { prune: true, selfHeal: true, enabled: false },
    });
  });

  test('no RollingSync: automated sync untouched', async () => {
    const { created } = await reconcile(appSet({ type: 'AllAtOnce' }), true);
    assert.deepEqual(created[0]!.spec.syncPolicy, { automated: { prune: true, selfHeal: true } });
  });

  test('progressive syncs turned off: automated sync stays, a condition says RollingSync is not active', async () => {
    const { created, statuses } = await reconcile(appSet(rollingSync), false);
    assert.deepEqual(created[0]!.spec.syncPolicy, { automated: { prune: true, selfHeal: true } });
    const warning = statuses[0]!.conditions!.find((c) => c.type === 'RolloutProgressing')!;
    assert.equal(warning.reason, 'ProgressiveSyncDisabled');
    assert.match(warning.message, /RollingSync is not active/);
  });

  test("the status write keeps the rollout's conditions and never sends its applicationStatus", async () => {
    const rollout = {
      type: 'RolloutProgressing',
      status: 'True',
      reason: 'ApplicationSetModified',
      message: 'ApplicationSet is performing rollout of step 1',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    };
    const { statuses } = await reconcile(
      appSet(rollingSync, {
        conditions: [rollout as never],
        applicationStatus: [{ application: 'web-dev', status: 'Pending' }],
      }),
      true,
    );
    assert.ok(statuses[0]!.conditions!.some((c) => JSON.stringify(c) === JSON.stringify(rollout)));
    assert.equal('applicationStatus' in statuses[0]!, false);
  });
});
