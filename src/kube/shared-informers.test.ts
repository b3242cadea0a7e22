/**
 * Shared informers against a scripted hub: one list and one watch per type and scope however
 * many components hold a handle, one copy of each object, and the informer runs from the first
 * handle's start to the last one's stop.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../log.ts';
import type { KubeClient, ListOptions } from './client.ts';
import { SharedInformers } from './shared-informers.ts';
import { APPLICATIONS, SECRETS, type KubeObject } from './types.ts';

const app = (name: string): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: 'argocd', resourceVersion: '1' },
});

/** A hub that lists two Applications and holds each watch open until it is stopped. */
function scriptedHub(): { client: KubeClient; lists: string[]; openWatches: () => number } {
  const lists: string[] = [];
  let open = 0;
  const client = {
    list: (type: { plural: string }, options: ListOptions) => {
      lists.push(`${type.plural} ${options.namespace ?? ''} ${options.labelSelector ?? ''}`);
      return Promise.resolve({ items: [app('a'), app('b')], resourceVersion: '1' });
    },
    watch: () => {
      open++;
      let end!: () => void;
      const done = new Promise<void>((resolve) => (end = resolve));
      return {
        done,
        stop: () => {
          open--;
          end();
        },
      };
    },
  } as unknown as KubeClient;
  return { client, lists, openWatches: () => open };
}

const settle = (): Promise<void> => new Promise((done) => setImmediate(done));

test('handles of one type and scope share one list, one watch and one copy of each object', async () => {
  const hub = scriptedHub();
  const informers = new SharedInformers(hub.client, silentLogger);
  const first = informers.informer(APPLICATIONS, { namespace: 'argocd' });
  const second = informers.informer(APPLICATIONS, { namespace: 'argocd' });
  const secrets = informers.informer(SECRETS, { namespace: 'argocd', labelSelector: 'x=y' });
  first.start();
  second.start();
  secrets.start();
  await Promise.all([first.synced, second.synced, secrets.synced]);
  await settle();
  assert.deepEqual(hub.lists.sort(), ['applications argocd ', 'secrets argocd x=y']);
  assert.equal(hub.openWatches(), 2);
  assert.equal(first.get('argocd', 'a'), second.get('argocd', 'a'), 'the same object, held once');
  await Promise.all([first.stop(), second.stop(), secrets.stop()]);
});

test('a handler added after the first list is told of every object held', async () => {
  const hub = scriptedHub();
  const informers = new SharedInformers(hub.client, silentLogger);
  const early = informers.informer(APPLICATIONS, {});
  early.start();
  await early.synced;
  const late = informers.informer(APPLICATIONS, {});
  const added: string[] = [];
  late.on({ add: (obj) => added.push(obj.metadata.name) });
  assert.deepEqual(added.sort(), ['a', 'b']);
  await early.stop();
});

test('the informer runs until the last started handle stops; a handle never started stops nothing', async () => {
  const hub = scriptedHub();
  const informers = new SharedInformers(hub.client, silentLogger);
  const [a, b, idle] = [0, 1, 2].map(() => informers.informer(APPLICATIONS, { namespace: 'argocd' }));
  a!.start();
  b!.start();
  b!.start(); // twice counts once
  await a!.synced;
  await settle();
  await idle!.stop();
  await a!.stop();
  assert.equal(hub.openWatches(), 1, 'still watching for b');
  await b!.stop();
  assert.equal(hub.openWatches(), 0);
});
