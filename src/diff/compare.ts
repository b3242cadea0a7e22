/**
 * What changes between the Applications of two sides: added, removed and changed ones (matched by
 * namespace/name, as Argo CD identifies them), with field-level changes for the changed ones.
 * Field paths read like `spec.source.targetRevision`, `metadata.labels["app.kubernetes.io/name"]`;
 * lists of maps that all carry a distinct `name` are matched by it (`helm.parameters[name=image]`),
 * lists of scalars as sets (`syncOptions[]` items added or removed, or the whole list when only the
 * order changed), other lists by index. Everything comes out in a deterministic order.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Application } from '../api/application.ts';
import { isPlainObject } from '../params.ts';

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One field that differs; `base` is absent for added fields, `head` for removed ones. */
export interface FieldChange {
  readonly path: string;
  readonly kind: ChangeKind;
  readonly base?: unknown;
  readonly head?: unknown;
}

/** An Application at one side, with where it came from. */
export interface SideApp {
  readonly app: Application;
  /** `namespace/name` of the ApplicationSet that produced it. */
  readonly appSet: string;
  /** The repository-relative file holding that ApplicationSet. */
  readonly file: string;
}

export interface AppEntry {
  readonly name: string;
  readonly namespace: string;
  /** The destination cluster: `destination.name`, else `destination.server`. */
  readonly cluster: string;
  readonly appSet: string;
  readonly file: string;
}

export interface AddedOrRemoved extends AppEntry {
  readonly app: Application;
}

export interface ChangedApp extends AppEntry {
  /** The cluster at the base side, when the Application moved. */
  readonly baseCluster?: string;
  readonly base: Application;
  readonly head: Application;
  readonly changes: readonly FieldChange[];
}

export interface Comparison {
  readonly added: readonly AddedOrRemoved[];
  readonly removed: readonly AddedOrRemoved[];
  readonly changed: readonly ChangedApp[];
  /** How many Applications are the same at both sides. */
  readonly unchanged: number;
  /** The Applications that are the same at both sides (head's), sorted like the others. */
  readonly same: readonly AddedOrRemoved[];
}

export const NO_CLUSTER = '(no destination)';

export function appKey(app: Application): string {
  return `${app.metadata.namespace ?? ''}/${app.metadata.name}`;
}

export function clusterOf(app: Application): string {
  const destination = app.spec.destination as { name?: unknown; server?: unknown } | undefined;
  const name = destination?.name;
  if (typeof name === 'string' && name !== '') return name;
  const server = destination?.server;
  return typeof server === 'string' && server !== '' ? server : NO_CLUSTER;
}

function entryOf(side: SideApp): AppEntry {
  return {
    name: side.app.metadata.name,
    namespace: side.app.metadata.namespace ?? '',
    cluster: clusterOf(side.app),
    appSet: side.appSet,
    file: side.file,
  };
}

/** Sort order of every list: cluster, then namespace, then name. */
export function compareEntries(a: AppEntry, b: AppEntry): number {
  return (
    compareText(a.cluster, b.cluster) || compareText(a.namespace, b.namespace) || compareText(a.name, b.name)
  );
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The comparison of two sides, each keyed by `appKey`. */
export function compareApps(
  base: ReadonlyMap<string, SideApp>,
  head: ReadonlyMap<string, SideApp>,
): Comparison {
  const added: AddedOrRemoved[] = [];
  const removed: AddedOrRemoved[] = [];
  const changed: ChangedApp[] = [];
  const same: AddedOrRemoved[] = [];
  for (const [key, b] of base) {
    const h = head.get(key);
    if (h === undefined) {
      removed.push({ ...entryOf(b), app: b.app });
      continue;
    }
    const changes = diffValues(b.app, h.app);
    if (changes.length === 0) {
      same.push({ ...entryOf(h), app: h.app });
      continue;
    }
    const entry = entryOf(h);
    const baseCluster = clusterOf(b.app);
    changed.push({
      ...entry,
      ...(baseCluster === entry.cluster ? {} : { baseCluster }),
      base: b.app,
      head: h.app,
      changes,
    });
  }
  for (const [key, h] of head) if (!base.has(key)) added.push({ ...entryOf(h), app: h.app });
  return {
    added: added.sort(compareEntries),
    removed: removed.sort(compareEntries),
    changed: changed.sort(compareEntries),
    unchanged: same.length,
    same: same.sort(compareEntries),
  };
}

export function hasChanges(c: Comparison): boolean {
  return c.added.length + c.removed.length + c.changed.length > 0;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `spec` + `source` → `spec.source`; keys that are not plain identifiers are quoted. */
export function joinPath(path: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** Every difference between two JSON-like values, outermost first, keys in sorted order. */
export function diffValues(base: unknown, head: unknown, path = ''): FieldChange[] {
  if (isDeepStrictEqual(base, head)) return [];
  if (isPlainObject(base) && isPlainObject(head)) return diffMaps(base, head, path);
  if (Array.isArray(base) && Array.isArray(head)) return diffLists(base, head, path);
  return [{ path, kind: 'changed', base, head }];
}

function diffMaps(base: Record<string, unknown>, head: Record<string, unknown>, path: string): FieldChange[] {
  const keys = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort(compareText);
  const out: FieldChange[] = [];
  for (const key of keys) {
    const at = joinPath(path, key);
    const inBase = Object.hasOwn(base, key);
    const inHead = Object.hasOwn(head, key);
    if (inBase && !inHead) out.push({ path: at, kind: 'removed', base: base[key] });
    else if (!inBase && inHead) out.push({ path: at, kind: 'added', head: head[key] });
    else out.push(...diffValues(base[key], head[key], at));
  }
  return out;
}

function diffLists(base: readonly unknown[], head: readonly unknown[], path: string): FieldChange[] {
  const baseNames = namesOf(base);
  const headNames = namesOf(head);
  if (baseNames !== undefined && headNames !== undefined) return diffNamed(base, head, path);
  if (base.every(isScalar) && head.every(isScalar)) return diffScalars(base, head, path);
  const out: FieldChange[] = [];
  for (let i = 0; i < Math.max(base.length, head.length); i++) {
    const at = `${path}[${i}]`;
    if (i >= head.length) out.push({ path: at, kind: 'removed', base: base[i] });
    else if (i >= base.length) out.push({ path: at, kind: 'added', head: head[i] });
    else out.push(...diffValues(base[i], head[i], at));
  }
  return out;
}

/** The items' distinct `name`s, or undefined when the list is empty or not all items have one. */
function namesOf(list: readonly unknown[]): string[] | undefined {
  if (list.length === 0) return undefined;
  const names: string[] = [];
  for (const item of list) {
    if (!isPlainObject(item) || typeof item.name !== 'string') return undefined;
    names.push(item.name);
  }
  return new Set(names).size === names.length ? names : undefined;
}

function diffNamed(base: readonly unknown[], head: readonly unknown[], path: string): FieldChange[] {
  const byName = (list: readonly unknown[]): Map<string, unknown> =>
    new Map(list.map((item) => [(item as { name: string }).name, item]));
  const b = byName(base);
  const h = byName(head);
  const out: FieldChange[] = [];
  for (const [name, item] of b) {
    const at = `${path}[name=${JSON.stringify(name)}]`;
    out.push(
      ...(h.has(name)
        ? diffValues(item, h.get(name), at)
        : [{ path: at, kind: 'removed' as const, base: item }]),
    );
  }
  for (const [name, item] of h) {
    if (!b.has(name)) out.push({ path: `${path}[name=${JSON.stringify(name)}]`, kind: 'added', head: item });
  }
  return out;
}

function isScalar(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/** Scalars as multisets: items removed (base order), items added (head order), or a reordering. */
function diffScalars(base: readonly unknown[], head: readonly unknown[], path: string): FieldChange[] {
  const remaining = [...head];
  const removed: unknown[] = [];
  for (const item of base) {
    const i = remaining.findIndex((other) => Object.is(other, item));
    if (i < 0) removed.push(item);
    else remaining.splice(i, 1);
  }
  if (removed.length === 0 && remaining.length === 0) {
    return [{ path, kind: 'changed', base, head }];
  }
  const at = `${path}[]`;
  return [
    ...removed.map((item) => ({ path: at, kind: 'removed' as const, base: item })),
    ...remaining.map((item) => ({ path: at, kind: 'added' as const, head: item })),
  ];
}
