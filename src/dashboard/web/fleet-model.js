// The fleet in the browser: every visible Application's summary, kept live by the server's event
// stream (Server-Sent Events), and the grid derived from it (rows: ApplicationSet × app group;
// columns: clusters). Changes are applied as they arrive and the page is told once per frame.
import { api } from './api.js';

/**
 * @typedef {[string, string, string, string, string, string, string, string, string, string]} WireApp
 *   namespace, name, appSet, project, cluster, group, sync, health, revision, operation
 * @typedef {{ name: string, server: string, labels: Record<string, string>, secretName: string }} ClusterView
 * @typedef {{ key: string, namespace: string, appSet: string, group: string, label: string }} Row
 * @typedef {{ text: string, project: string, status: string, label: string }} Filters
 */

export const F = /** @type {const} */ ({
  ns: 0,
  name: 1,
  appSet: 2,
  project: 3,
  cluster: 4,
  group: 5,
  sync: 6,
  health: 7,
  revision: 8,
  op: 9,
});

/** @param {WireApp} a */
export const appKey = (a) => `${a[F.ns]}/${a[F.name]}`;

/** Worse statuses first, for a cell holding several Applications and for sorting. */
const HEALTH_RANK = { Degraded: 0, Missing: 1, Unknown: 2, Progressing: 3, Suspended: 4, Healthy: 5 };
const SYNC_RANK = { OutOfSync: 0, Unknown: 1, Synced: 2 };

/** @param {Record<string, number>} rank @param {string} status */
const rankOf = (rank, status) => rank[status] ?? 1;

/** @param {WireApp[]} apps */
export function worst(apps) {
  let sync = 'Synced';
  let health = 'Healthy';
  for (const a of apps) {
    if (rankOf(SYNC_RANK, a[F.sync]) < rankOf(SYNC_RANK, sync)) sync = a[F.sync];
    if (rankOf(HEALTH_RANK, a[F.health]) < rankOf(HEALTH_RANK, health)) health = a[F.health];
  }
  return { sync, health };
}

/** @param {WireApp} a @param {Filters} filters @param {string} text (lower case) */
function passes(a, filters, text) {
  if (filters.project && a[F.project] !== filters.project) return false;
  if (filters.status && filters.status !== `sync:${a[F.sync]}` && filters.status !== `health:${a[F.health]}`)
    return false;
  return !text || `${a[F.name]} ${a[F.appSet]} ${a[F.cluster]} ${a[F.ns]}`.toLowerCase().includes(text);
}

export class FleetModel {
  constructor() {
    /** @type {Map<string, WireApp>} */
    this.apps = new Map();
    /** @type {ClusterView[]} */
    this.clusters = [];
    this.seq = 0;
    this.loaded = false;
    /** @type {string | null} */
    this.error = null;
    /** When each Application's summary last arrived (performance.now()), for the benchmark. */
    /** @type {Map<string, number>} */
    this.arrivedAt = new Map();
    /** @type {Set<() => void>} */
    this.listeners = new Set();
    /** @type {EventSource | null} */
    this.source = null;
    this.frame = 0;
    this.version = 0;
    /** @type {Promise<any> | undefined} */
    this.early = undefined;
  }

  /** @param {() => void} listener */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed() {
    this.version++;
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const l of this.listeners) l();
    });
  }

  /** Starts downloading the snapshot now (at page start, alongside the session check). */
  prefetch() {
    this.early = api('/api/fleet');
    this.early.catch(() => undefined);
  }

  async load() {
    try {
      const early = this.early;
      this.early = undefined;
      const snapshot = await (early ?? api('/api/fleet')).catch(() => api('/api/fleet'));
      this.apps = new Map(snapshot.apps.map((/** @type {WireApp} */ a) => [appKey(a), a]));
      this.clusters = snapshot.clusters;
      this.seq = snapshot.seq;
      this.loaded = true;
      this.error = null;
      this.connect();
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
    this.changed();
  }

  connect() {
    this.source?.close();
    const source = new EventSource(`/api/fleet/events?since=${this.seq}`);
    this.source = source;
    source.addEventListener('changes', (event) =>
      this.apply(JSON.parse(/** @type {MessageEvent} */ (event).data)),
    );
    source.addEventListener('reset', () => {
      source.close();
      void this.load();
    });
    // The browser would reconnect with a stale position; start again from a snapshot instead.
    source.onerror = () => {
      source.close();
      if (this.source === source) setTimeout(() => void this.load(), 2000);
    };
  }

  close() {
    this.source?.close();
    this.source = null;
  }

  /** @param {{ seq: number, apps: WireApp[], deleted: [string, string][] }} batch */
  apply(batch) {
    const now = performance.now();
    for (const a of batch.apps) {
      const key = appKey(a);
      this.apps.set(key, a);
      this.arrivedAt.set(key, now);
    }
    for (const [ns, name] of batch.deleted) this.apps.delete(`${ns}/${name}`);
    this.seq = batch.seq;
    this.changed();
  }

  /** Column names: registered clusters, and any destination an Application names besides. */
  columns() {
    const names = new Set(this.clusters.map((c) => c.name || c.server));
    for (const a of this.apps.values()) names.add(a[F.cluster]);
    return [...names].sort();
  }

  /** @param {string} name */
  cluster(name) {
    return this.clusters.find((c) => (c.name || c.server) === name);
  }

  /** `key=value` of every cluster label, for the label filter. */
  labelChoices() {
    const out = new Set();
    for (const c of this.clusters)
      for (const [k, v] of Object.entries(c.labels))
        if (!k.startsWith('argocd.argoproj.io/')) out.add(`${k}=${v}`);
    return [...out].sort();
  }

  projects() {
    return [...new Set([...this.apps.values()].map((a) => a[F.project]))].sort();
  }

  /**
   * The grid for these filters: rows, columns, the Applications of each cell, and totals.
   * @param {Filters} filters
   */
  grid(filters) {
    const text = filters.text.trim().toLowerCase();
    const [labelKey, labelValue] = filters.label === '' ? ['', ''] : filters.label.split('=');
    let columns = this.columns();
    if (labelKey) columns = columns.filter((name) => this.cluster(name)?.labels[labelKey] === labelValue);
    const allowedColumns = new Set(columns);
    /** @type {Map<string, Row>} */
    const rows = new Map();
    /** @type {Map<string, WireApp[]>} */
    const cells = new Map();
    /** @type {Record<string, number>} */
    const totals = {};
    const used = new Set();
    for (const a of this.apps.values()) {
      if (!allowedColumns.has(a[F.cluster]) || !passes(a, filters, text)) continue;
      const rowKey = `${a[F.ns]}/${a[F.appSet]}/${a[F.group]}`;
      if (!rows.has(rowKey))
        rows.set(rowKey, {
          key: rowKey,
          namespace: a[F.ns],
          appSet: a[F.appSet],
          group: a[F.group],
          label: a[F.appSet] ? `${a[F.appSet]} › ${a[F.group]}` : a[F.group],
        });
      used.add(a[F.cluster]);
      const cellKey = `${rowKey}|${a[F.cluster]}`;
      const list = cells.get(cellKey);
      if (list) list.push(a);
      else cells.set(cellKey, [a]);
      totals[`sync:${a[F.sync]}`] = (totals[`sync:${a[F.sync]}`] ?? 0) + 1;
      totals[`health:${a[F.health]}`] = (totals[`health:${a[F.health]}`] ?? 0) + 1;
    }
    const sortedRows = [...rows.values()].sort((x, y) =>
      x.label < y.label ? -1 : x.label > y.label ? 1 : 0,
    );
    // A text search narrows the columns too; other filters keep every cluster in view.
    return { rows: sortedRows, columns: text ? columns.filter((c) => used.has(c)) : columns, cells, totals };
  }
}

export const fleet = new FleetModel();
