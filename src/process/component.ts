/**
 * What the process runs: components (the ApplicationSet half, the sync half, and those to come)
 * started and stopped together, each serving its own HTTP routes. Components never reach into each
 * other; the hub's objects are the interface between them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PullRequestEvent } from '../webhook/pull-request.ts';

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** An exact path, or a prefix when it ends with `/`. */
  readonly path: string;
  /** Who may call it and how that is checked (shown in docs and reviews; the handler enforces it). */
  readonly access: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface Component {
  readonly name: string;
  /** True once its caches are filled and it acts. */
  readonly ready: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A verified git push: refresh what reads these repositories; returns how much was queued. */
  onPush?(repoURLs: readonly string[]): number;
  /** A verified pull request event: re-run what reads that repository's pull requests. */
  onPullRequest?(event: PullRequestEvent): number;
  readonly routes?: readonly Route[];
  /** Per shard it holds: Applications or ApplicationSets queued, and clusters served (metrics). */
  shardLoad?(): readonly ShardLoad[];
}

export interface ShardLoad {
  readonly shard: number;
  readonly queueDepth: number;
  readonly clusters: number;
}
