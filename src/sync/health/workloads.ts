/**
 * Health of apps/v1 workloads, following Argo CD's built-in checks (which follow kubectl's rollout
 * status): a controller that has not observed the latest generation is Progressing; then
 * replica counts decide.
 */
import type { KubeObject } from '../../kube/types.ts';
import { health, type HealthStatus } from './types.ts';
import { bool, has, list, num, optNum, record, str } from './fields.ts';

function generation(obj: KubeObject): number {
  return obj.metadata.generation ?? 0;
}

function condition(obj: KubeObject, type: string): Record<string, unknown> | undefined {
  return list(obj, 'status', 'conditions').find((c) => c['type'] === type);
}

export function deploymentHealth(obj: KubeObject): HealthStatus {
  if (bool(obj, 'spec', 'paused')) return health('Suspended', 'Deployment is paused');
  if (generation(obj) > num(obj, 'status', 'observedGeneration')) {
    return health(
      'Progressing',
      'Waiting for rollout to finish: observed deployment generation less than desired generation',
    );
  }
  const replicas = optNum(obj, 'spec', 'replicas');
  const updated = num(obj, 'status', 'updatedReplicas');
  const current = num(obj, 'status', 'replicas');
  const available = num(obj, 'status', 'availableReplicas');
  if (condition(obj, 'Progressing')?.['reason'] === 'ProgressDeadlineExceeded') {
    return health('Degraded', `Deployment "${obj.metadata.name}" exceeded its progress deadline`);
  }
  if (replicas !== undefined && updated < replicas) {
    return health(
      'Progressing',
      `Waiting for rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`,
    );
  }
  if (current > updated) {
    return health(
      'Progressing',
      `Waiting for rollout to finish: ${current - updated} old replicas are pending termination...`,
    );
  }
  if (available < updated) {
    return health(
      'Progressing',
      `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
    );
  }
  return health('Healthy');
}

export function statefulSetHealth(obj: KubeObject): HealthStatus {
  const observed = num(obj, 'status', 'observedGeneration');
  if (observed === 0 || generation(obj) > observed) {
    return health('Progressing', 'Waiting for statefulset spec update to be observed...');
  }
  const replicas = optNum(obj, 'spec', 'replicas');
  const ready = num(obj, 'status', 'readyReplicas');
  const updated = num(obj, 'status', 'updatedReplicas');
  if (replicas !== undefined && ready < replicas) {
    return health('Progressing', `Waiting for ${replicas - ready} pods to be ready...`);
  }
  const strategy = record(obj, 'spec', 'updateStrategy');
  const strategyType = str(strategy, 'type');
  if (strategyType === 'RollingUpdate' && has(strategy, 'rollingUpdate')) {
    return partitionedHealth(replicas, optNum(strategy, 'rollingUpdate', 'partition'), updated);
  }
  if (strategyType === 'OnDelete') return health('Healthy', `statefulset has ${ready} ready pods`);
  const updateRevision = str(obj, 'status', 'updateRevision');
  const currentRevision = str(obj, 'status', 'currentRevision');
  if (updateRevision !== currentRevision) {
    return health(
      'Progressing',
      `waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...`,
    );
  }
  const currentReplicas = num(obj, 'status', 'currentReplicas');
  return health(
    'Healthy',
    `statefulset rolling update complete ${currentReplicas} pods at revision ${currentRevision}...`,
  );
}

function partitionedHealth(
  replicas: number | undefined,
  partition: number | undefined,
  updated: number,
): HealthStatus {
  if (replicas !== undefined && partition !== undefined && updated < replicas - partition) {
    return health(
      'Progressing',
      `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...`,
    );
  }
  return health('Healthy', `partitioned roll out complete: ${updated} new pods have been updated...`);
}

export function daemonSetHealth(obj: KubeObject): HealthStatus {
  if (generation(obj) > num(obj, 'status', 'observedGeneration')) {
    return health(
      'Progressing',
      'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    );
  }
  const desired = num(obj, 'status', 'desiredNumberScheduled');
  const updated = num(obj, 'status', 'updatedNumberScheduled');
  if (str(obj, 'spec', 'updateStrategy', 'type') === 'OnDelete') {
    return health('Healthy', `daemon set ${updated} out of ${desired} new pods have been updated`);
  }
  const name = obj.metadata.name;
  if (updated < desired) {
    return health(
      'Progressing',
      `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    );
  }
  const available = num(obj, 'status', 'numberAvailable');
  if (available < desired) {
    return health(
      'Progressing',
      `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
    );
  }
  return health('Healthy');
}

export function replicaSetHealth(obj: KubeObject): HealthStatus {
  if (generation(obj) > num(obj, 'status', 'observedGeneration')) {
    return health(
      'Progressing',
      'Waiting for rollout to finish: observed replica set generation less than desired generation',
    );
  }
  const failure = condition(obj, 'ReplicaFailure');
  if (failure?.['status'] === 'True') return health('Degraded', str(failure, 'message'));
  const replicas = optNum(obj, 'spec', 'replicas');
  const available = num(obj, 'status', 'availableReplicas');
  if (replicas !== undefined && available < replicas) {
    return health(
      'Progressing',
      `Waiting for rollout to finish: ${available} out of ${replicas} new replicas are available...`,
    );
  }
  return health('Healthy');
}
