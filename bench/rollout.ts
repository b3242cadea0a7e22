/**
 * Benchmark: the rollout's state computation at fleet scale. 10,000 Applications over 100
 * clusters in three steps (dev 10%, staging 20%, prod 70%, prod with maxUpdate 10%), run through
 * a whole rollout in memory: every pass computes the next state from the last one and the
 * Applications, the syncs it starts finish (Synced, Healthy, at the new revision), and the pass
 * repeats until the rollout is complete. Reports the cost of one pass (what every ApplicationSet
 * or Application event costs the rollout component) and the passes a whole rollout takes.
 *
 *   node bench/rollout.ts [--apps 10000]
 */
import { cpuUsage } from 'node:process';
import { parseArgs } from 'node:util';
import { rollingSyncOf, type ApplicationRolloutStatus } from '../src/api/rollout.ts';
import { computeRollout, rolloutMarker, type AppView } from '../src/rollout/state.ts';

const { values } = parseArgs({ options: { apps: { type: 'string', default: '10000' } } });
const APPS = Number(values.apps);
const ENVS = ['dev', 'staging', 'prod'];

const strategy = rollingSyncOf({
  spec: {
    strategy: {
      type: 'RollingSync',
      rollingSync: {
        steps: ENVS.map((env) => ({
          matchExpressions: [{ key: 'env', operator: 'In', values: [env] }],
          ...(env === 'prod' ? { maxUpdate: '10%' } : {}),
        })),
      },
    },
  },
})!;

function envOf(i: number): string {
  const bucket = i % 10;
  return bucket === 0 ? 'dev' : bucket < 3 ? 'staging' : 'prod';
}

/** The fleet after a push: every Application compared at the new revision, OutOfSync. */
function fleet(revision: string): AppView[] {
  return Array.from({ length: APPS }, (_, i) => {
    const spec = {
      source: { repoURL: 'https://git.example/fleet.git', path: `apps/${i % 50}`, targetRevision: 'main' },
      destination: { name: `cluster-${i % 100}`, namespace: `app-${i % 50}` },
    };
    return {
      name: `app-${i}`,
      labels: { env: envOf(i) },
      spec,
      status: {
        sync: { status: 'OutOfSync', revision, comparedTo: spec },
        health: { status: 'Healthy' },
      },
    };
  });
}

/** What the sync does with a started sync: finished, Synced and Healthy at the revision. */
function synced(app: AppView, revision: string): AppView {
  return {
    ...app,
    status: {
      ...app.status,
      sync: { ...app.status!.sync, status: 'Synced' },
      health: { status: 'Healthy' },
      operationState: {
        phase: 'Succeeded',
        operation: { info: [{ name: 'Rollout', value: rolloutMarker(app, [revision]) }] },
        syncResult: { revision },
      },
    },
  };
}

const revision = 'b'.repeat(40);
let apps = fleet(revision);
let previous: ApplicationRolloutStatus[] = [];
const passMs: number[] = [];
const passCpuMs: number[] = [];
let syncs = 0;
let maxConcurrent = 0;
const cpu = cpuUsage();
const wall = performance.now();
for (let pass = 0; pass < 1000; pass++) {
  const started = performance.now();
  const cpuBefore = cpuUsage();
  const result = computeRollout({ strategy, previous, apps, resumed: new Set(), now: new Date() });
  passMs.push(performance.now() - started);
  const spent = cpuUsage(cpuBefore);
  passCpuMs.push((spent.user + spent.system) / 1000);
  previous = result.entries;
  syncs += result.syncs.length;
  maxConcurrent = Math.max(maxConcurrent, result.syncs.length);
  if (result.currentStep === undefined) break;
  const names = new Set(result.syncs.map((s) => s.application));
  apps = apps.map((app) => (names.has(app.name) ? synced(app, revision) : app));
}
const totalMs = performance.now() - wall;
const used = cpuUsage(cpu);
passMs.sort((a, b) => a - b);
passCpuMs.sort((a, b) => a - b);
const median = passMs[Math.floor(passMs.length / 2)]!;
const p95 = passMs[Math.floor(passMs.length * 0.95)]!;
console.log(`rollout state computation, ${APPS} Applications on 100 clusters, 3 steps (prod maxUpdate 10%)`);
console.log(
  `  passes until complete: ${passMs.length} (syncs started: ${syncs}, at most ${maxConcurrent} at once)`,
);
console.log(
  `  one pass: median ${median.toFixed(1)} ms wall (${passCpuMs[Math.floor(passCpuMs.length / 2)]!.toFixed(1)} ms CPU), p95 ${p95.toFixed(1)} ms wall`,
);
console.log(
  `  whole rollout: ${(totalMs / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU`,
);
