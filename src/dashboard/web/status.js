// Sync and health shown by shape and colour together (never colour alone), each with a text
// label for screen readers and a tooltip.
import { h } from 'preact';

/** @type {Record<string, string>} SVG path data, 16×16. */
const PATHS = {
  check: 'M3 8.5l3.2 3.2L13 4.5',
  up: 'M8 13.5V3 M4 7l4-4 4 4',
  question: 'M5.6 5.6a2.4 2.4 0 1 1 3.4 2.2c-.6.3-1 .8-1 1.4v.9 M8 12.6v.6',
  heart: 'M8 13.5S2.5 10.2 2.5 6.2A2.9 2.9 0 0 1 8 4.6a2.9 2.9 0 0 1 5.5 1.6c0 4-5.5 7.3-5.5 7.3z',
  cross: 'M4.5 4.5l7 7 M11.5 4.5l-7 7',
  spin: 'M13.5 8A5.5 5.5 0 1 1 8 2.5 M8 .8l2 1.7-2 1.7',
  pause: 'M6 4v8 M10 4v8',
  ghost: 'M4 14V7a4 4 0 0 1 8 0v7l-2-1.5L8 14l-2-1.5z',
  dot: 'M8 8h.01',
};

/** @type {Record<string, [string, string]>} status → [icon, css class] */
const SYNC = {
  Synced: ['check', 'ok'],
  OutOfSync: ['up', 'warn'],
  Unknown: ['question', 'unknown'],
};
/** @type {Record<string, [string, string]>} */
const HEALTH = {
  Healthy: ['heart', 'ok'],
  Progressing: ['spin', 'info'],
  Degraded: ['cross', 'bad'],
  Suspended: ['pause', 'paused'],
  Missing: ['ghost', 'warn'],
  Unknown: ['question', 'unknown'],
};
/** @type {Record<string, [string, string]>} */
const OPERATION = {
  Running: ['spin', 'info'],
  Succeeded: ['check', 'ok'],
  Failed: ['cross', 'bad'],
  Error: ['cross', 'bad'],
  Terminating: ['pause', 'paused'],
};

/**
 * @param {string} icon @param {string} tone @param {string} label
 * @param {boolean} [bare] no label of its own (a grid cell labels itself; 10,000 titles cost)
 */
function icon(icon, tone, label, bare = false) {
  const path = h('path', { d: PATHS[icon] ?? PATHS.dot });
  if (bare)
    return h('svg', { class: `icon tone-${tone}`, viewBox: '0 0 16 16', 'aria-hidden': 'true' }, path);
  const attrs = {
    class: `icon tone-${tone}`,
    viewBox: '0 0 16 16',
    role: 'img',
    'aria-label': label,
    focusable: 'false',
  };
  return h('svg', attrs, h('title', null, label), path);
}

/** @param {{ status: string, bare?: boolean }} props */
export const SyncIcon = ({ status, bare }) => {
  const [name, tone] = SYNC[status] ?? ['question', 'unknown'];
  return icon(name, tone, `Sync: ${status || 'Unknown'}`, bare);
};

/** @param {{ status: string, bare?: boolean }} props */
export const HealthIcon = ({ status, bare }) => {
  const [name, tone] = HEALTH[status] ?? ['question', 'unknown'];
  return icon(name, tone, `Health: ${status || 'Unknown'}`, bare);
};

/** @param {{ phase: string }} props */
export const OperationIcon = ({ phase }) => {
  const [name, tone] = OPERATION[phase] ?? ['dot', 'unknown'];
  return icon(name, tone, `Operation: ${phase}`);
};

/** A status with its icon and its word. @param {{ kind: 'sync' | 'health', status: string }} props */
export const Status = ({ kind, status }) =>
  h(
    'span',
    { class: 'status' },
    kind === 'sync' ? h(SyncIcon, { status }) : h(HealthIcon, { status }),
    h('span', { 'aria-hidden': 'true' }, ` ${status || 'Unknown'}`),
  );

export const SYNC_STATUSES = Object.keys(SYNC);
export const HEALTH_STATUSES = Object.keys(HEALTH);
