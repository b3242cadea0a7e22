/**
 * One sync operation against a spoke, in Argo CD's order:
 * 1. the destination namespace is created when `CreateNamespace=true`;
 * 2. every object is dry-run applied: one rejected object fails the operation before anything changes;
 * 3. tasks run phase by phase (PreSync, Sync, PostSync), wave by wave: out-of-sync resources are
 *    server-side applied (field manager `spokes`, conflicts forced, as Argo's SSA does), hooks are
 *    created afresh, pruned resources are deleted; before the next wave starts, the wave's
 *    resources must be healthy and its hooks finished;
 * 4. `PruneLast=true` prunes run after everything else; hook delete policies are honoured; on
 *    failure the SyncFail hooks run.
 */
import type { KubeClient } from '../kube/client.ts';
import { isAlreadyExists, KubeApiError } from '../kube/errors.ts';
import type { K8sRequest } from '../observability/app-metrics.ts';
import { inSpan, noopTracer, type Tracer } from '../observability/tracing.ts';
import { NAMESPACES, type KubeObject, type ResourceType } from '../kube/types.ts';
import { ANNOTATION_HOOK_DELETE_POLICY, annotationValues, isHook } from './annotations.ts';
import { resourceHealth } from './health/index.ts';
import { groupOf } from '../kube/types.ts';
import type { ClusterCache } from './live-cache.ts';
import { optionValue, propagationPolicy, resourceOption } from './options.ts';
import type { ProgressSink } from './progress.ts';
import { ShardFencedError } from '../shards/ownership.ts';
import { liveKey, type Target } from './targets.ts';
import { groupWaves, orderTasks, tasksFor, waveOf, type SyncPhase, type SyncTask } from './waves.ts';

export const FIELD_MANAGER = 'spokes';

export type ResultStatus = 'Synced' | 'SyncFailed' | 'Pruned' | 'PruneSkipped';

export interface ResourceResult {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly status: ResultStatus;
  readonly message: string;
  readonly syncPhase: SyncPhase;
  readonly hookType?: string;
  readonly hookPhase?: 'Succeeded' | 'Failed' | 'Running';
}

export interface OperationOutcome {
  readonly phase: 'Succeeded' | 'Failed';
  readonly message: string;
  readonly resources: readonly ResourceResult[];
  /** How many real (not dry-run) writes were made: applies, creates, deletes. */
  readonly writes: number;
  /** What the apiserver answered for each applied resource, by target key. */
  readonly applied: ReadonlyMap<string, KubeObject>;
  /** Keys of the pruned resources. */
  readonly pruned: ReadonlySet<string>;
}

export interface SyncRequest {
  readonly client: KubeClient;
  readonly cache: ClusterCache;
  readonly destinationNamespace: string;
  /** Every rendered object (hooks included). */
  readonly targets: readonly Target[];
  /** Keys of the non-hook targets to apply (the out-of-sync ones). */
  readonly apply: ReadonlySet<string>;
  /** Live tracked objects no longer rendered. */
  readonly orphans: readonly { readonly type: ResourceType; readonly obj: KubeObject }[];
  readonly prune: boolean;
  readonly syncOptions: readonly string[];
  readonly managedNamespaceMetadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  /** How long a wave may take to become healthy (and a hook to finish). */
  readonly waveTimeoutMs: number;
  /** The resource types the Application's objects have: while a watch of them fails, the cluster is unreachable. */
  readonly types: readonly ResourceType[];
  /** Told what the operation is doing or waiting for, as it goes. */
  readonly onProgress?: ProgressSink;
  /** The cluster's name for messages. */
  readonly clusterName: string;
  /** Told of each write or dry run made to the spoke. */
  readonly onRequest?: (request: K8sRequest) => void;
  readonly tracer?: Tracer;
}

class OperationFailed extends Error {}

interface Step {
  readonly task: SyncTask;
  readonly type: ResourceType;
  readonly target?: Target;
}

const POLL_MS = 100;

export async function runSync(request: SyncRequest): Promise<OperationOutcome> {
  const run = new SyncRun(request);
  const attributes = { 'spokes.cluster.server': request.client.server };
  return inSpan(request.tracer ?? noopTracer, 'sync.Sync', { attributes }, async (span) => {
    const outcome = await run.execute();
    span.setAttributes({ 'spokes.sync.phase': outcome.phase, 'spokes.sync.writes': outcome.writes });
    return outcome;
  });
}

class SyncRun {
  readonly #req: SyncRequest;
  readonly #results: ResourceResult[] = [];
  readonly #applied = new Map<string, KubeObject>();
  readonly #pruned = new Set<string>();
  #writes = 0;
  #lastReport = '';

  constructor(request: SyncRequest) {
    this.#req = request;
  }

  async execute(): Promise<OperationOutcome> {
    const steps = this.#steps();
    try {
      this.#report('one or more tasks are running');
      await this.#createNamespace();
      await this.#dryRun(steps);
      const normal = steps.filter((s) => s.task.phase !== 'SyncFail');
      const [regular, last] = partition(normal, (s) => !(s.task.prune && this.#pruneLast(s.task.obj)));
      const groups = groupWaves(regular.map((s) => s.task)).map((g) =>
        steps.filter((s) => g.tasks.includes(s.task)),
      );
      if (last.length > 0) groups.push(last);
      // A wave's resources must be healthy before the next starts; after the last, only hooks are awaited.
      for (const [i, group] of groups.entries()) {
        const first = group[0]?.task;
        const attributes = { 'spokes.sync.phase': first?.phase ?? '', 'spokes.sync.wave': first?.wave ?? 0 };
        await inSpan(this.#tracer, 'sync.runTasks', { attributes }, () =>
          this.#runGroup(group, i < groups.length - 1),
        );
      }
      const failedHook = this.#results.find((r) => r.hookPhase === 'Failed');
      if (failedHook !== undefined) throw new OperationFailed(failedHook.message);
      return this.#outcome('Succeeded', 'successfully synced (all tasks run)');
    } catch (err) {
      // Fenced: this replica may not write to the cluster now. That is no verdict on the sync, so
      // nothing is recorded (an automated sync is never retried for a revision it failed at);
      // the reconcile fails and is retried, here once the Lease is renewed, or by the new owner.
      if (err instanceof ShardFencedError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      await this.#runSyncFailHooks(steps).catch(() => undefined);
      return this.#outcome('Failed', message);
    }
  }

  #outcome(phase: OperationOutcome['phase'], message: string): OperationOutcome {
    return {
      phase,
      message,
      resources: this.#results,
      writes: this.#writes,
      applied: this.#applied,
      pruned: this.#pruned,
    };
  }

  get #tracer(): Tracer {
    return this.#req.tracer ?? noopTracer;
  }

  /** One request to the spoke, in a span (Argo's sync.apply / sync.prune for real writes) and counted. */
  async #request<T>(verb: string, obj: KubeObject, dryRun: boolean, work: () => Promise<T>): Promise<T> {
    const report = (code: number): void =>
      this.#req.onRequest?.({
        server: this.#req.client.server,
        verb,
        kind: obj.kind,
        namespace: obj.metadata.namespace ?? '',
        code,
        dryRun,
      });
    const call = async (): Promise<T> => {
      try {
        const out = await work();
        report(verb === 'Create' ? 201 : 200);
        return out;
      } catch (err) {
        report(err instanceof KubeApiError ? err.status : 0);
        throw err;
      }
    };
    if (dryRun) return call();
    const attributes = {
      'argocd.resource.group': groupOf(obj.apiVersion),
      'argocd.resource.kind': obj.kind,
      'argocd.resource.namespace': obj.metadata.namespace ?? '',
      'argocd.resource.name': obj.metadata.name ?? '',
      'spokes.cluster.server': this.#req.client.server,
    };
    return inSpan(this.#tracer, verb === 'Delete' ? 'sync.prune' : 'sync.apply', { attributes }, call);
  }

  #pruneLast(obj: KubeObject): boolean {
    return resourceOption(obj, this.#req.syncOptions, 'PruneLast') === 'true';
  }

  /** The tasks to run, in Argo's order: applies of out-of-sync resources, hooks, prunes. */
  #steps(): Step[] {
    const byTask = new Map<SyncTask, Step>();
    const tasks: SyncTask[] = [];
    for (const target of this.#req.targets) {
      const hook = isHook(target.obj);
      if (!hook && !this.#req.apply.has(target.key)) continue;
      for (const task of tasksFor(target.obj)) {
        if (!hook && task.phase !== 'Sync') continue;
        tasks.push(task);
        byTask.set(task, { task, type: target.type, target });
      }
    }
    for (const orphan of this.#req.orphans) {
      if (isHook(orphan.obj)) continue;
      const task: SyncTask = { phase: 'Sync', wave: waveOf(orphan.obj), obj: orphan.obj, prune: true };
      tasks.push(task);
      byTask.set(task, { task, type: orphan.type });
    }
    return orderTasks(tasks).map((t) => byTask.get(t)!);
  }

  async #createNamespace(): Promise<void> {
    const ns = this.#req.destinationNamespace;
    if (ns === '' || optionValue(this.#req.syncOptions, 'CreateNamespace') !== 'true') return;
    const meta = this.#req.managedNamespaceMetadata ?? {};
    this.#writes++;
    await this.#req.client.apply(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: ns,
          ...(meta.labels ? { labels: meta.labels } : {}),
          ...(meta.annotations ? { annotations: meta.annotations } : {}),
        },
      },
      { fieldManager: FIELD_MANAGER, force: true },
    );
  }

  /** Dry-runs every apply and hook; the first rejection fails the operation with nothing changed. */
  async #dryRun(steps: readonly Step[]): Promise<void> {
    const namespacesInSync = new Set(
      this.#req.targets
        .filter((t) => t.obj.kind === 'Namespace' && t.type.group === '')
        .map((t) => t.obj.metadata.name),
    );
    const failures: ResourceResult[] = [];
    let fenced: ShardFencedError | undefined;
    await Promise.all(
      steps.map(async (step) => {
        if (step.task.prune || step.target === undefined || step.target.pendingCrd) return;
        const obj = step.target.obj;
        if (obj.metadata.namespace !== undefined && namespacesInSync.has(obj.metadata.namespace)) {
          const exists = await this.#req.client.get(NAMESPACES, undefined, obj.metadata.namespace);
          if (exists === undefined) return;
        }
        try {
          if (isHook(obj) && (obj.metadata.name ?? '') === '') {
            await this.#request('Create', obj, true, () =>
              this.#req.client.create(step.type, obj, { dryRun: true, fieldManager: FIELD_MANAGER }),
            );
          } else if (!isHook(obj)) {
            await this.#applyObject(step.type, obj, true);
          }
        } catch (err) {
          if (isAlreadyExists(err)) return;
          if (err instanceof ShardFencedError) fenced = err;
          else failures.push(this.#result(step, 'SyncFailed', `dry run: ${messageOf(err)}`));
        }
      }),
    );
    if (fenced !== undefined) throw fenced;
    if (failures.length > 0) {
      this.#results.push(...failures);
      throw new OperationFailed(
        `one or more objects failed to apply (dry run), nothing was changed: ${failures.map((f) => `${f.kind}/${f.name}: ${f.message}`).join('; ')}`,
      );
    }
  }

  async #runGroup(steps: readonly Step[], waitForResources: boolean): Promise<void> {
    const applied: { type: ResourceType; obj: KubeObject; step: Step }[] = [];
    const errors: string[] = [];
    let fenced: ShardFencedError | undefined;
    await Promise.all(
      steps.map(async (step) => {
        try {
          if (step.task.prune) await this.#prune(step);
          else if (isHook(step.task.obj)) applied.push({ ...(await this.#createHook(step)), step });
          else {
            const live = await this.#applyObject(step.type, step.task.obj, false);
            this.#results.push(
              this.#result(
                step,
                'Synced',
                `${step.task.obj.kind.toLowerCase()}/${live.metadata.name} serverside-applied`,
              ),
            );
            applied.push({ type: step.type, obj: live, step });
            if (step.target !== undefined) this.#applied.set(step.target.key, live);
          }
        } catch (err) {
          if (err instanceof ShardFencedError) {
            fenced = err;
            return;
          }
          const message = messageOf(err);
          this.#results.push(this.#result(step, 'SyncFailed', message));
          errors.push(`${step.task.obj.kind}/${step.task.obj.metadata.name}: ${message}`);
        }
      }),
    );
    if (fenced !== undefined) throw fenced;
    if (errors.length > 0)
      throw new OperationFailed(`one or more objects failed to apply: ${errors.join('; ')}`);
    const awaited = waitForResources ? applied : applied.filter((a) => isHook(a.step.task.obj));
    await inSpan(this.#tracer, 'spokes.health', { attributes: { 'spokes.resources': awaited.length } }, () =>
      this.#waitHealthy(awaited),
    );
  }

  async #applyObject(type: ResourceType, obj: KubeObject, dryRun: boolean): Promise<KubeObject> {
    if (!dryRun) this.#writes++;
    return this.#request('Patch', obj, dryRun, () =>
      this.#req.client.patch<KubeObject>(
        type,
        { namespace: obj.metadata.namespace, name: obj.metadata.name },
        obj,
        { type: 'apply', fieldManager: FIELD_MANAGER, force: true, ...(dryRun ? { dryRun: true } : {}) },
      ),
    );
  }

  async #prune(step: Step): Promise<void> {
    const obj = step.task.obj;
    const disabled = resourceOption(obj, [], 'Prune') === 'false';
    if (!this.#req.prune || disabled) {
      this.#results.push(
        this.#result(
          step,
          'PruneSkipped',
          disabled ? 'ignored (no prune: Prune=false)' : 'ignored (requires pruning)',
        ),
      );
      return;
    }
    this.#writes++;
    await this.#request('Delete', obj, false, () =>
      this.#req.client.delete(step.type, obj.metadata.namespace, obj.metadata.name, {
        propagationPolicy: propagationPolicy(this.#req.syncOptions),
        ...(obj.metadata.uid ? { preconditions: { uid: obj.metadata.uid } } : {}),
      }),
    );
    this.#pruned.add(liveKey(obj));
    this.#results.push(this.#result(step, 'Pruned', 'pruned'));
  }

  /** Hooks are created afresh; `BeforeHookCreation` (the default) deletes the previous one first. */
  async #createHook(step: Step): Promise<{ type: ResourceType; obj: KubeObject }> {
    const obj = step.task.obj;
    const policies = deletePolicies(obj);
    const client = this.#req.client;
    if (obj.metadata.name && policies.has('BeforeHookCreation')) {
      await this.#deleteAndWait(step.type, obj);
    }
    if (obj.metadata.name !== undefined && obj.metadata.name !== '') {
      return { type: step.type, obj: await this.#applyObject(step.type, obj, false) };
    }
    this.#writes++;
    const created = await this.#request('Create', obj, false, () =>
      client.create(step.type, obj, { fieldManager: FIELD_MANAGER }),
    );
    return { type: step.type, obj: created };
  }

  async #deleteAndWait(type: ResourceType, obj: KubeObject): Promise<void> {
    const client = this.#req.client;
    if ((await client.get(type, obj.metadata.namespace, obj.metadata.name)) === undefined) return;
    this.#writes++;
    await client.delete(type, obj.metadata.namespace, obj.metadata.name, { propagationPolicy: 'Foreground' });
    const deadline = Date.now() + this.#req.waveTimeoutMs;
    while ((await client.get(type, obj.metadata.namespace, obj.metadata.name)) !== undefined) {
      if (Date.now() > deadline)
        throw new OperationFailed(
          `${obj.kind}/${obj.metadata.name}: the previous hook was not deleted in time`,
        );
      await sleep(POLL_MS);
    }
  }

  /** Waits for applied resources to be healthy and hooks to finish; a failed hook or Degraded resource fails the wave. */
  async #waitHealthy(applied: readonly { type: ResourceType; obj: KubeObject; step: Step }[]): Promise<void> {
    const pending = new Set(applied);
    const deadline = Date.now() + this.#req.waveTimeoutMs;
    for (;;) {
      if (!this.#req.cache.reachable(this.#req.types)) {
        // What the cache holds may be stale: wait for the cluster, and say so.
        this.#report(`cluster ${this.#req.clusterName} unreachable: ${waitingFor(pending)}`, true);
        if (Date.now() > deadline) throw new OperationFailed(`cluster ${this.#req.clusterName} unreachable`);
        await sleep(POLL_MS);
        continue;
      }
      for (const entry of [...pending]) {
        const verdict = this.#verdict(entry);
        if (verdict === 'wait') continue;
        pending.delete(entry);
        if (isHook(entry.step.task.obj)) await this.#finishHook(entry, verdict);
        else if (verdict === 'failed') {
          throw new OperationFailed(`${entry.obj.kind}/${entry.obj.metadata.name} is Degraded`);
        }
      }
      if (pending.size === 0) return;
      this.#report(waitingFor(pending));
      if (Date.now() > deadline) {
        const names = [...pending].map((e) => `${e.obj.kind}/${e.obj.metadata.name}`).join(', ');
        throw new OperationFailed(`timed out waiting for ${names} to become healthy`);
      }
      await sleep(POLL_MS);
    }
  }

  #verdict(entry: { type: ResourceType; obj: KubeObject }): 'done' | 'failed' | 'wait' {
    const cached = this.#req.cache.get(
      entry.type,
      entry.obj.metadata.namespace ?? '',
      entry.obj.metadata.name,
    );
    // The cache may still hold the object from before our write: use whichever is newer.
    const live = cached !== undefined && newer(cached, entry.obj) ? cached : entry.obj;
    const health = resourceHealth(live);
    if (health === undefined || health.status === 'Healthy') return 'done';
    if (health.status === 'Degraded') return 'failed';
    // Resources that are not hooks need not finish: Suspended counts as done for them.
    if (health.status === 'Suspended' && !isHook(live)) return 'done';
    return 'wait';
  }

  async #finishHook(
    entry: { type: ResourceType; obj: KubeObject; step: Step },
    verdict: 'done' | 'failed',
  ): Promise<void> {
    const policies = deletePolicies(entry.step.task.obj);
    const succeeded = verdict === 'done';
    this.#results.push({
      ...this.#result(
        entry.step,
        'Synced',
        succeeded
          ? `${entry.obj.kind}/${entry.obj.metadata.name} succeeded`
          : `${entry.obj.kind}/${entry.obj.metadata.name} failed`,
      ),
      name: entry.obj.metadata.name,
      hookType: entry.step.task.phase,
      hookPhase: succeeded ? 'Succeeded' : 'Failed',
    });
    if ((succeeded && policies.has('HookSucceeded')) || (!succeeded && policies.has('HookFailed'))) {
      this.#writes++;
      await this.#req.client.delete(entry.type, entry.obj.metadata.namespace, entry.obj.metadata.name, {
        propagationPolicy: 'Background',
      });
    }
    if (!succeeded) throw new OperationFailed(`hook ${entry.obj.kind}/${entry.obj.metadata.name} failed`);
  }

  /** Best effort: SyncFail hooks are started, not waited for. */
  async #runSyncFailHooks(steps: readonly Step[]): Promise<void> {
    for (const step of steps) if (step.task.phase === 'SyncFail') await this.#createHook(step);
  }

  /** Tells the listener what the operation waits for, when that changed. */
  #report(message: string, unreachable = false): void {
    if (message === this.#lastReport) return;
    this.#lastReport = message;
    this.#req.onProgress?.({
      message,
      resources: [...this.#results],
      applied: this.#applied,
      ...(unreachable ? { unreachable: message } : {}),
    });
  }

  #result(step: Step, status: ResultStatus, message: string): ResourceResult {
    const obj = step.task.obj;
    const hook = isHook(obj);
    return {
      group: groupOf(obj.apiVersion),
      version: step.type.version,
      kind: obj.kind,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name,
      status,
      message,
      syncPhase: step.task.phase,
      ...(hook ? { hookType: step.task.phase } : {}),
    };
  }
}

type DeletePolicy = 'HookSucceeded' | 'HookFailed' | 'BeforeHookCreation';

const HELM_DELETE_POLICIES: Readonly<Record<string, DeletePolicy>> = {
  'hook-succeeded': 'HookSucceeded',
  'hook-failed': 'HookFailed',
  'before-hook-creation': 'BeforeHookCreation',
};

/** A hook's delete policies (Argo's annotation, else Helm's); none given means BeforeHookCreation. */
export function deletePolicies(obj: KubeObject): Set<DeletePolicy> {
  const argo = annotationValues(obj, ANNOTATION_HOOK_DELETE_POLICY).filter(
    (p): p is DeletePolicy => p === 'HookSucceeded' || p === 'HookFailed' || p === 'BeforeHookCreation',
  );
  const helm = annotationValues(obj, 'helm.sh/hook-delete-policy').flatMap((p) => {
    const mapped = HELM_DELETE_POLICIES[p];
    return mapped === undefined ? [] : [mapped];
  });
  const policies = new Set<DeletePolicy>(argo.length > 0 ? argo : helm);
  if (policies.size === 0) policies.add('BeforeHookCreation');
  return policies;
}

/** Argo CD's wording: "waiting for healthy state of apps/Deployment/web" (hooks: "completion of hook"). */
function waitingFor(pending: ReadonlySet<{ obj: KubeObject; step: Step }>): string {
  const entries = [...pending];
  const first = entries[0];
  if (first === undefined) return 'one or more tasks are running';
  const group = groupOf(first.obj.apiVersion);
  const name = `${group === '' ? '' : `${group}/`}${first.obj.kind}/${first.obj.metadata.name}`;
  const what = isHook(first.step.task.obj) ? `completion of hook ${name}` : `healthy state of ${name}`;
  const more = entries.length > 1 ? ` and ${entries.length - 1} more` : '';
  return `waiting for ${what}${more} (wave ${first.step.task.wave})`;
}

function newer(a: KubeObject, b: KubeObject): boolean {
  const ra = Number(a.metadata.resourceVersion ?? 0);
  const rb = Number(b.metadata.resourceVersion ?? 0);
  return Number.isFinite(ra) && Number.isFinite(rb) ? ra >= rb : true;
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
