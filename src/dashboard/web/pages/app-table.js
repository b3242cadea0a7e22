// A table of Applications (from their fleet summaries), linked to their pages.
import { html } from '../html.js';
import { enc } from '../api.js';
import { F } from '../fleet-model.js';
import { Status } from '../status.js';

/** @param {{ apps: import('../fleet-model.js').WireApp[] | null, what: string }} props */
export function AppTable({ apps, what }) {
  if (apps === null) return html`<p class="muted">You may not get the Applications of this namespace.</p>`;
  if (apps.length === 0) return html`<p class="muted">No Applications ${what}.</p>`;
  const sorted = [...apps].sort((a, b) => (a[F.name] < b[F.name] ? -1 : 1));
  return html`<table class="table">
    <thead>
      <tr>
        <th scope="col">Application</th>
        <th scope="col">Cluster</th>
        <th scope="col">Sync</th>
        <th scope="col">Health</th>
        <th scope="col">Revision</th>
      </tr>
    </thead>
    <tbody>
      ${sorted.map(
        (a) =>
          html`<tr>
            <td><a href=${`/apps/${enc(a[F.ns])}/${enc(a[F.name])}`}>${a[F.name]}</a></td>
            <td><a href=${`/clusters/${enc(a[F.cluster])}`}>${a[F.cluster]}</a></td>
            <td><${Status} kind="sync" status=${a[F.sync]} /></td>
            <td><${Status} kind="health" status=${a[F.health]} /></td>
            <td><code>${a[F.revision]}</code></td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
