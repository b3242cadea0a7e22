import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRollout, type RolloutAppSet } from './rollout-views.ts';

const appSet = (strategy: unknown): RolloutAppSet => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'web', namespace: 'argocd' },
  spec: { strategy },
  status: {
    conditions: [
      {
        type: 'RolloutProgressing',
        status: 'True',
        reason: 'ApplicationSetRolloutError',
        message: 'Rollout stopped at step 2: Application web-staging at abc: it is Degraded',
      },
    ],
    applicationStatus: [
      { application: 'web-dev', status: 'Healthy', step: '1', message: '' },
      {
        application: 'web-staging',
        status: 'Progressing',
        step: '2',
        message: 'Rollout stopped: Application web-staging at abc: it is Degraded',
      },
      { application: 'web-prod', status: 'Waiting', step: '3', message: '' },
      { application: 'other', status: 'Waiting', step: '-1', message: '' },
    ],
  },
});

test('the steps, their Applications with their rollout states, and where the rollout stands', () => {
  const steps = ['dev', 'staging', 'prod'].map((env, i) => ({
    matchExpressions: [{ key: 'env', operator: i === 1 ? 'NotIn' : 'In', values: [env] }],
    ...(env === 'prod' ? { maxUpdate: '10%' } : {}),
  }));
  const text = describeRollout(appSet({ type: 'RollingSync', rollingSync: { steps } }));
  assert.equal(
    text,
    `Rollout:        Progressing (ApplicationSetRolloutError): Rollout stopped at step 2: Application web-staging at abc: it is Degraded
Stopped by:     Application web-staging at abc: it is Degraded

STEP   SELECTOR                                MAX UPDATE   APPLICATIONS
1      env in (dev)                            100%         web-dev=Healthy
2      env notin (staging)                     100%         web-staging=Stopped
3      env in (prod)                           10%          web-prod=Waiting
-      no step (never synced by the rollout)                other=Waiting
`,
  );
});

test('no RollingSync: nothing to show', () => {
  assert.equal(describeRollout(appSet({ type: 'AllAtOnce' })), '');
});
