/** The reconciler's writes, carried out against the hub apiserver. */
import type { Application } from '../api/application.ts';
import type { KubeClient } from '../kube/client.ts';
import { APPLICATION_SETS, APPLICATIONS, EVENTS, type KubeObject } from '../kube/types.ts';
import type { Logger } from '../log.ts';
import type { LiveApplication } from './plan.ts';
import type { ApplicationSetStatus, HubWriter, LiveApplicationSet } from './reconciler.ts';

export const FIELD_MANAGER = 'spokes-applicationset-controller';

export function kubeHubWriter(
  client: KubeClient,
  log: Logger,
  onWrite: (verb: string) => void = () => undefined,
): HubWriter {
  return {
    async create(app: Application) {
      onWrite('create');
      await client.create(APPLICATIONS, app, { fieldManager: FIELD_MANAGER });
    },
    async update(app: LiveApplication) {
      onWrite('update');
      await client.replace(APPLICATIONS, app, { fieldManager: FIELD_MANAGER });
    },
    async delete(app: LiveApplication) {
      onWrite('delete');
      await client.delete(APPLICATIONS, app.metadata.namespace, app.metadata.name, {
        // The uid precondition: never delete a same-named Application that replaced ours meanwhile.
        ...(app.metadata.uid ? { preconditions: { uid: app.metadata.uid } } : {}),
      });
    },
    async writeStatus(appSet: LiveApplicationSet, status: ApplicationSetStatus) {
      onWrite('status');
      await client.patch(
        APPLICATION_SETS,
        { namespace: appSet.metadata.namespace, name: appSet.metadata.name },
        { status },
        { type: 'merge', subresource: 'status', fieldManager: FIELD_MANAGER },
      );
    },
    event(appSet, type, reason, message) {
      onWrite('event');
      const now = new Date().toISOString();
      const event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: `${appSet.metadata.name}.`, namespace: appSet.metadata.namespace },
        involvedObject: {
          apiVersion: appSet.apiVersion,
          kind: appSet.kind,
          name: appSet.metadata.name,
          namespace: appSet.metadata.namespace,
          uid: appSet.metadata.uid,
        },
        type,
        reason,
        message: message.slice(0, 1024),
        source: { component: 'spokes-applicationset-controller' },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      };
      // Events are best effort: a failure is logged, never retried.
      client
        .create(EVENTS, event as unknown as KubeObject)
        .catch((err: unknown) => log.debug('event not recorded', { error: err }));
    },
  };
}
