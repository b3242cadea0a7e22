import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RESUME_ANNOTATION } from '../api/rollout.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';
import { createLogger } from '../log.ts';
import { Actions, Conflict } from './actions.ts';
import type { Authorizer } from './auth/access.ts';
import type { User } from './auth/identity.ts';
import type { FleetStore } from './store.ts';
import { Forbidden } from './views.ts';

const user: User = { username: 'alice', groups: [] };

function appSet(stopped: boolean): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'web', namespace: 'argocd', resourceVersion: '7', uid: 'u1' },
    status: {
      applicationStatus: [
        {
          application: 'web-staging',
          status: 'Progressing',
          step: '2',
          targetRevisions: ['abc'],
          message: stopped ? 'Rollout stopped: Application web-staging at abc: it is Degraded' : 'x',
        },
      ],
    },
  };
}

/** A hub that records writes, and an authoriser that allows what it is told. */
function setup(options: { stopped: boolean; allowed: boolean }) {
  const patches: { target: unknown; body: unknown; options: unknown }[] = [];
  const events: KubeObject[] = [];
  const hub = {
    get: () => Promise.resolve(appSet(options.stopped)),
    patch: (_type: unknown, target: unknown, body: unknown, opts: unknown) => {
      patches.push({ target, body, options: opts });
      return Promise.resolve({});
    },
    create: (_type: unknown, obj: KubeObject) => {
      events.push(obj);
      return Promise.resolve(obj);
    },
  } as unknown as KubeClient;
  const checked: unknown[] = [];
  const access: Authorizer = {
    allowed: (_user, attrs) => {
      checked.push(attrs);
      return Promise.resolve(options.allowed);
    },
  };
  const actions = new Actions({
    hub,
    access,
    store: {} as FleetStore,
    log: createLogger({ level: 'error' }),
  });
  return { actions, patches, events, checked };
}

describe('dashboard: resume a stopped rollout', () => {
  test('writes the resume annotation over the resourceVersion read, as the CLI does, and records who', async () => {
    const { actions, patches, events, checked } = setup({ stopped: true, allowed: true });
    const resumed = await actions.resume(user, { namespace: 'argocd', name: 'web' });
    assert.deepEqual(resumed, ['web-staging']);
    assert.deepEqual(checked, [
      { verb: 'update', group: 'argoproj.io', resource: 'applicationsets', namespace: 'argocd', name: 'web' },
    ]);
    assert.deepEqual(patches[0]!.body, {
      metadata: { resourceVersion: '7', annotations: { [RESUME_ANNOTATION]: 'web-staging=abc' } },
    });
    assert.equal((events[0] as unknown as { reason: string }).reason, 'RolloutResumed');
    assert.match(
      (events[0] as unknown as { message: string }).message,
      /alice resumed the rollout past web-staging/,
    );
  });

  test('refused without update on the ApplicationSet: nothing written', async () => {
    const { actions, patches } = setup({ stopped: true, allowed: false });
    await assert.rejects(actions.resume(user, { namespace: 'argocd', name: 'web' }), Forbidden);
    assert.equal(patches.length, 0);
  });

  test('a rollout that is not stopped: a conflict, nothing written', async () => {
    const { actions, patches } = setup({ stopped: false, allowed: true });
    await assert.rejects(actions.resume(user, { namespace: 'argocd', name: 'web' }), Conflict);
    assert.equal(patches.length, 0);
  });
});
