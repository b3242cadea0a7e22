/** The Application status Spokes writes, in Argo CD's shape, and when it has changed. */
import { isDeepStrictEqual } from 'node:util';
import type { ApplicationSource } from '../api/application.ts';

export interface Condition {
  readonly type: string;
  readonly message: string;
  readonly lastTransitionTime?: string;
}

export interface HistoryEntry {
  readonly id: number;
  readonly revision?: string;
  readonly revisions?: readonly string[];
  readonly deployStartedAt: string;
  readonly deployedAt: string;
  readonly source?: ApplicationSource;
  readonly sources?: readonly ApplicationSource[];
}

/**
 * What a status names as deployed, in Argo CD's two shapes: one source gives `revision` and
 * `source`; `spec.sources` gives `revisions` and `sources`, one per source in order.
 */
export type Deployed =
  | { readonly revision: string; readonly source?: ApplicationSource }
  | { readonly revisions: readonly string[]; readonly sources: readonly ApplicationSource[] };

/** The deployed fields for an Application's spec and its resolved revisions. */
export function deployedFields(
  spec: { readonly source?: ApplicationSource; readonly sources?: readonly ApplicationSource[] },
  revisions: readonly string[],
): Deployed {
  if (spec.sources !== undefined && spec.sources.length > 0)
    return { revisions: [...revisions], sources: spec.sources };
  return { revision: revisions[0] ?? '', ...(spec.source ? { source: spec.source } : {}) };
}

/** The revisions a status or operation names, joined (to compare one with another). */
export function joinedRevision(
  fields: { readonly revision?: string; readonly revisions?: readonly string[] } | undefined,
): string | undefined {
  return fields?.revisions !== undefined ? fields.revisions.join(',') : fields?.revision;
}

export interface OperationState {
  readonly operation?: Record<string, unknown>;
  readonly phase?: string;
  readonly message?: string;
  readonly syncResult?: {
    readonly revision?: string;
    readonly revisions?: readonly string[];
    readonly resources?: unknown[];
    readonly source?: unknown;
    readonly sources?: readonly unknown[];
  };
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface StatusResource {
  readonly group?: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface AppStatus {
  readonly sync?: { readonly status?: string; readonly revision?: string; readonly comparedTo?: unknown };
  readonly health?: {
    readonly status: string;
    readonly message?: string;
    readonly lastTransitionTime?: string;
  };
  readonly resources?: readonly StatusResource[];
  readonly operationState?: OperationState;
  readonly history?: readonly HistoryEntry[];
  readonly reconciledAt?: string;
  readonly conditions?: readonly Condition[];
  readonly sourceType?: string;
  readonly [key: string]: unknown;
}

/** True when anything but `reconciledAt` differs. */
export function statusChanged(previous: AppStatus, next: AppStatus): boolean {
  const { reconciledAt: _a, ...a } = previous;
  const { reconciledAt: _b, ...b } = next;
  return !isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}

/** The next history entry: ids count up from the last one. */
export function historyEntry(
  history: readonly HistoryEntry[],
  entry: { deployed: Deployed; startedAt: string; deployedAt: string },
): HistoryEntry {
  const id = history.reduce((max, h) => Math.max(max, h.id), -1) + 1;
  return { id, ...entry.deployed, deployStartedAt: entry.startedAt, deployedAt: entry.deployedAt };
}

/**
 * The Application's health with Argo CD's `lastTransitionTime`: the time the status last changed,
 * kept while it does not (the catalog's on-deployed trigger compares it with the operation's end).
 */
export function healthWithTransition(
  previous: AppStatus['health'],
  next: { readonly status: string; readonly message?: string },
  at: string,
): NonNullable<AppStatus['health']> {
  const since = previous?.status !== next.status ? at : (previous.lastTransitionTime ?? at);
  return { ...next, lastTransitionTime: since };
}
