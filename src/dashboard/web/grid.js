// The fleet grid, virtualised in both directions: only the rows and columns in view (plus a small
// margin) are in the DOM, so 10,000 Applications on 100 clusters cost what a screenful does. It is
// an ARIA grid: one tab stop, arrow keys / Home / End / Page Up / Page Down move the active cell,
// Enter opens it; each cell says its Application, sync, health and revision in words.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { F, worst } from './fleet-model.js';
import { HealthIcon, SyncIcon } from './status.js';
import { navigate } from './router.js';
import { enc } from './api.js';

const CELL_W = 76;
const CELL_H = 40;
const HEAD_H = 56;
const ROW_HEAD_W = 260;
const OVERSCAN = 3;

/**
 * @typedef {import('./fleet-model.js').WireApp} WireApp
 * @typedef {import('./fleet-model.js').Row} Row
 */

/** @param {Row} row @param {string} column @param {WireApp[] | undefined} apps */
function cellLabel(row, column, apps) {
  if (!apps || apps.length === 0) return `${row.label} on ${column}: no Application`;
  if (apps.length === 1) {
    const a = apps[0];
    return `${a[F.name]} on ${column}: ${a[F.sync]}, ${a[F.health]}${a[F.revision] ? `, revision ${a[F.revision]}` : ''}`;
  }
  const w = worst(apps);
  return `${apps.length} Applications of ${row.label} on ${column}, worst: ${w.sync}, ${w.health}`;
}

/** @param {Row} row @param {WireApp[] | undefined} apps */
function cellTarget(row, apps) {
  if (apps && apps.length === 1) return `/apps/${enc(apps[0][F.ns])}/${enc(apps[0][F.name])}`;
  if (row.appSet) return `/appsets/${enc(row.namespace)}/${enc(row.appSet)}`;
  return undefined;
}

/** @param {{ apps: WireApp[] | undefined }} props */
function CellContent({ apps }) {
  if (!apps || apps.length === 0) return html`<span class="cell-empty" aria-hidden="true">·</span>`;
  const { sync, health } =
    apps.length === 1 ? { sync: apps[0][F.sync], health: apps[0][F.health] } : worst(apps);
  const bottom = apps.length === 1 ? apps[0][F.revision] : `×${apps.length}`;
  return html`<span class="cell-icons" aria-hidden="true"
      ><${SyncIcon} status=${sync} /><${HealthIcon} status=${health}
    /></span>
    <span class="cell-rev" aria-hidden="true">${bottom}</span>`;
}

/**
 * The rows and columns in view, with a margin.
 * @param {{ top: number, left: number, width: number, height: number }} view @param {number} rows @param {number} columns
 */
function inView(view, rows, columns) {
  return {
    firstRow: Math.max(0, Math.floor(view.top / CELL_H) - OVERSCAN),
    lastRow: Math.min(rows, Math.ceil((view.top + view.height - HEAD_H) / CELL_H) + OVERSCAN),
    firstCol: Math.max(0, Math.floor(view.left / CELL_W) - OVERSCAN),
    lastCol: Math.min(columns, Math.ceil((view.left + view.width - ROW_HEAD_W) / CELL_W) + OVERSCAN),
  };
}

const cellId = (/** @type {number} */ row, /** @type {number} */ col) => `cell-${row}-${col}`;

/**
 * One row in view: its header and its cells in view.
 * @param {{ row: number, rowData: Row, columns: string[], cells: Map<string, WireApp[]>, firstCol: number, lastCol: number,
 *   active: number, width: number, onPick: (col: number) => void }} props
 */
function gridRow({ row, rowData, columns, cells, firstCol, lastCol, active, width, onPick }) {
  const cellsInView = [];
  for (let col = firstCol; col < lastCol; col++) {
    const apps = cells.get(`${rowData.key}|${columns[col]}`);
    const one = apps && apps.length === 1 ? apps[0] : undefined;
    const target = cellTarget(rowData, apps);
    const label = cellLabel(rowData, columns[col], apps);
    cellsInView.push(
      html`<div
        role="gridcell"
        id=${cellId(row, col)}
        aria-colindex=${col + 2}
        class=${`cell${col === active ? ' active' : ''}${apps ? '' : ' none'}`}
        aria-label=${label}
        title=${label}
        data-app=${one ? `${one[F.ns]}/${one[F.name]}` : undefined}
        data-sync=${one?.[F.sync]}
        data-health=${one?.[F.health]}
        style=${{ left: `${ROW_HEAD_W + col * CELL_W}px`, width: `${CELL_W}px` }}
        onClick=${() => {
          onPick(col);
          if (target) navigate(target);
        }}
      >
        <${CellContent} apps=${apps} />
      </div>`,
    );
  }
  return html`<div
    role="row"
    class="grid-row"
    aria-rowindex=${row + 2}
    key=${rowData.key}
    style=${{ transform: `translateY(${HEAD_H + row * CELL_H}px)`, width: `${width}px` }}
  >
    <div role="rowheader" class="row-head" style=${{ width: `${ROW_HEAD_W}px` }} title=${rowData.label}>
      ${
        rowData.appSet
          ? html`<a href=${`/appsets/${enc(rowData.namespace)}/${enc(rowData.appSet)}`} tabindex="-1"
              >${rowData.label}</a
            >`
          : rowData.label
      }
    </div>
    ${cellsInView}
  </div>`;
}

/**
 * @param {{ rows: Row[], columns: string[], cells: Map<string, WireApp[]>, height: number }} props
 */
export function FleetGrid({ rows, columns, cells, height }) {
  const scroller = useRef(/** @type {HTMLDivElement | null} */ (null));
  const [view, setView] = useState({ top: 0, left: 0, width: 1200, height });
  const [active, setActive] = useState({ r: 0, c: 0 });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () =>
      setView({ top: el.scrollTop, left: el.scrollLeft, width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const r = Math.min(active.r, Math.max(0, rows.length - 1));
  const c = Math.min(active.c, Math.max(0, columns.length - 1));

  const { firstRow, lastRow, firstCol, lastCol } = inView(view, rows.length, columns.length);

  /** Keeps the active cell in view. @param {number} row @param {number} col */
  const reveal = (row, col) => {
    const el = scroller.current;
    if (!el) return;
    const y = row * CELL_H;
    const x = col * CELL_W;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + CELL_H > el.scrollTop + el.clientHeight - HEAD_H)
      el.scrollTop = y + CELL_H - el.clientHeight + HEAD_H;
    if (x < el.scrollLeft) el.scrollLeft = x;
    else if (x + CELL_W > el.scrollLeft + el.clientWidth - ROW_HEAD_W)
      el.scrollLeft = x + CELL_W - el.clientWidth + ROW_HEAD_W;
  };

  /** @param {KeyboardEvent} event */
  const onKey = (event) => {
    const page = Math.max(1, Math.floor((view.height - HEAD_H) / CELL_H) - 1);
    /** @type {Record<string, [number, number]>} */
    const moves = {
      ArrowDown: [1, 0],
      ArrowUp: [-1, 0],
      ArrowRight: [0, 1],
      ArrowLeft: [0, -1],
      PageDown: [page, 0],
      PageUp: [-page, 0],
      Home: [0, -c],
      End: [0, columns.length],
    };
    if (event.key === 'Enter') {
      const row = rows[r];
      const target = row && cellTarget(row, cells.get(`${row.key}|${columns[c]}`));
      if (target) navigate(target);
      return;
    }
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const next = {
      r: Math.max(0, Math.min(rows.length - 1, r + move[0])),
      c: Math.max(0, Math.min(columns.length - 1, c + move[1])),
    };
    setActive(next);
    reveal(next.r, next.c);
  };

  useEffect(() => {
    if (rows.length > 0 && columns.length > 0 && document.activeElement === scroller.current) reveal(r, c);
  }, [rows.length, columns.length]);

  const width = ROW_HEAD_W + columns.length * CELL_W;
  const totalHeight = HEAD_H + rows.length * CELL_H;

  const headers = [];
  for (let col = firstCol; col < lastCol; col++) {
    const name = columns[col];
    headers.push(
      html`<div
        role="columnheader"
        class="col-head"
        aria-colindex=${col + 2}
        style=${{ left: `${ROW_HEAD_W + col * CELL_W}px`, width: `${CELL_W}px` }}
      >
        <a href=${`/clusters/${enc(name)}`} title=${name} tabindex="-1">${name}</a>
      </div>`,
    );
  }
  const body = [];
  for (let row = firstRow; row < lastRow; row++) {
    body.push(
      gridRow({
        row,
        rowData: rows[row],
        columns,
        cells,
        firstCol,
        lastCol,
        active: row === r ? c : -1,
        width,
        onPick: (col) => setActive({ r: row, c: col }),
      }),
    );
  }

  return html`<div
    class="grid-scroll"
    ref=${scroller}
    role="grid"
    tabindex="0"
    aria-label="Applications by ApplicationSet (rows) and cluster (columns)"
    aria-rowcount=${rows.length + 1}
    aria-colcount=${columns.length + 1}
    aria-activedescendant=${rows.length > 0 && columns.length > 0 ? cellId(r, c) : undefined}
    style=${{ height: `${height}px` }}
    onScroll=${(/** @type {Event} */ e) => {
      const el = /** @type {HTMLDivElement} */ (e.currentTarget);
      setView({ top: el.scrollTop, left: el.scrollLeft, width: el.clientWidth, height: el.clientHeight });
    }}
    onKeyDown=${onKey}
  >
    <div class="grid-sizer" style=${{ width: `${width}px`, height: `${totalHeight}px` }}>
      <div
        role="row"
        class="grid-head"
        aria-rowindex="1"
        style=${{ width: `${width}px`, height: `${HEAD_H}px` }}
      >
        <div role="columnheader" class="corner" aria-colindex="1" style=${{ width: `${ROW_HEAD_W}px` }}>
          ApplicationSet › app
        </div>
        ${headers}
      </div>
      ${body}
    </div>
  </div>`;
}
