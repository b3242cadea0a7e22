import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import {
  aggregateHealth,
  isWorse,
  resourceHealth,
  type HealthStatus,
  type ManagedResource,
} from './index.ts';

interface Row {
  readonly name: string;
  readonly obj: KubeObject;
  readonly expected: HealthStatus | undefined;
}

function obj(
  apiVersion: string,
  kind: string,
  rest: Partial<KubeObject> = {},
  meta: Partial<KubeObject['metadata']> = {},
): KubeObject {
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'ns', ...meta }, ...rest };
}

function run(kind: string, rows: readonly Row[]): void {
  describe(`${kind} health`, () => {
    for (const row of rows) {
      test(row.name, () => assert.deepEqual(resourceHealth(row.obj), row.expected));
    }
  });
}

const deploy = (spec: object, status: object, generation = 1): KubeObject =>
  obj('apps/v1', 'Deployment', { spec, status }, { generation, name: 'web' });

run('Deployment', [
  {
    name: 'all replicas updated and available',
    obj: deploy(
      { replicas: 2 },
      { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
    ),
    expected: { status: 'Healthy' },
  },
  {
    name: 'paused',
    obj: deploy({ paused: true }, {}),
    expected: { status: 'Suspended', message: 'Deployment is paused' },
  },
  {
    name: 'generation not yet observed',
    obj: deploy({ replicas: 1 }, { observedGeneration: 1 }, 2),
    expected: {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    },
  },
  {
    name: 'progress deadline exceeded',
    obj: deploy(
      { replicas: 1 },
      {
        observedGeneration: 1,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      },
    ),
    expected: { status: 'Degraded', message: 'Deployment "web" exceeded its progress deadline' },
  },
  {
    name: 'replicas not yet updated',
    obj: deploy({ replicas: 3 }, { observedGeneration: 1, replicas: 3, updatedReplicas: 1 }),
    expected: {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...',
    },
  },
  {
    name: 'old replicas pending termination',
    obj: deploy({ replicas: 2 }, { observedGeneration: 1, replicas: 3, updatedReplicas: 2 }),
    expected: {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 1 old replicas are pending termination...',
    },
  },
  {
    name: 'updated replicas not yet available',
    obj: deploy(
      { replicas: 2 },
      { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 },
    ),
    expected: {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 1 of 2 updated replicas are available...',
    },
  },
  {
    name: 'no status yet reads as zero values',
    obj: deploy({ replicas: 1 }, {}, 0),
    expected: {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 0 out of 1 new replicas have been updated...',
    },
  },
]);

const sts = (spec: object, status: object, generation = 1): KubeObject =>
  obj('apps/v1', 'StatefulSet', { spec, status }, { generation });

run('StatefulSet', [
  {
    name: 'never observed',
    obj: sts({ replicas: 1 }, {}),
    expected: { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' },
  },
  {
    name: 'pods not ready',
    obj: sts({ replicas: 3 }, { observedGeneration: 1, readyReplicas: 1 }),
    expected: { status: 'Progressing', message: 'Waiting for 2 pods to be ready...' },
  },
  {
    name: 'partitioned rollout in progress',
    obj: sts(
      { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } },
      { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 1 },
    ),
    expected: {
      status: 'Progressing',
      message: 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...',
    },
  },
  {
    name: 'rolling update (apiserver default partition 0) complete',
    obj: sts(
      { replicas: 2, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } },
      { observedGeneration: 1, readyReplicas: 2, updatedReplicas: 2 },
    ),
    expected: {
      status: 'Healthy',
      message: 'partitioned roll out complete: 2 new pods have been updated...',
    },
  },
  {
    name: 'OnDelete strategy',
    obj: sts(
      { replicas: 2, updateStrategy: { type: 'OnDelete' } },
      { observedGeneration: 1, readyReplicas: 2 },
    ),
    expected: { status: 'Healthy', message: 'statefulset has 2 ready pods' },
  },
  {
    name: 'revisions differ',
    obj: sts(
      { replicas: 1, updateStrategy: { type: 'RollingUpdate' } },
      {
        observedGeneration: 1,
        readyReplicas: 1,
        updatedReplicas: 0,
        updateRevision: 'b',
        currentRevision: 'a',
      },
    ),
    expected: {
      status: 'Progressing',
      message: 'waiting for statefulset rolling update to complete 0 pods at revision b...',
    },
  },
  {
    name: 'revisions equal',
    obj: sts(
      { replicas: 1 },
      {
        observedGeneration: 1,
        readyReplicas: 1,
        currentReplicas: 1,
        updateRevision: 'a',
        currentRevision: 'a',
      },
    ),
    expected: { status: 'Healthy', message: 'statefulset rolling update complete 1 pods at revision a...' },
  },
]);

const ds = (spec: object, status: object, generation = 1): KubeObject =>
  obj('apps/v1', 'DaemonSet', { spec, status }, { generation, name: 'agent' });

run('DaemonSet', [
  {
    name: 'generation not observed',
    obj: ds({}, { observedGeneration: 0 }),
    expected: {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    },
  },
  {
    name: 'OnDelete is healthy whatever the counts',
    obj: ds(
      { updateStrategy: { type: 'OnDelete' } },
      { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 1 },
    ),
    expected: { status: 'Healthy', message: 'daemon set 1 out of 3 new pods have been updated' },
  },
  {
    name: 'pods not updated',
    obj: ds({}, { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 1 }),
    expected: {
      status: 'Progressing',
      message: 'Waiting for daemon set "agent" rollout to finish: 1 out of 3 new pods have been updated...',
    },
  },
  {
    name: 'pods not available',
    obj: ds(
      {},
      { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 },
    ),
    expected: {
      status: 'Progressing',
      message: 'Waiting for daemon set "agent" rollout to finish: 2 of 3 updated pods are available...',
    },
  },
  {
    name: 'all available',
    obj: ds(
      {},
      { observedGeneration: 1, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 },
    ),
    expected: { status: 'Healthy' },
  },
]);

const rs = (spec: object, status: object, generation = 1): KubeObject =>
  obj('apps/v1', 'ReplicaSet', { spec, status }, { generation });

run('ReplicaSet', [
  {
    name: 'generation not observed',
    obj: rs({ replicas: 1 }, {}),
    expected: {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed replica set generation less than desired generation',
    },
  },
  {
    name: 'replica failure',
    obj: rs(
      { replicas: 1 },
      {
        observedGeneration: 1,
        conditions: [{ type: 'ReplicaFailure', status: 'True', message: 'quota exceeded' }],
      },
    ),
    expected: { status: 'Degraded', message: 'quota exceeded' },
  },
  {
    name: 'replicas not available',
    obj: rs({ replicas: 2 }, { observedGeneration: 1, availableReplicas: 1 }),
    expected: {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 1 out of 2 new replicas are available...',
    },
  },
  {
    name: 'available',
    obj: rs({ replicas: 2 }, { observedGeneration: 1, availableReplicas: 2 }),
    expected: { status: 'Healthy' },
  },
]);

const pod = (restartPolicy: string, status: object, annotations?: Record<string, string>): KubeObject =>
  obj('v1', 'Pod', { spec: { restartPolicy }, status }, annotations ? { annotations } : {});
const ready = { type: 'Ready', status: 'True' };

run('Pod', [
  { name: 'pending', obj: pod('Always', { phase: 'Pending' }), expected: { status: 'Progressing' } },
  {
    name: 'running and ready',
    obj: pod('Always', { phase: 'Running', conditions: [ready] }),
    expected: { status: 'Healthy' },
  },
  {
    name: 'running, not ready, no restarts',
    obj: pod('Always', { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] }),
    expected: { status: 'Progressing' },
  },
  {
    name: 'running, not ready, a container restarted',
    obj: pod('Always', {
      phase: 'Running',
      message: 'restarting',
      containerStatuses: [{ name: 'c', lastState: { terminated: { exitCode: 1 } } }],
    }),
    expected: { status: 'Degraded', message: 'restarting' },
  },
  {
    name: 'long-running pod in CrashLoopBackOff',
    obj: pod('Always', {
      phase: 'Running',
      containerStatuses: [
        { name: 'a', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m' } } },
        { name: 'b', state: { waiting: { reason: 'ErrImagePull', message: 'no such image' } } },
        { name: 'c', state: { waiting: { reason: 'ContainerCreating' } } },
      ],
    }),
    expected: { status: 'Degraded', message: 'back-off 5m, no such image' },
  },
  {
    name: 'hook-style pod with ImagePullBackOff stays Progressing',
    obj: pod('Never', {
      phase: 'Pending',
      containerStatuses: [{ name: 'a', state: { waiting: { reason: 'ImagePullBackOff', message: 'x' } } }],
    }),
    expected: { status: 'Progressing' },
  },
  {
    name: 'finite pod running',
    obj: pod('OnFailure', { phase: 'Running' }),
    expected: { status: 'Progressing' },
  },
  {
    name: 'ignore-restart-policy makes a finite pod long-running',
    obj: pod(
      'Never',
      { phase: 'Running', conditions: [ready] },
      { 'argocd.argoproj.io/ignore-restart-policy': 'true' },
    ),
    expected: { status: 'Healthy' },
  },
  {
    name: 'ignore-restart-policy is not honoured on hooks',
    obj: pod(
      'Never',
      { phase: 'Running', conditions: [ready] },
      { 'argocd.argoproj.io/ignore-restart-policy': 'true', 'argocd.argoproj.io/hook': 'PreSync' },
    ),
    expected: { status: 'Progressing' },
  },
  { name: 'succeeded', obj: pod('Never', { phase: 'Succeeded' }), expected: { status: 'Healthy' } },
  {
    name: 'failed with a pod message',
    obj: pod('Never', { phase: 'Failed', message: 'evicted' }),
    expected: { status: 'Degraded', message: 'evicted' },
  },
  {
    name: 'failed: init container message first',
    obj: pod('Never', {
      phase: 'Failed',
      initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 2 } } }],
      containerStatuses: [{ name: 'main', state: { terminated: { message: 'boom' } } }],
    }),
    expected: { status: 'Degraded', message: 'container "init" failed with exit code 2' },
  },
  {
    name: 'failed: OOMKilled',
    obj: pod('Never', {
      phase: 'Failed',
      containerStatuses: [{ name: 'm', state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
    }),
    expected: { status: 'Degraded', message: 'OOMKilled' },
  },
  {
    name: 'failed with nothing to say',
    obj: pod('Never', { phase: 'Failed' }),
    expected: { status: 'Degraded' },
  },
  { name: 'unknown phase', obj: pod('Always', { phase: 'Unknown' }), expected: { status: 'Unknown' } },
]);

run('Service', [
  {
    name: 'ClusterIP',
    obj: obj('v1', 'Service', { spec: { type: 'ClusterIP' } }),
    expected: { status: 'Healthy' },
  },
  { name: 'no type', obj: obj('v1', 'Service', { spec: {} }), expected: { status: 'Healthy' } },
  {
    name: 'LoadBalancer waiting for an address',
    obj: obj('v1', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } }),
    expected: { status: 'Progressing' },
  },
  {
    name: 'LoadBalancer with an address',
    obj: obj('v1', 'Service', {
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } },
    }),
    expected: { status: 'Healthy' },
  },
]);

run('Ingress', [
  {
    name: 'no address',
    obj: obj('networking.k8s.io/v1', 'Ingress', {}),
    expected: { status: 'Progressing' },
  },
  {
    name: 'with an address',
    obj: obj('networking.k8s.io/v1', 'Ingress', {
      status: { loadBalancer: { ingress: [{ hostname: 'lb' }] } },
    }),
    expected: { status: 'Healthy' },
  },
  {
    name: 'legacy extensions group',
    obj: obj('extensions/v1beta1', 'Ingress', { status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } }),
    expected: { status: 'Healthy' },
  },
]);

const pvc = (phase?: string): KubeObject =>
  obj('v1', 'PersistentVolumeClaim', phase === undefined ? {} : { status: { phase } });
run('PersistentVolumeClaim', [
  { name: 'bound', obj: pvc('Bound'), expected: { status: 'Healthy' } },
  { name: 'pending', obj: pvc('Pending'), expected: { status: 'Progressing' } },
  { name: 'lost', obj: pvc('Lost'), expected: { status: 'Degraded' } },
  { name: 'no phase', obj: pvc(), expected: { status: 'Unknown' } },
]);

const job = (conditions: object[]): KubeObject => obj('batch/v1', 'Job', { status: { conditions } });
run('Job', [
  { name: 'running', obj: job([]), expected: { status: 'Progressing' } },
  {
    name: 'complete',
    obj: job([{ type: 'Complete', status: 'True', message: 'done' }]),
    expected: { status: 'Healthy', message: 'done' },
  },
  {
    name: 'failed',
    obj: job([{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }]),
    expected: { status: 'Degraded', message: 'BackoffLimitExceeded' },
  },
  {
    name: 'suspended',
    obj: job([{ type: 'Suspended', status: 'True', message: 'paused by user' }]),
    expected: { status: 'Suspended', message: 'paused by user' },
  },
  {
    name: 'resumed after suspension (Suspended=False) counts as complete',
    obj: job([{ type: 'Suspended', status: 'False', message: 'resumed' }]),
    expected: { status: 'Healthy', message: 'resumed' },
  },
]);

const hpaV2 = (conditions: object[]): KubeObject =>
  obj('autoscaling/v2', 'HorizontalPodAutoscaler', { status: { conditions } });
run('HorizontalPodAutoscaler', [
  {
    name: 'v2 without conditions',
    obj: hpaV2([]),
    expected: { status: 'Progressing', message: 'Waiting to Autoscale' },
  },
  {
    name: 'v2 able to scale',
    obj: hpaV2([{ type: 'AbleToScale', status: 'True', message: 'ok' }]),
    expected: { status: 'Healthy', message: 'ok' },
  },
  {
    name: 'v2 degraded wins over healthy',
    obj: hpaV2([
      { type: 'AbleToScale', status: 'True', message: 'ok' },
      { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'no metrics' },
    ]),
    expected: { status: 'Degraded', message: 'no metrics' },
  },
  {
    name: 'v2 AbleToScale False is not healthy',
    obj: hpaV2([{ type: 'AbleToScale', status: 'False', reason: 'Other' }]),
    expected: { status: 'Progressing', message: 'Waiting to Autoscale' },
  },
  {
    name: 'v1 without the conditions annotation',
    obj: obj('autoscaling/v1', 'HorizontalPodAutoscaler', {}),
    expected: { status: 'Progressing', message: 'Waiting to Autoscale' },
  },
  {
    name: 'v1 conditions annotation',
    obj: obj(
      'autoscaling/v1',
      'HorizontalPodAutoscaler',
      {},
      {
        annotations: {
          'autoscaling.alpha.kubernetes.io/conditions':
            '[{"type":"ScalingLimited","status":"True","message":"at max"}]',
        },
      },
    ),
    expected: { status: 'Healthy', message: 'at max' },
  },
  {
    name: 'v1 unparsable conditions annotation',
    obj: obj(
      'autoscaling/v1',
      'HorizontalPodAutoscaler',
      {},
      { annotations: { 'autoscaling.alpha.kubernetes.io/conditions': '{}' } },
    ),
    expected: { status: 'Unknown', message: 'failed to convert conditions annotation to typed: not a list' },
  },
]);

const app = (status?: object): KubeObject =>
  obj('argoproj.io/v1alpha1', 'Application', status === undefined ? {} : { status });
run('Application', [
  { name: 'no health yet', obj: app(), expected: { status: 'Progressing' } },
  { name: 'healthy child', obj: app({ health: { status: 'Healthy' } }), expected: { status: 'Healthy' } },
  {
    name: 'degraded child with message',
    obj: app({ health: { status: 'Degraded', message: 'Caused by apps/Deployment:ns/web' } }),
    expected: { status: 'Degraded', message: 'Caused by apps/Deployment:ns/web' },
  },
]);

run('any kind', [
  { name: 'no built-in check', obj: obj('v1', 'ConfigMap', { data: {} }), expected: undefined },
  {
    name: 'being deleted',
    obj: obj('v1', 'ConfigMap', {}, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
    expected: { status: 'Progressing', message: 'Pending deletion' },
  },
  {
    name: 'being deleted but held only by the hook finalizer is assessed normally',
    obj: obj(
      'batch/v1',
      'Job',
      { status: { conditions: [{ type: 'Complete', status: 'True' }] } },
      { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['argocd.argoproj.io/hook-finalizer'] },
    ),
    expected: { status: 'Healthy' },
  },
]);

describe('health order', () => {
  test("follows Argo's order Healthy < Suspended < Progressing < Missing < Degraded < Unknown", () => {
    const order = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'] as const;
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++)
        assert.equal(isWorse(order[i]!, order[j]!), j > i, `${order[i]} → ${order[j]}`);
    }
  });
});

const healthyDeploy = obj(
  'apps/v1',
  'Deployment',
  {
    spec: { replicas: 1 },
    status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
  },
  { generation: 1, name: 'web' },
);
const pendingPvc = obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }, { name: 'data' });
const lostPvc = obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Lost' } }, { name: 'old' });

function managed(o: KubeObject, which: 'both' | 'target' | 'live' = 'both'): ManagedResource {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '';
  return {
    group,
    kind: o.kind,
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    ...(which === 'live' ? {} : { target: o }),
    ...(which === 'target' ? {} : { live: o }),
  };
}

describe('aggregate health', () => {
  const rows: {
    name: string;
    resources: ManagedResource[];
    self?: { namespace: string; name: string };
    expected: { status: string; message?: string };
  }[] = [
    { name: 'no resources is Healthy', resources: [], expected: { status: 'Healthy' } },
    { name: 'all healthy', resources: [managed(healthyDeploy)], expected: { status: 'Healthy' } },
    {
      name: 'worst wins, causes named',
      resources: [managed(healthyDeploy), managed(pendingPvc), managed(lostPvc)],
      expected: { status: 'Degraded', message: 'Caused by PersistentVolumeClaim:ns/old' },
    },
    {
      name: 'a missing resource does not lower the app when others are live',
      resources: [managed(healthyDeploy), managed(pendingPvc, 'target')],
      expected: { status: 'Healthy' },
    },
    {
      name: 'nothing live at all is Missing',
      resources: [managed(healthyDeploy, 'target'), managed(pendingPvc, 'target')],
      expected: { status: 'Missing' },
    },
    {
      name: 'hooks are left out',
      resources: [
        managed(healthyDeploy),
        managed({
          ...lostPvc,
          metadata: { ...lostPvc.metadata, annotations: { 'argocd.argoproj.io/hook': 'PreSync' } },
        }),
      ],
      expected: { status: 'Healthy' },
    },
    {
      name: 'ignore-healthcheck is left out',
      resources: [
        managed(healthyDeploy),
        managed({
          ...lostPvc,
          metadata: { ...lostPvc.metadata, annotations: { 'argocd.argoproj.io/ignore-healthcheck': 'true' } },
        }),
      ],
      expected: { status: 'Healthy' },
    },
    {
      name: "a child app's Unknown does not affect the parent",
      resources: [
        managed(healthyDeploy),
        managed(obj('argoproj.io/v1alpha1', 'Application', { status: { health: { status: 'Unknown' } } })),
      ],
      expected: { status: 'Healthy' },
    },
    {
      name: "a child app's Degraded does",
      resources: [
        managed(obj('argoproj.io/v1alpha1', 'Application', { status: { health: { status: 'Degraded' } } })),
      ],
      expected: { status: 'Degraded', message: 'Caused by argoproj.io/Application:ns/x' },
    },
    {
      name: 'an app managing itself ignores its own health',
      resources: [
        managed(obj('argoproj.io/v1alpha1', 'Application', { status: { health: { status: 'Degraded' } } })),
      ],
      self: { namespace: 'ns', name: 'x' },
      expected: { status: 'Healthy' },
    },
    {
      name: 'more than three causes are summarised',
      resources: ['a', 'b', 'c', 'd', 'e'].map((n) =>
        managed({ ...pendingPvc, metadata: { ...pendingPvc.metadata, name: n } }),
      ),
      expected: {
        status: 'Progressing',
        message:
          'Caused by PersistentVolumeClaim:ns/a, PersistentVolumeClaim:ns/b, PersistentVolumeClaim:ns/c and 2 more',
      },
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const { status, message } = aggregateHealth(row.resources, row.self);
      assert.deepEqual(message === undefined ? { status } : { status, message }, row.expected);
    });
  }

  test('per-resource health is index-aligned, Missing shown for absent resources', () => {
    const result = aggregateHealth([
      managed(healthyDeploy),
      managed(pendingPvc, 'target'),
      managed(obj('v1', 'ConfigMap')),
    ]);
    assert.deepEqual(result.resources, [{ status: 'Healthy' }, { status: 'Missing' }, undefined]);
  });
});
