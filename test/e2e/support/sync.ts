/** Helpers for sync e2e tests: an in-process SyncController on a harness hub, and Application waits. */
import { dirname } from 'node:path';
import type { ChartSource } from '../../../src/charts/index.ts';
import { createRepoSource, type GitRepoSource } from '../../../src/git/index.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { APPLICATIONS, type KubeObject } from '../../../src/kube/types.ts';
import { createLogger, silentLogger } from '../../../src/log.ts';
import { SyncController } from '../../../src/sync/controller.ts';
import { requireBinaries } from '../../harness/bins.ts';
import { pollUntil } from '../../harness/index.ts';

export interface SyncHandle {
  readonly sync: SyncController;
  readonly repos: GitRepoSource;
  stop(): Promise<void>;
}

export async function startSync(
  hub: KubeClient,
  namespace: string,
  options: {
    localRepos: ReadonlyMap<string, string>;
    resyncSeconds?: number;
    waveTimeoutSeconds?: number;
    charts?: ChartSource;
  },
): Promise<SyncHandle> {
  const bins = requireBinaries(['kustomize', 'helm']);
  const repos = createRepoSource({ localRepos: options.localRepos });
  const sync = new SyncController({
    hub,
    namespace,
    repos,
    ...(options.charts ? { charts: options.charts } : {}),
    tools: { kustomize: bins.kustomize, helm: bins.helm, searchPath: dirname(bins.kustomize) },
    resyncSeconds: options.resyncSeconds ?? 180,
    waveTimeoutSeconds: options.waveTimeoutSeconds ?? 60,
    log: process.env.SPOKES_E2E_LOG ? createLogger({ level: 'debug' }) : silentLogger,
  });
  await sync.start();
  return {
    sync,
    repos,
    stop: async () => {
      await sync.stop();
      repos.close();
    },
  };
}

export interface AppStatusView {
  sync?: { status?: string; revision?: string; revisions?: string[] };
  health?: { status?: string; message?: string };
  operationState?: {
    phase?: string;
    message?: string;
    syncResult?: { resources?: unknown[]; revision?: string; revisions?: string[] };
  };
  conditions?: { type: string; message: string }[];
  resources?: { kind: string; name: string; status: string; requiresPruning?: boolean }[];
  history?: unknown[];
}

export async function appStatus(hub: KubeClient, namespace: string, name: string): Promise<AppStatusView> {
  const app = await hub.get<KubeObject & { status?: AppStatusView }>(APPLICATIONS, namespace, name);
  return app?.status ?? {};
}

/** Waits until the Application's status passes `test`; returns it (on timeout the error shows the last status). */
export async function waitForApp(
  hub: KubeClient,
  namespace: string,
  name: string,
  test: (status: AppStatusView) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<AppStatusView> {
  let last: AppStatusView | undefined;
  try {
    return await pollUntil(
      async () => {
        last = await appStatus(hub, namespace, name);
        return test(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 100, what: `${namespace}/${name}: ${what}` },
    );
  } catch (err) {
    const { resources: _r, ...brief } = last ?? {};
    throw new Error(`${(err as Error).message}; last status: ${JSON.stringify(brief)}`, { cause: err });
  }
}

export const isSynced = (s: AppStatusView): boolean => s.sync?.status === 'Synced';
