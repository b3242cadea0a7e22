/**
 * Benchmark: the hub controller on a real kube-apiserver (the e2e harness).
 *  1. 100 cluster Secrets and 100 ApplicationSets (clusters generator) → 10,000 Applications:
 *     time from creating the ApplicationSets to every Application present.
 *  2. A steady-state minute with no change: writes to the apiserver (target 0) and controller CPU
 *     (target under 5% of one core). Then a minute of no-op reconciles (a cluster Secret annotation
 *     touched every 10 s re-runs all 100 ApplicationSets): hub writes per minute (target 0).
 *  3. Relabel 10 of the 100 cluster Secrets out of the selector: time until the hub matches
 *     (1,000 Applications deleted).
 *
 *   node bench/hub.ts [--steady-seconds 60]
 */
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { HubController } from '../src/hub/controller.ts';
import { createHubMetrics } from '../src/hub/metrics.ts';
import { KubeClient } from '../src/kube/client.ts';
import { APPLICATION_SETS, APPLICATIONS, NAMESPACES, SECRETS, type KubeObject } from '../src/kube/types.ts';
import { silentLogger } from '../src/log.ts';
import { writesBetween, writesByResource } from '../test/harness/apiserver-metrics.ts';
import { pollUntil, startHarness } from '../test/harness/index.ts';

const { values } = parseArgs({ options: { 'steady-seconds': { type: 'string', default: '60' } } });
const CLUSTERS = 100;
const APPSETS = 100;
const NS = 'bench';

const harness = await startHarness({ clusters: ['hub'], controllerManager: false, log: () => undefined });
try {
  const client = new KubeClient(harness.hub.kubeConfig('admin'));
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  for (let i = 0; i < CLUSTERS; i++) await client.create(SECRETS, clusterSecret(i));

  let writes = 0;
  let reconciles = 0;
  const metrics = createHubMetrics(new Registry());
  const controller = new HubController({
    client,
    namespace: NS,
    appSetNamespaces: [],
    policy: 'sync',
    concurrency: 10,
    defaultRequeueSeconds: 180,
    log: silentLogger,
    metrics: {
      ...metrics,
      countWrite: (verb) => {
        writes++;
        metrics.countWrite(verb);
      },
      observeReconcile: (outcome) => {
        reconciles++;
        metrics.observeReconcile(outcome);
      },
    },
  });
  await controller.start();

  const started = performance.now();
  for (let i = 0; i < APPSETS; i++) await client.create(APPLICATION_SETS, appSet(i));
  await waitForApps(client, CLUSTERS * APPSETS);
  const createSeconds = (performance.now() - started) / 1000;
  await controller.whenIdle();
  console.log(
    `hub: ${APPSETS} ApplicationSets × ${CLUSTERS} clusters → ${CLUSTERS * APPSETS} Applications in ${createSeconds.toFixed(1)} s (${Math.round((CLUSTERS * APPSETS) / createSeconds)} apps/s)`,
  );

  const steadySeconds = Number(values['steady-seconds']);
  const writesBefore = writes;
  const cpuBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, steadySeconds * 1000));
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPercent = ((cpu.user + cpu.system) / 1e6 / steadySeconds) * 100;
  console.log(
    `steady state: ${steadySeconds} s, ${writes - writesBefore} writes (target 0), controller CPU ${cpuPercent.toFixed(2)}% of one core (target < 5%)`,
  );

  const reconcilesBefore = reconciles;
  const hubWritesBefore = await writesByResource(harness.hub);
  for (let touch = 0; touch < steadySeconds / 10; touch++) {
    await client.patch(
      SECRETS,
      { namespace: NS, name: 'cluster-0' },
      { metadata: { annotations: { 'example.com/touched': String(touch) } } },
      { type: 'merge' },
    );
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  }
  await controller.whenIdle();
  const hubWrites = writesBetween(hubWritesBefore, await writesByResource(harness.hub), [
    'applications',
    'applicationsets',
    'events',
  ]);
  const perMinute = (Object.values(hubWrites).reduce((a, b) => a + b, 0) * 60) / steadySeconds;
  console.log(
    `no-op reconciles: ${reconciles - reconcilesBefore} in ${steadySeconds} s, hub writes ${perMinute.toFixed(0)}/min (${JSON.stringify(hubWrites)}; target 0)`,
  );

  const relabelStart = performance.now();
  for (let i = 0; i < 10; i++) {
    await client.patch(
      SECRETS,
      { namespace: NS, name: `cluster-${i}` },
      { metadata: { labels: { fleet: 'retired' } } },
      { type: 'merge' },
    );
  }
  await waitForApps(client, (CLUSTERS - 10) * APPSETS);
  console.log(
    `relabel 10 of ${CLUSTERS} cluster Secrets: hub matched in ${((performance.now() - relabelStart) / 1000).toFixed(2)} s (${10 * APPSETS} Applications deleted)`,
  );
  await controller.stop();
} finally {
  await harness.stop();
}

async function waitForApps(client: KubeClient, count: number): Promise<void> {
  await pollUntil(
    async () => {
      const { items } = await client.list(APPLICATIONS, { namespace: NS });
      return items.filter((a) => a.metadata.deletionTimestamp === undefined).length === count;
    },
    { timeoutMs: 600_000, intervalMs: 500, what: `${count} Applications` },
  );
}

function clusterSecret(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `cluster-${i}`,
      namespace: NS,
      labels: { 'argocd.argoproj.io/secret-type': 'cluster', fleet: 'bench', region: `r${i % 5}` },
    },
    stringData: {
      name: `c${i}`,
      server: `https://c${i}.example.com`,
      config: '{"bearerToken":"placeholder"}',
    },
  };
}

function appSet(i: number): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: `set-${i}`, namespace: NS },
    spec: {
      generators: [{ clusters: { selector: { matchLabels: { fleet: 'bench' } } } }],
      template: {
        metadata: { name: `app${i}-{{name}}`, labels: { region: '{{metadata.labels.region}}' } },
        spec: {
          project: 'default',
          source: {
            repoURL: 'https://git.example.com/mono.git',
            targetRevision: 'main',
            path: `apps/app${i}`,
          },
          destination: { server: '{{server}}', namespace: `app${i}` },
        },
      },
      syncPolicy: { preserveResourcesOnDeletion: true },
    },
  };
}
