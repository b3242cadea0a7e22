// Small pieces the object pages share: loading data, tables, conditions, YAML-ish values.
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { api } from './api.js';

/**
 * Loads `path` now and whenever `key` changes; `reload()` loads again.
 * @param {string} path @param {unknown[]} [keys]
 */
export function useApi(path, keys = []) {
  const [state, setState] = useState(
    /** @type {{ data: any, error: string | null, loading: boolean }} */ ({
      data: null,
      error: null,
      loading: true,
    }),
  );
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let live = true;
    api(path).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (err) =>
        live &&
        setState({ data: null, error: err instanceof Error ? err.message : String(err), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, nonce, ...keys]);
  return { ...state, reload: () => setNonce((n) => n + 1) };
}

/** @param {{ error: string | null, loading: boolean, what: string }} props */
export function LoadState({ error, loading, what }) {
  if (error) return html`<p class="error" role="alert">Could not load ${what}: ${error}</p>`;
  if (loading) return html`<p class="loading">Loading ${what}…</p>`;
  return null;
}

/** @param {{ conditions: { type: string, message?: string, status?: string, lastTransitionTime?: string }[] | undefined }} props */
export function Conditions({ conditions }) {
  if (!conditions || conditions.length === 0) return html`<p class="muted">No conditions.</p>`;
  return html`<table class="table">
    <thead>
      <tr>
        <th scope="col">Type</th>
        <th scope="col">Status</th>
        <th scope="col">Message</th>
        <th scope="col">Since</th>
      </tr>
    </thead>
    <tbody>
      ${conditions.map(
        (c) =>
          html`<tr>
            <td>${c.type}</td>
            <td>${c.status ?? ''}</td>
            <td class="wrap">${c.message ?? ''}</td>
            <td>${when(c.lastTransitionTime)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** @param {string | undefined} time */
export function when(time) {
  if (!time) return '';
  const d = new Date(time);
  return Number.isNaN(d.getTime()) ? time : d.toLocaleString();
}

/** A value as indented YAML-like text (for specs and params). @param {unknown} value */
export function pretty(value) {
  return JSON.stringify(value, null, 2);
}

/** Only http(s) links are followed; anything else is shown as text. @param {{ url: string }} props */
export function ExternalLink({ url }) {
  const web = /^https?:\/\//.test(url) ? url.replace(/\.git$/, '') : '';
  return web
    ? html`<a href=${web} target="_blank" rel="noopener noreferrer">${url}</a>`
    : html`<span>${url}</span>`;
}
