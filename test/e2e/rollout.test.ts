/**
 * Progressive sync on the harness with real spokes: an ApplicationSet over three destinations
 * (spoke-a = dev, spoke-b = staging, the hub itself as in-cluster = prod), two components each,
 * and three steps (prod with maxUpdate 1). The test plays the kubelet (pods marked Ready) and
 * samples the hub continuously (one LIST is one consistent snapshot) to check, at every moment:
 * a step's syncs start only once every Application of the earlier steps is Synced at the new
 * revision and Healthy; never more than maxUpdate prod Applications update at once. Then: a
 * Degraded workload in step 2 stops the rollout with a clear condition and resume continues; a
 * controller restart in the middle of a rollout resumes it with no step skipped and no
 * Application synced twice for one revision; Reverse deletion deletes step by step, last first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resumeRollout } from '../../src/api/rollout-resume.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { Informer } from '../../src/kube/informer.ts';
import { APPLICATION_SETS, APPLICATIONS, type KubeObject } from '../../src/kube/types.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import { RolloutController } from '../../src/rollout/controller.ts';
import { createGitRepo, type GitRepo } from '../harness/git-repo.ts';
import { markPodsReady, pollUntil, registerSpoke, useHarness, type Cluster } from '../harness/index.ts';
import { clientFor, createNamespace, startController, type ControllerHandle } from './support/hub.ts';
import { startSync, type SyncHandle } from './support/sync.ts';

const URL = 'https://git.example/rollout.git';
const NS = 'argocd';
const DESTINATIONS = [
  { cluster: 'spoke-a', env: 'dev' },
  { cluster: 'spoke-b', env: 'staging' },
  { cluster: 'in-cluster', env: 'prod' },
];
const COMPONENTS = ['web', 'api'];
const ENVS = ['dev', 'staging', 'prod'];

const deployment = (image: string): string =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'svc' },
    spec: {
      replicas: 1,
      // Short, so a workload whose pods never become ready turns Degraded within the test.
      progressDeadlineSeconds: 8,
      selector: { matchLabels: { app: 'svc' } },
      template: { metadata: { labels: { app: 'svc' } }, spec: { containers: [{ name: 'svc', image }] } },
    },
  });

const appSet = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'fleet', namespace: NS },
  spec: {
    goTemplate: true,
    generators: [
      {
        list: {
          elements: DESTINATIONS.flatMap((d) => COMPONENTS.map((component) => ({ ...d, component }))),
        },
      },
    ],
    strategy: {
      type: 'RollingSync',
      deletionOrder: 'Reverse',
      rollingSync: {
        steps: [
          { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] },
          { matchExpressions: [{ key: 'env', operator: 'In', values: ['staging'] }] },
          { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }], maxUpdate: 1 },
        ],
      },
    },
    template: {
      metadata: { name: '{{.component}}-{{.env}}', labels: { env: '{{.env}}' } },
      spec: {
        project: 'default',
        source: { repoURL: URL, path: 'svc', targetRevision: 'main' },
        destination: { name: '{{.cluster}}', namespace: 'ro-{{.component}}' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
      },
    },
  },
};

type App = KubeObject & {
  operation?: { info?: { name: string; value: string }[] };
  spec: { syncPolicy?: { automated?: { enabled?: boolean } } };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string };
    operationState?: {
      phase?: string;
      operation?: { info?: { name: string; value: string }[] };
      syncResult?: { revision?: string };
    };
    history?: { revision?: string }[];
  };
};
type AppSetObj = KubeObject & {
  status?: {
    conditions?: { type: string; status: string; reason: string; message: string }[];
    applicationStatus?: { application: string; status: string; step: string; message: string }[];
  };
};

const envOf = (app: App): string => app.metadata.labels?.['env'] ?? '';
const marker = (info: { name: string; value: string }[] | undefined): string | undefined =>
  info?.find((i) => i.name === 'Rollout')?.value;
/** The revision a rollout sync in flight or recorded is for. */
function rolloutRevisions(app: App): string[] {
  return [marker(app.operation?.info), marker(app.status?.operationState?.operation?.info)]
    .filter((m): m is string => m !== undefined)
    .map((m) => m.slice(m.indexOf('@') + 1));
}
const updating = (app: App): boolean =>
  app.operation !== undefined || app.status?.operationState?.phase === 'Running';
const doneAt = (app: App, revision: string): boolean =>
  app.status?.sync?.status === 'Synced' &&
  app.status.sync.revision === revision &&
  app.status.health?.status === 'Healthy';

/** Continuous samples of the hub, each checked against the rollout's invariants. */
class Sampler {
  readonly #violations = new Set<string>();
  samples = 0;
  maxProdUpdating = 0;
  #stop = false;
  #loop: Promise<void> | undefined;
  #revision = '';
  /** Applications seen Synced and Healthy at the current revision (they stay so until the next push). */
  readonly #reached = new Set<string>();
  readonly hub: KubeClient;

  constructor(hub: KubeClient) {
    this.hub = hub;
  }

  start(): void {
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await this.#loop;
  }

  /** Applications a person let the rollout continue past (resume): later steps may start without them. */
  acknowledge(names: readonly string[]): void {
    for (const name of names) this.#reached.add(name);
  }

  get violations(): string[] {
    return [...this.#violations];
  }

  get revision(): string {
    return this.#revision;
  }

  set revision(revision: string) {
    this.#revision = revision;
    this.#reached.clear();
  }

  async #run(): Promise<void> {
    while (!this.#stop) {
      const apps = (await this.hub.list<App>(APPLICATIONS, { namespace: NS }).catch(() => undefined))?.items;
      if (apps !== undefined && this.revision !== '') this.#check(apps);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  #check(apps: readonly App[]): void {
    this.samples++;
    const revision = this.#revision;
    for (const app of apps) if (doneAt(app, revision)) this.#reached.add(app.metadata.name);
    const prodUpdating = apps.filter((a) => envOf(a) === 'prod' && updating(a)).length;
    this.maxProdUpdating = Math.max(this.maxProdUpdating, prodUpdating);
    if (prodUpdating > 1) this.#violations.add(`${prodUpdating} prod Applications updating at once`);
    for (const [index, env] of ENVS.entries()) {
      const started = apps.filter((a) => envOf(a) === env && rolloutRevisions(a).includes(revision));
      if (started.length === 0) continue;
      const earlier = apps.filter((a) => ENVS.indexOf(envOf(a)) < index);
      const notDone = earlier.filter((a) => !this.#reached.has(a.metadata.name)).map((a) => a.metadata.name);
      if (notDone.length > 0)
        this.#violations.add(
          `${started.map((a) => a.metadata.name).join(',')} started at ${revision} before ${notDone.join(',')} was Synced and Healthy there`,
        );
    }
  }
}

/** The kubelet's part: pods of the rollout namespaces marked Ready, except on the clusters held back. */
class Kubelet {
  readonly #held = new Set<string>();
  #stop = false;
  #loop: Promise<void> | undefined;
  readonly clusters: ReadonlyMap<string, Cluster>;

  constructor(clusters: ReadonlyMap<string, Cluster>) {
    this.clusters = clusters;
  }

  hold(cluster: string): void {
    this.#held.add(cluster);
  }

  release(cluster: string): void {
    this.#held.delete(cluster);
  }

  start(): void {
    this.#loop = (async () => {
      while (!this.#stop) {
        for (const [name, cluster] of this.clusters) {
          if (this.#held.has(name)) continue;
          for (const component of COMPONENTS)
            await markPodsReady(cluster, `ro-${component}`).catch(() => undefined);
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await this.#loop;
  }
}

const condition = (set: AppSetObj | undefined, type: string) =>
  set?.status?.conditions?.find((c) => c.type === type);

describe('progressive sync (RollingSync) on real clusters', () => {
  const harness = useHarness();
  let repo: GitRepo;
  let hub: KubeClient;
  let appsets: ControllerHandle;
  let sync: SyncHandle;
  let rollout: RolloutController;
  let kubelet: Kubelet;
  let sampler: Sampler;

  const startRollout = async (): Promise<RolloutController> => {
    const controller = new RolloutController({
      hub,
      namespace: NS,
      appSetNamespaces: [],
      log: process.env.SPOKES_E2E_LOG ? createLogger({ level: 'debug' }) : silentLogger,
    });
    await controller.start();
    return controller;
  };
  const getSet = () => hub.get<AppSetObj>(APPLICATION_SETS, NS, 'fleet');
  const listApps = async () => (await hub.list<App>(APPLICATIONS, { namespace: NS })).items;
  /** A push: the repository cache refreshed and every Application asked to compare again. */
  const push = async (image: string): Promise<string> => {
    const revision = await repo.commit('main', { 'svc/deployment.yaml': deployment(image) });
    sampler.revision = revision;
    sync.repos.refresh(URL);
    for (const app of await listApps())
      await hub.patch(
        APPLICATIONS,
        { namespace: NS, name: app.metadata.name },
        { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } },
        { type: 'merge' },
      );
    return revision;
  };
  const waitComplete = (what: string, timeoutMs = 240_000) =>
    pollUntil(
      async () => {
        const set = await getSet();
        const progressing = condition(set, 'RolloutProgressing');
        // Complete over all six Applications (with none created yet, every step is empty: complete too).
        const entries = set?.status?.applicationStatus ?? [];
        const all = entries.length === 6 && entries.every((e) => e.status === 'Healthy');
        return progressing?.reason === 'ApplicationSetRolloutComplete' && all ? set : undefined;
      },
      { timeoutMs, intervalMs: 250, what },
    );

  before(async () => {
    repo = await createGitRepo({ branches: { main: { 'svc/deployment.yaml': deployment('nginx:1') } } });
    hub = clientFor(harness().hub);
    await createNamespace(hub, NS);
    await registerSpoke(harness().hub, harness().cluster('spoke-a'));
    await registerSpoke(harness().hub, harness().cluster('spoke-b'));
    const localRepos = new Map([[URL, repo.path]]);
    appsets = await startController(hub, NS, { localRepos });
    sync = await startSync(hub, NS, { localRepos, resyncSeconds: 2, waveTimeoutSeconds: 120 });
    rollout = await startRollout();
    kubelet = new Kubelet(
      new Map([
        ['spoke-a', harness().cluster('spoke-a')],
        ['spoke-b', harness().cluster('spoke-b')],
        ['in-cluster', harness().hub],
      ]),
    );
    kubelet.start();
    sampler = new Sampler(hub);
    sampler.start();
  });

  after(async () => {
    await sampler?.stop();
    await kubelet?.stop();
    await rollout?.stop();
    await sync?.stop();
    await appsets?.stop();
    await repo?.cleanup();
  });

  test('the first rollout goes step by step, with automated sync turned off on the Applications', async () => {
    sampler.revision = await repo.revParse('main');
    await hub.create(APPLICATION_SETS, appSet);
    const set = await waitComplete('the first rollout complete');
    assert.equal(set.status?.applicationStatus?.length, 6);
    assert.ok(set.status?.applicationStatus?.every((e) => e.status === 'Healthy'));
    for (const app of await listApps()) assert.equal(app.spec.syncPolicy?.automated?.enabled, false);
    assert.equal(condition(set, 'InvalidRolloutConfig')?.status, 'False');
    assert.deepEqual(sampler.violations, []);
  });

  test('a push rolls out step by step; a Degraded workload in step 2 stops it; resume continues', async () => {
    kubelet.hold('spoke-b');
    const revision = await push('nginx:2');
    const stopped = await pollUntil(
      async () => {
        const set = await getSet();
        return condition(set, 'RolloutProgressing')?.reason === 'ApplicationSetRolloutError'
          ? set
          : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 250, what: 'the rollout stopped by a Degraded staging workload' },
    );
    const message = condition(stopped, 'RolloutProgressing')!.message;
    assert.match(
      message,
      /Rollout stopped at step 2: Application (web|api)-staging at [0-9a-f]+: it is Degraded/,
    );
    // Nothing of step 3 moved while stopped (given time to do so wrongly).
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const app of (await listApps()).filter((a) => envOf(a) === 'prod'))
      assert.ok(!rolloutRevisions(app).includes(revision), `${app.metadata.name} was synced while stopped`);

    kubelet.release('spoke-b');
    const { resumed } = await resumeRollout(hub, { namespace: NS, name: 'fleet' });
    sampler.acknowledge(resumed);
    await waitComplete('the rollout complete after resume');
    for (const app of (await listApps()).filter((a) => envOf(a) === 'prod')) assert.ok(doneAt(app, revision));
    assert.deepEqual(sampler.violations, []);
    assert.equal(sampler.maxProdUpdating, 1, 'prod updated one at a time (maxUpdate 1), and did update');
  });

  test('a controller restart in the middle of a rollout resumes it: no step skipped, no double sync', async () => {
    const revision = await push('nginx:3');
    await pollUntil(
      async () =>
        (await listApps()).some((a) => envOf(a) === 'staging' && rolloutRevisions(a).includes(revision)),
      { timeoutMs: 180_000, intervalMs: 100, what: 'step 2 started' },
    );
    await rollout.stop();
    await appsets.stop();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    appsets = await startController(hub, NS, { localRepos: new Map([[URL, repo.path]]) });
    rollout = await startRollout();
    await waitComplete('the rollout complete after the restart');
    for (const app of await listApps()) {
      const syncs = (app.status?.history ?? []).filter((h) => h.revision === revision).length;
      assert.equal(syncs, 1, `${app.metadata.name} synced ${syncs} times at ${revision}`);
    }
    assert.deepEqual(sampler.violations, []);
    process.stderr.write(`rollout e2e: ${sampler.samples} samples checked\n`);
  });

  test('deletionOrder Reverse deletes step by step, last step first', async () => {
    await sampler.stop();
    const deleted: string[] = [];
    const watch = new Informer<App>(hub, APPLICATIONS, { namespace: NS }, silentLogger);
    watch.on({ delete: (app) => deleted.push(envOf(app)) });
    watch.start();
    await watch.synced;
    try {
      await hub.delete(APPLICATION_SETS, NS, 'fleet');
      await pollUntil(async () => (await getSet()) === undefined && deleted.length === 6, {
        timeoutMs: 120_000,
        what: 'the ApplicationSet and its Applications gone',
      });
      assert.deepEqual(deleted, ['prod', 'prod', 'staging', 'staging', 'dev', 'dev']);
    } finally {
      await watch.stop();
    }
  });
});
