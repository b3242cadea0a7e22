// The fleet page: filters, totals per status, and the ApplicationSet × cluster grid, live.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { fleet } from '../fleet-model.js';
import { FleetGrid } from '../grid.js';
import { HEALTH_STATUSES, SYNC_STATUSES, HealthIcon, SyncIcon } from '../status.js';

/** Re-renders on every frame in which the fleet changed. */
export function useFleetVersion() {
  const [, setVersion] = useState(fleet.version);
  useEffect(() => {
    const unsubscribe = fleet.subscribe(() => setVersion(fleet.version));
    // A change between this render and now (a small snapshot arrives fast) is not missed.
    setVersion(fleet.version);
    return unsubscribe;
  }, []);
  return fleet.version;
}

function useWindowHeight() {
  const [height, setHeight] = useState(innerHeight);
  useEffect(() => {
    const onResize = () => setHeight(innerHeight);
    addEventListener('resize', onResize);
    return () => removeEventListener('resize', onResize);
  }, []);
  return height;
}

export function FleetPage() {
  const version = useFleetVersion();
  const windowHeight = useWindowHeight();
  const [filters, setFilters] = useState({ text: '', project: '', status: '', label: '' });
  const grid = useMemo(() => fleet.grid(filters), [version, filters]);
  /** @param {'text' | 'project' | 'status' | 'label'} key @returns {(e: Event) => void} */
  const set = (key) => (e) =>
    setFilters({ ...filters, [key]: /** @type {HTMLInputElement} */ (e.currentTarget).value });

  if (fleet.error) return html`<p class="error" role="alert">Could not load the fleet: ${fleet.error}</p>`;
  if (!fleet.loaded) return html`<p class="loading">Loading the fleet…</p>`;
  const total = [...grid.cells.values()].reduce((n, list) => n + list.length, 0);
  /** @param {string} status @param {'sync' | 'health'} kind */
  const chip = (status, kind) => {
    const key = `${kind}:${status}`;
    const count = grid.totals[key] ?? 0;
    const pressed = filters.status === key;
    return html`<button
      type="button"
      class=${`chip${pressed ? ' pressed' : ''}`}
      aria-pressed=${pressed}
      aria-label=${`${kind === 'sync' ? 'Sync' : 'Health'} ${status}: ${count}`}
      onClick=${() => setFilters({ ...filters, status: pressed ? '' : key })}
    >
      ${kind === 'sync' ? html`<${SyncIcon} status=${status} />` : html`<${HealthIcon} status=${status} />`}
      <span aria-hidden="true">${status}</span> <strong aria-hidden="true" data-total=${key}>${count}</strong>
    </button>`;
  };
  return html`<section class="fleet">
    <h1>Fleet</h1>
    <form class="filters" role="search" onSubmit=${(/** @type {Event} */ e) => e.preventDefault()}>
      <label
        >Search
        <input
          type="search"
          value=${filters.text}
          onInput=${set('text')}
          placeholder="app, ApplicationSet, cluster"
      /></label>
      <label
        >Project
        <select value=${filters.project} onChange=${set('project')}>
          <option value="">all</option>
          ${fleet.projects().map((p) => html`<option value=${p}>${p}</option>`)}
        </select></label
      >
      <label
        >Status
        <select value=${filters.status} onChange=${set('status')}>
          <option value="">all</option>
          ${SYNC_STATUSES.map((s) => html`<option value=${`sync:${s}`}>Sync: ${s}</option>`)}
          ${HEALTH_STATUSES.map((s) => html`<option value=${`health:${s}`}>Health: ${s}</option>`)}
        </select></label
      >
      <label
        >Cluster label
        <select value=${filters.label} onChange=${set('label')}>
          <option value="">all</option>
          ${fleet.labelChoices().map((l) => html`<option value=${l}>${l}</option>`)}
        </select></label
      >
    </form>
    <div class="totals" aria-label="Totals per status">
      <span class="count"
        ><strong data-total="all">${total}</strong> Applications on ${grid.columns.length} clusters</span
      >
      ${SYNC_STATUSES.map((s) => chip(s, 'sync'))} ${HEALTH_STATUSES.map((s) => chip(s, 'health'))}
    </div>
    ${
      grid.rows.length === 0
        ? html`<p class="empty">No Application matches.</p>`
        : html`<${FleetGrid}
            rows=${grid.rows}
            columns=${grid.columns}
            cells=${grid.cells}
            height=${Math.max(240, windowHeight - 230)}
          />`
    }
  </section>`;
}
