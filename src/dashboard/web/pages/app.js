// One Application: status, actions (sync with prune, refresh), the resource tree from its spoke,
// the diff of a resource, operation state and history, conditions and recent Events. It reloads
// by itself when the live feed says the Application changed.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { fleet, appKey } from '../fleet-model.js';
import { Conditions, ExternalLink, LoadState, useApi, when } from '../common.js';
import { HealthIcon, OperationIcon, Status, SyncIcon } from '../status.js';
import { useFleetVersion } from './fleet.js';

/** The fleet summary of this Application: it changes whenever the hub's object does. @param {string} key */
function useLiveSummary(key) {
  useFleetVersion();
  const app = fleet.apps.get(key);
  return app ? app.join('|') : '';
}

/** @typedef {{ uid: string, group: string, version: string, kind: string, namespace: string, name: string, parents: string[], managed: boolean, status?: string, health?: string, message?: string, info?: string }} TreeNode */

/** @param {{ namespace: string, name: string }} props */
export function AppPage({ namespace, name }) {
  const key = `${namespace}/${name}`;
  const live = useLiveSummary(key);
  const base = `/api/apps/${enc(namespace)}/${enc(name)}`;
  const detail = useApi(base, [live]);
  const tree = useApi(`${base}/tree`, [live]);
  const [diffOf, setDiffOf] = useState(/** @type {TreeNode | null} */ (null));

  const state = html`<${LoadState}
    error=${detail.error}
    loading=${detail.loading && !detail.data}
    what=${`Application ${key}`}
  />`;
  if (!detail.data)
    return html`<section>
      <h1>Application ${name}</h1>
      ${state}
    </section>`;
  const { app, cluster, canUpdate, events } = detail.data;
  const status = app.status ?? {};
  return html`<section class="app">
    <${Crumbs} app=${app} />
    <h1>
      ${name} <${Status} kind="sync" status=${status.sync?.status ?? 'Unknown'} />
      <${Status} kind="health" status=${status.health?.status ?? 'Unknown'} />
    </h1>
    ${status.health?.message ? html`<p class="muted">${status.health.message}</p>` : ''}
    <${Actions} base=${base} canUpdate=${canUpdate} running=${app.operation != null} />
    <${Facts} app=${app} cluster=${cluster} />
    <h2>Resources</h2>
    <${LoadState} error=${tree.error} loading=${tree.loading && !tree.data} what="the resource tree" />
    ${tree.data ? html`<${ResourceTree} nodes=${tree.data.nodes} onDiff=${setDiffOf} />` : ''}
    ${diffOf ? html`<${ResourceDiff} base=${base} node=${diffOf} key=${diffOf.uid + live} onClose=${() => setDiffOf(null)} />` : ''}
    <h2>Operation</h2>
    <${Operation} state=${status.operationState} running=${app.operation} />
    <h2>History</h2>
    <${History} history=${status.history} />
    <h2>Conditions</h2>
    <${Conditions} conditions=${status.conditions} />
    <h2>Events</h2>
    ${events === null ? html`<p class="muted">You may not list Events in ${namespace}.</p>` : html`<${Events} events=${events} />`}
  </section>`;
}

/** Fleet › ApplicationSet › Application. @param {{ app: any }} props */
function Crumbs({ app }) {
  const owner = (app.metadata.ownerReferences ?? []).find(
    (/** @type {{kind: string}} */ o) => o.kind === 'ApplicationSet',
  );
  const ns = app.metadata.namespace;
  return html`<nav aria-label="Breadcrumb" class="crumbs">
    <a href="/">Fleet</a> ›
    ${owner ? html`<a href=${`/appsets/${enc(ns)}/${enc(owner.name)}`}>${owner.name}</a> › ` : ''}<span
      >${app.metadata.name}</span
    >
  </nav>`;
}

/** The first source (Argo CD shows the first of several too). @param {any} app */
const sourceOf = (app) => app.spec.source ?? app.spec.sources?.[0] ?? {};

/** Where the Application comes from and goes. @param {{ app: any, cluster: { name: string, server: string } | null }} props */
function Facts({ app, cluster }) {
  const status = app.status ?? {};
  const source = sourceOf(app);
  const dest = app.spec.destination;
  const clusterName = cluster ? cluster.name || cluster.server : dest.name || dest.server;
  return html`<dl class="facts">
    <dt>Namespace</dt>
    <dd>${app.metadata.namespace}</dd>
    <dt>Project</dt>
    <dd>${app.spec.project}</dd>
    <dt>Cluster</dt>
    <dd>${cluster ? html`<a href=${`/clusters/${enc(clusterName)}`}>${clusterName}</a>` : clusterName}</dd>
    <dt>Destination namespace</dt>
    <dd>${dest.namespace}</dd>
    <dt>Repository</dt>
    <dd><${ExternalLink} url=${source.repoURL || ''} /></dd>
    <dt>Path</dt>
    <dd>${source.path || source.chart}</dd>
    <dt>Target revision</dt>
    <dd>${source.targetRevision || 'HEAD'}</dd>
    <dt>Synced revision</dt>
    <dd><code>${status.sync?.revision}</code></dd>
    <dt>Reconciled</dt>
    <dd>${when(status.reconciledAt)}</dd>
  </dl>`;
}

/** @param {{ base: string, canUpdate: boolean, running: boolean }} props */
function Actions({ base, canUpdate, running }) {
  const [prune, setPrune] = useState(false);
  const [message, setMessage] = useState(/** @type {{ text: string, bad: boolean } | null} */ (null));
  const [busy, setBusy] = useState(false);
  /** @param {string} action @param {unknown} body @param {string} done */
  const run = async (action, body, done) => {
    setBusy(true);
    setMessage(null);
    try {
      await api(`${base}/${action}`, { method: 'POST', body });
      setMessage({ text: done, bad: false });
    } catch (err) {
      setMessage({ text: err instanceof Error ? err.message : String(err), bad: true });
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="actions" role="group" aria-label="Actions">
    <button type="button" disabled=${busy} onClick=${() => run('sync', { prune }, 'Sync requested.')}>
      Sync
    </button>
    <label class="inline"
      ><input
        type="checkbox"
        checked=${prune}
        onChange=${(/** @type {Event} */ e) => setPrune(/** @type {HTMLInputElement} */ (e.currentTarget).checked)}
      />
      Prune</label
    >
    <button
      type="button"
      disabled=${busy}
      onClick=${() => run('refresh', { hard: false }, 'Refresh requested.')}
    >
      Refresh
    </button>
    <button
      type="button"
      disabled=${busy}
      onClick=${() => run('refresh', { hard: true }, 'Hard refresh requested.')}
    >
      Hard refresh
    </button>
    ${running ? html`<span class="muted">An operation is running.</span>` : ''}
    ${!canUpdate ? html`<span class="muted">Your account may not update this Application: the hub will refuse.</span>` : ''}
    ${message ? html`<p class=${message.bad ? 'error' : 'notice'} role=${message.bad ? 'alert' : 'status'}>${message.text}</p>` : ''}
  </div>`;
}

/** @param {{ nodes: TreeNode[], onDiff: (node: TreeNode) => void }} props */
function ResourceTree({ nodes, onDiff }) {
  if (nodes.length === 0) return html`<p class="muted">No resources yet.</p>`;
  const byUid = new Map(nodes.map((n) => [n.uid, n]));
  /** @type {Map<string, TreeNode[]>} */
  const children = new Map();
  for (const n of nodes) for (const p of n.parents) children.set(p, [...(children.get(p) ?? []), n]);
  const roots = nodes.filter((n) => n.parents.every((p) => !byUid.has(p)));
  /** @param {TreeNode} node @param {number} depth @returns {any[]} */
  const render = (node, depth) => [
    html`<li class=${`node depth-${Math.min(depth, 4)}`} data-kind=${node.kind} data-name=${node.name}>
      <span class="kind">${node.kind}</span> <span class="name">${node.name}</span>
      ${node.namespace ? html` <span class="muted">${node.namespace}</span>` : ''}
      ${node.status ? html` <${SyncIcon} status=${node.status} /> <span class="word">${node.status}</span>` : ''}
      ${node.health ? html` <${HealthIcon} status=${node.health} /> <span class="word">${node.health}</span>` : ''}
      ${node.info ? html` <span class="muted">${node.info}</span>` : ''}
      ${node.message ? html` <span class="message">${node.message}</span>` : ''}
      ${node.managed ? html` <button type="button" class="link" onClick=${() => onDiff(node)}>${node.status === 'OutOfSync' ? 'Diff' : 'Compare'}</button>` : ''}
      ${
        (children.get(node.uid) ?? []).length > 0
          ? html`<ul>
              ${(children.get(node.uid) ?? []).flatMap((c) => render(c, depth + 1))}
            </ul>`
          : ''
      }
    </li>`,
  ];
  return html`<ul class="tree" aria-label="Resource tree">
    ${roots.flatMap((r) => render(r, 0))}
  </ul>`;
}

/** @param {{ base: string, node: TreeNode, onClose: () => void }} props */
function ResourceDiff({ base, node, onClose }) {
  const query = new URLSearchParams({
    group: node.group,
    kind: node.kind,
    namespace: node.namespace,
    name: node.name,
  });
  const diff = useApi(`${base}/diff?${query}`);
  const heading = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  useEffect(() => heading.current?.focus(), []);
  return html`<section class="diff" aria-labelledby="diff-title">
    <h3 id="diff-title" tabindex="-1" ref=${heading}>
      ${node.kind} ${node.name}: desired vs live
      <button type="button" class="link" onClick=${onClose}>Close</button>
    </h3>
    <${LoadState} error=${diff.error} loading=${diff.loading} what="the diff" />
    ${
      diff.data
        ? html`${diff.data.note ? html`<p class="notice">${diff.data.note}</p>` : ''}
            <p class="muted">
              Rendered from revision <code>${diff.data.revision}</code>; live on the left (−), desired on the
              right (+).
            </p>
            ${
              diff.data.diff
                ? html`<pre class="unified" data-testid="diff">
${diff.data.diff
                      .split('\n')
                      .map(
                        (/** @type {string} */ line) =>
                          html`<span
                            class=${line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : 'ctx'}
                            >${line}</span
                          >`,
                      )}</pre>`
                : html`<p class="notice" data-testid="no-diff">Live matches the desired state.</p>`
            }`
        : ''
    }
  </section>`;
}

/** @param {{ state: any, running: any }} props */
function Operation({ state, running }) {
  if (running)
    return html`<p><${OperationIcon} phase="Running" /> Running: ${JSON.stringify(running.sync ?? {})}</p>`;
  if (!state) return html`<p class="muted">No operation yet.</p>`;
  const resources = state.syncResult?.resources ?? [];
  const by = state.operation?.initiatedBy;
  return html`<p data-testid="operation">
      <${OperationIcon} phase=${state.phase} /> <strong>${state.phase}</strong>: ${state.message ?? ''}
      <span class="muted">
        (${by?.automated ? 'automated' : `by ${by?.username ?? 'unknown'}`}, ${when(state.startedAt)} –
        ${when(state.finishedAt)})</span
      >
    </p>
    ${
      resources.length > 0
        ? html`<table class="table">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Name</th>
                <th scope="col">Result</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              ${resources.map(
                (/** @type {any} */ r) =>
                  html`<tr>
                    <td>${r.kind}</td>
                    <td>${r.namespace ? `${r.namespace}/` : ''}${r.name}</td>
                    <td>${r.status ?? ''}</td>
                    <td class="wrap">${r.message ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : ''
    }`;
}

/** @param {{ history: any[] | undefined }} props */
function History({ history }) {
  if (!history || history.length === 0) return html`<p class="muted">Never synced.</p>`;
  return html`<table class="table">
    <thead>
      <tr>
        <th scope="col">ID</th>
        <th scope="col">Revision</th>
        <th scope="col">Deployed</th>
      </tr>
    </thead>
    <tbody>
      ${[...history].reverse().map(
        (h) =>
          html`<tr>
            <td>${h.id}</td>
            <td><code>${h.revision}</code></td>
            <td>${when(h.deployedAt)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** @param {{ events: { type: string, reason: string, message: string, count: number, last: string }[] }} props */
function Events({ events }) {
  if (events.length === 0) return html`<p class="muted">No recent Events.</p>`;
  return html`<table class="table">
    <thead>
      <tr>
        <th scope="col">Type</th>
        <th scope="col">Reason</th>
        <th scope="col">Message</th>
        <th scope="col">Count</th>
        <th scope="col">Last seen</th>
      </tr>
    </thead>
    <tbody>
      ${events.map(
        (e) =>
          html`<tr>
            <td>${e.type}</td>
            <td>${e.reason}</td>
            <td class="wrap">${e.message}</td>
            <td>${e.count}</td>
            <td>${when(e.last)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export { appKey };
