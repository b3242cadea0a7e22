/** Kubernetes Events the notifications controller records: failed deliveries, broken config entries. */
import type { KubeClient } from '../kube/client.ts';
import { EVENTS, type KubeObject } from '../kube/types.ts';
import type { Logger } from '../log.ts';

export const EVENT_SOURCE = 'spokes-notifications-controller';

export type EventRecorder = (
  obj: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
) => void;

/** Best effort: an Event that cannot be written is logged at debug level, never retried. */
export function eventRecorder(client: KubeClient, log: Logger): EventRecorder {
  return (obj, type, reason, message) => {
    const now = new Date().toISOString();
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${obj.metadata.name}.`, namespace: obj.metadata.namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
      },
      type,
      reason,
      message: message.slice(0, 1024),
      source: { component: EVENT_SOURCE },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    client
      .create(EVENTS, event as unknown as KubeObject)
      .catch((err: unknown) => log.debug('event not recorded', { error: err }));
  };
}
