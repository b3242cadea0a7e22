/**
 * Benchmark: notifications at fleet scale, in two parts.
 *
 * 1. Trigger evaluation: 10,000 Applications, each subscribed to Argo's catalog triggers
 *    on-sync-succeeded, on-deployed, on-health-degraded and on-sync-failed and already notified
 *    (a steady state: every pass decides "already sent"). One pass over all of them is what every
 *    resync period costs; evaluations/s counts trigger runs.
 * 2. Delivery: 2,000 Applications that each need one notification, sent by the webhook service to
 *    a real HTTP server on loopback, 8 at a time (the controller's default concurrency).
 *
 *   node bench/notifications.ts [--apps 10000] [--deliveries 2000]
 */
import { cpuUsage } from 'node:process';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import type { KubeObject } from '../src/kube/types.ts';
import { parseNotificationsConfig } from '../src/notifications/config.ts';
import { processSubject, type EngineDeps } from '../src/notifications/engine.ts';
import { NOTIFIED_ANNOTATION } from '../src/notifications/state.ts';
import { startReceiver } from '../test/support/receiver.ts';

const { values } = parseArgs({
  options: { apps: { type: 'string', default: '10000' }, deliveries: { type: 'string', default: '2000' } },
});
const APPS = Number(values.apps);
const DELIVERIES = Number(values.deliveries);
const TRIGGERS = ['on-sync-succeeded', 'on-deployed', 'on-health-degraded', 'on-sync-failed'];

function application(i: number, annotations: Record<string, string>, triggers = TRIGGERS): KubeObject {
  const revision = (i * 2654435761).toString(16).padStart(40, '0').slice(-40);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `app-${i}`,
      namespace: 'argocd',
      labels: { team: `team-${i % 20}` },
      annotations: {
        ...Object.fromEntries(triggers.map((t) => [`notifications.argoproj.io/subscribe.${t}.hook`, ''])),
        ...annotations,
      },
    },
    spec: { project: 'default', source: { repoURL: 'https://git.example.com/fleet.git', path: `apps/${i}` } },
    status: {
      sync: { status: 'Synced', revision },
      health: { status: i % 50 === 0 ? 'Degraded' : 'Healthy', lastTransitionTime: '2024-05-01T11:58:30Z' },
      operationState: {
        phase: 'Succeeded',
        startedAt: '2024-05-01T11:57:00Z',
        finishedAt: '2024-05-01T11:58:00Z',
        syncResult: { revision },
      },
      reconciledAt: '2024-05-01T11:59:00Z',
    },
  };
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function evaluation(): Promise<void> {
  const config = parseNotificationsConfig({ 'service.webhook.hook': 'url: http://127.0.0.1:1' });
  let notified = 0;
  let evaluations = 0;
  const deps = (record: (annotation: string | undefined) => void): EngineDeps => ({
    config,
    send: () => Promise.resolve(),
    persist: (annotation) => {
      record(annotation);
      return Promise.resolve();
    },
    onEvaluated: () => evaluations++,
  });
  // The state every Application reaches after its first pass.
  const apps: KubeObject[] = [];
  for (let i = 0; i < APPS; i++) {
    let state: string | undefined;
    await processSubject(
      { kind: 'app', obj: application(i, {}) },
      deps((a) => (state = a)),
    );
    apps.push(application(i, state ? { [NOTIFIED_ANNOTATION]: state } : {}));
  }
  evaluations = 0;
  const passes = 3;
  const cpu = cpuUsage();
  const start = performance.now();
  for (let pass = 0; pass < passes; pass++)
    for (const obj of apps)
      await processSubject(
        { kind: 'app', obj },
        deps(() => notified++),
      );
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = cpuMs(cpu) / 1000;
  console.log(
    `trigger evaluation: ${APPS} Applications × ${TRIGGERS.length} triggers, steady state, ${passes} passes`,
  );
  console.log(`  one pass over every Application: ${((seconds / passes) * 1000).toFixed(0)} ms`);
  console.log(
    `  ${Math.round(evaluations / seconds).toLocaleString('en')} trigger evaluations/s, ${Math.round(evaluations / cpuSeconds).toLocaleString('en')} per CPU second`,
  );
  console.log(`  writes in the steady state: ${notified} (expected 0)`);
}

async function delivery(): Promise<void> {
  const receiver = await startReceiver();
  const config = parseNotificationsConfig({
    'service.webhook.hook': `url: ${receiver.url}`,
    'template.app-sync-succeeded':
      'webhook:\n  hook:\n    method: POST\n    path: /deployed/{{.app.metadata.name}}\n    body: \'{"app":"{{.app.metadata.name}}","revision":"{{.app.status.sync.revision}}"}\'',
  });
  const service = config.services.get('hook')!;
  const limit = pLimit(8);
  let persisted = 0;
  const cpu = cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: DELIVERIES }, (_, i) =>
      limit(() =>
        processSubject(
          {
            kind: 'app',
            obj: application(i, {}, ['on-sync-succeeded']),
          },
          {
            config,
            send: (notification, dest) => service.send(notification, dest),
            persist: () => {
              persisted++;
              return Promise.resolve();
            },
          },
        ),
      ),
    ),
  );
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = cpuMs(cpu) / 1000;
  await receiver.close();
  const received = receiver.received('/deployed/').length;
  console.log(`delivery: ${DELIVERIES} webhook notifications to a loopback HTTP server, 8 at a time`);
  console.log(
    `  ${seconds.toFixed(2)} s, ${Math.round(DELIVERIES / seconds).toLocaleString('en')} deliveries/s, ${Math.round(DELIVERIES / cpuSeconds).toLocaleString('en')} per CPU second (receiver in the same process)`,
  );
  console.log(`  received ${received}, state writes ${persisted}`);
}

await evaluation();
await delivery();
