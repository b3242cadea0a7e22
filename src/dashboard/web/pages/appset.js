// One ApplicationSet: its generators and (on request) the parameter sets they produce now, its
// Applications with status, its conditions, and rollout steps when a progressive rollout reports
// them (Argo CD's status.applicationStatus and the RolloutProgressing condition).
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { Conditions, LoadState, pretty, useApi, when } from '../common.js';
import { AppTable } from './app-table.js';
import { useFleetVersion } from './fleet.js';

/** @param {{ namespace: string, name: string }} props */
export function AppSetPage({ namespace, name }) {
  const version = useFleetVersion();
  // The Applications' statuses move with the live feed; reload at most once a second for them.
  const detail = useApi(`/api/appsets/${enc(namespace)}/${enc(name)}`, [Math.floor(version / 30)]);
  if (!detail.data)
    return html`<section>
      <h1>ApplicationSet ${name}</h1>
      <${LoadState}
        error=${detail.error}
        loading=${detail.loading}
        what=${`ApplicationSet ${namespace}/${name}`}
      />
    </section>`;
  const { appSet, apps, generators } = detail.data;
  const status = appSet.status ?? {};
  const rollout = (status.conditions ?? []).find(
    (/** @type {{type: string}} */ c) => c.type === 'RolloutProgressing',
  );
  return html`<section class="appset">
    <nav aria-label="Breadcrumb" class="crumbs"><a href="/">Fleet</a> › <span>${name}</span></nav>
    <h1>ApplicationSet ${name}</h1>
    <dl class="facts">
      <dt>Namespace</dt>
      <dd>${namespace}</dd>
      <dt>Template mode</dt>
      <dd>${appSet.spec.goTemplate ? 'Go template' : 'fasttemplate ({{param}})'}</dd>
      <dt>Strategy</dt>
      <dd>${appSet.spec.strategy?.type ?? 'AllAtOnce'}</dd>
      <dt>Applications</dt>
      <dd>${apps === null ? 'not shown' : apps.length}</dd>
    </dl>
    ${
      rollout || status.applicationStatus
        ? html`<h2>Rollout</h2>
            <${Rollout} condition=${rollout} steps=${status.applicationStatus} />
            ${
              rollout?.reason === 'ApplicationSetRolloutError'
                ? html`<${Resume} namespace=${namespace} name=${name} />`
                : ''
            }`
        : ''
    }
    <h2>Applications</h2>
    <${AppTable} apps=${apps} what="yet" />
    <h2>Conditions</h2>
    <${Conditions} conditions=${status.conditions} />
    <h2>Generators</h2>
    <${Generators}
      namespace=${namespace}
      name=${name}
      generators=${appSet.spec.generators ?? []}
      yaml=${generators}
    />
  </section>`;
}

/** @param {{ condition: any, steps: any[] | undefined }} props */
function Rollout({ condition, steps }) {
  return html`${condition ? html`<p class=${condition.status === 'True' ? 'notice' : 'muted'}>${condition.message ?? condition.reason ?? ''}</p>` : ''}
  ${
    steps && steps.length > 0
      ? html`<table class="table">
          <thead>
            <tr>
              <th scope="col">Application</th>
              <th scope="col">Step</th>
              <th scope="col">Status</th>
              <th scope="col">Message</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            ${steps.map(
              (s) =>
                html`<tr>
                  <td>${s.application}</td>
                  <td>${s.step ?? ''}</td>
                  <td>${s.status ?? ''}</td>
                  <td class="wrap">${s.message ?? ''}</td>
                  <td>${when(s.lastTransitionTime)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`
      : ''
  }`;
}

/**
 * Resume a stopped rollout: the same hub write as `spokes rollout resume` (the server checks
 * `update` on the ApplicationSet; a hidden button is not a permission).
 * @param {{ namespace: string, name: string }} props
 */
function Resume({ namespace, name }) {
  const [message, setMessage] = useState(/** @type {{ text: string, bad: boolean } | null} */ (null));
  const [busy, setBusy] = useState(false);
  const resume = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const answer = await api(`/api/appsets/${enc(namespace)}/${enc(name)}/resume`, {
        method: 'POST',
        body: {},
      });
      setMessage({ text: `Rollout resumed past ${answer.resumed.join(', ')}.`, bad: false });
    } catch (err) {
      setMessage({ text: err instanceof Error ? err.message : String(err), bad: true });
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="actions" role="group" aria-label="Rollout actions">
    <button type="button" disabled=${busy} onClick=${resume}>Resume rollout</button>
    ${message ? html`<p class=${message.bad ? 'error' : 'notice'} role=${message.bad ? 'alert' : 'status'}>${message.text}</p>` : ''}
  </div>`;
}

/** @param {{ namespace: string, name: string, generators: unknown[], yaml: string[] }} props */
function Generators({ namespace, name, generators, yaml }) {
  const [params, setParams] = useState(/** @type {any} */ (null));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const load = async () => {
    setBusy(true);
    setError('');
    try {
      setParams(await api(`/api/appsets/${enc(namespace)}/${enc(name)}/params`));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return html`${generators.map(
      (g, i) =>
        html`<details class="generator" open=${generators.length <= 3}>
          <summary>
            <code>spec.generators[${i}]</code> ${Object.keys(/** @type {object} */ (g)).join(', ')}
          </summary>
          <pre>${yaml[i] ?? pretty(g)}</pre>
          ${params ? html`<${ParamSets} result=${params.generators[i]} />` : ''}
        </details>`,
    )}
    <button type="button" onClick=${load} disabled=${busy}>
      ${busy ? 'Generating…' : params ? 'Generate again' : 'Show parameter sets'}
    </button>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}`;
}

/** @param {{ result: { path: string, params: Record<string, unknown>[], error?: string } | undefined }} props */
function ParamSets({ result }) {
  if (!result) return null;
  if (result.error) return html`<p class="error">${result.error}</p>`;
  const flat = result.params.map((p) => flatten(p));
  const keys = [...new Set(flat.flatMap((p) => Object.keys(p)))].sort().slice(0, 12);
  return html`<p>${result.params.length} parameter set${result.params.length === 1 ? '' : 's'}:</p>
    <div class="scroll-x">
      <table class="table params">
        <thead>
          <tr>
            ${keys.map((k) => html`<th scope="col">${k}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${flat.map(
            (p) =>
              html`<tr>
                ${keys.map((k) => html`<td>${p[k] ?? ''}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

/** @param {unknown} value @param {string} [prefix] @returns {Record<string, string>} */
function flatten(value, prefix = '') {
  /** @type {Record<string, string>} */
  const out = {};
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) Object.assign(out, flatten(v, prefix ? `${prefix}.${k}` : k));
  } else out[prefix] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}
