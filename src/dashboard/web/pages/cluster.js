// One cluster: its labels, whether the spoke answers and its version, the Applications on it, and
// which ApplicationSets select it (the generator and the selector that matched).
import { html } from '../html.js';
import { enc } from '../api.js';
import { LoadState, useApi } from '../common.js';
import { AppTable } from './app-table.js';
import { useFleetVersion } from './fleet.js';

/** @param {{ name: string }} props */
export function ClusterPage({ name }) {
  const version = useFleetVersion();
  const detail = useApi(`/api/clusters/${enc(name)}`, [Math.floor(version / 30)]);
  if (!detail.data)
    return html`<section>
      <h1>Cluster ${name}</h1>
      <${LoadState} error=${detail.error} loading=${detail.loading} what=${`cluster ${name}`} />
    </section>`;
  const { cluster, connection, apps, selectedBy } = detail.data;
  const labels = Object.entries(cluster.labels ?? {});
  return html`<section class="cluster">
    <nav aria-label="Breadcrumb" class="crumbs"><a href="/">Fleet</a> › <span>${name}</span></nav>
    <h1>Cluster ${name}</h1>
    <dl class="facts">
      <dt>Server</dt>
      <dd><code>${cluster.server}</code></dd>
      <dt>Connection</dt>
      <dd
        data-testid="connection"
        class=${connection.status === 'Successful' ? 'tone-ok' : connection.status === 'Failed' ? 'tone-bad' : ''}
      >
        ${connection.status}${connection.message ? `: ${connection.message}` : ''}
      </dd>
      <dt>Server version</dt>
      <dd>${connection.version ?? 'unknown'}</dd>
      <dt>Secret</dt>
      <dd>${cluster.secretName || '(implicit in-cluster)'}</dd>
      ${
        cluster.project
          ? html`<dt>Project</dt>
              <dd>${cluster.project}</dd>`
          : ''
      }
      ${
        cluster.namespaces
          ? html`<dt>Namespaces</dt>
              <dd>${cluster.namespaces.join(', ')}</dd>`
          : ''
      }
    </dl>
    <h2>Labels</h2>
    ${
      labels.length === 0
        ? html`<p class="muted">No labels.</p>`
        : html`<ul class="labels">
            ${labels.map(([k, v]) => html`<li><code>${k}=${v}</code></li>`)}
          </ul>`
    }
    <h2>Selected by</h2>
    ${
      selectedBy.length === 0
        ? html`<p class="muted">
            No ApplicationSet you may see selects this cluster by its labels or by name.
          </p>`
        : html`<table class="table">
            <thead>
              <tr>
                <th scope="col">ApplicationSet</th>
                <th scope="col">Generator</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              ${selectedBy.flatMap((/** @type {any} */ s) =>
                s.reasons.map(
                  (/** @type {any} */ r) =>
                    html`<tr>
                      <td><a href=${`/appsets/${enc(s.namespace)}/${enc(s.name)}`}>${s.name}</a></td>
                      <td><code>${r.path}</code></td>
                      <td>${r.why}</td>
                    </tr>`,
                ),
              )}
            </tbody>
          </table>`
    }
    <h2>Applications</h2>
    <${AppTable} apps=${apps} what="on this cluster" />
  </section>`;
}
