/**
 * The three outputs of `spokes diff`: `text` for people at a terminal, `markdown` for a PR comment
 * (a heading with counts, a section per cluster, each Application in a `<details>` block with a
 * fenced diff), and `json`, a stable machine schema (documented in docs/diff.md). All three list
 * clusters by name, and in each the Applications added, removed, then changed, by namespace/name.
 */
import { toYamlStream } from '../yaml.ts';
import { compareText, type AppEntry, type Comparison, type FieldChange } from './compare.ts';
import { splitLines, unifiedHunks } from './lines.ts';
import type { ManifestDiff } from './manifests.ts';
import type { DiffReport, SideInfo } from './run.ts';

export type OutputFormat = 'text' | 'markdown' | 'json';

export function formatReport(report: DiffReport, format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(toJson(report), null, 2)}\n`;
  return format === 'markdown' ? formatMarkdown(report) : formatText(report);
}

// ---- shared ---------------------------------------------------------------------------------

/** `main (1a2b3c4)`, or `working tree`. */
export function describeSide(info: SideInfo): string {
  if (info.revision === undefined) return 'working tree';
  const short = info.commit.slice(0, 7);
  return isCommitName(info) ? short : `${info.revision} (${short})`;
}

/** The revision was given as (a prefix of) the commit SHA itself. */
function isCommitName(info: SideInfo): boolean {
  return (
    info.revision !== undefined &&
    /^[0-9a-f]{4,}$/i.test(info.revision) &&
    info.commit.startsWith(info.revision.toLowerCase())
  );
}

type Counted = Pick<Comparison, 'added' | 'removed' | 'changed'> & {
  readonly manifestsOnly: readonly unknown[];
};

function counted(report: DiffReport): Counted {
  return { ...report.comparison, manifestsOnly: report.manifestsOnly ?? [] };
}

/** `1 added, 0 removed, 2 changed` (`, 1 with manifest changes only` when there are such). */
export function countsLine(c: Counted, skipZero = false): string {
  const parts: [number, string][] = [
    [c.added.length, 'added'],
    [c.removed.length, 'removed'],
    [c.changed.length, 'changed'],
  ];
  if (c.manifestsOnly.length > 0) parts.push([c.manifestsOnly.length, 'with manifest changes only']);
  return parts
    .filter(([n]) => !skipZero || n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ');
}

function total(c: Counted): number {
  return c.added.length + c.removed.length + c.changed.length + c.manifestsOnly.length;
}

const BARE = /^[A-Za-z0-9._/:@=+~^-]+$/;
const LOOKS_TYPED = /^(true|false|null|yes|no|on|off|~|[-+]?(\d[\d_]*)?\.?\d+([eE][-+]?\d+)?)$/i;

/** A value on one line: plain strings bare, others (and strings that could be misread) as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string' && BARE.test(value) && !LOOKS_TYPED.test(value)) return value;
  return JSON.stringify(value) ?? String(value);
}

function isMultiline(change: FieldChange): boolean {
  return (
    change.kind === 'changed' &&
    typeof change.base === 'string' &&
    typeof change.head === 'string' &&
    (change.base.includes('\n') || change.head.includes('\n'))
  );
}

function stringHunks(change: FieldChange): string[] {
  return unifiedHunks(splitLines(change.base as string), splitLines(change.head as string)).flatMap((h) =>
    h.split('\n'),
  );
}

/** `path: main → v2`, `path: + value`, `path: - value`; multi-line strings as a line diff. */
export function describeChange(change: FieldChange): string[] {
  if (isMultiline(change)) return [`${change.path}:`, ...stringHunks(change).map((line) => `  ${line}`)];
  if (change.kind === 'added') return [`${change.path}: + ${formatValue(change.head)}`];
  if (change.kind === 'removed') return [`${change.path}: - ${formatValue(change.base)}`];
  return [`${change.path}: ${formatValue(change.base)} → ${formatValue(change.head)}`];
}

interface Grouped {
  readonly added: Comparison['added'];
  readonly removed: Comparison['removed'];
  readonly changed: Comparison['changed'];
  readonly manifestsOnly: Comparison['same'];
}

interface ClusterGroup extends Grouped {
  readonly cluster: string;
}

/** The changes by destination cluster, clusters sorted by name. */
export function byCluster(c: Grouped): ClusterGroup[] {
  const all = [...c.added, ...c.removed, ...c.changed, ...c.manifestsOnly];
  const clusters = [...new Set(all.map((e) => e.cluster))].sort(compareText);
  return clusters.map((cluster) => {
    const here = (e: AppEntry): boolean => e.cluster === cluster;
    return {
      cluster,
      added: c.added.filter(here),
      removed: c.removed.filter(here),
      changed: c.changed.filter(here),
      manifestsOnly: c.manifestsOnly.filter(here),
    };
  });
}

function appName(e: AppEntry): string {
  return `${e.namespace}/${e.name}`;
}

function manifestsOf(report: DiffReport, e: AppEntry): ManifestDiff | undefined {
  return report.manifests?.get(`${e.namespace}/${e.name}`);
}

// ---- text -----------------------------------------------------------------------------------

export function formatText(report: DiffReport): string {
  const c = counted(report);
  const same = report.comparison.unchanged - c.manifestsOnly.length;
  const lines = [`spokes diff: base ${describeSide(report.base)} → head ${describeSide(report.head)}`];
  if (total(c) === 0) {
    lines.push(`no changes (${plural(same, 'Application')}, the same at both sides)`);
    return `${[...lines, ...textNotRendered(report)].join('\n')}\n`;
  }
  lines.push(`${countsLine(c)}, ${same} unchanged`);
  for (const group of byCluster({ ...report.comparison, manifestsOnly: report.manifestsOnly ?? [] })) {
    lines.push('', `cluster ${group.cluster}`);
    for (const e of group.added) lines.push(`  + ${appName(e)}`, ...textManifests(manifestsOf(report, e)));
    for (const e of group.removed) lines.push(`  - ${appName(e)}`);
    for (const e of group.changed) {
      lines.push(`  ~ ${appName(e)}`);
      for (const change of e.changes) lines.push(...describeChange(change).map((l) => `      ${l}`));
      lines.push(...textManifests(manifestsOf(report, e)));
    }
    for (const e of group.manifestsOnly) {
      lines.push(`  ~ ${appName(e)} (manifests only)`, ...textManifests(manifestsOf(report, e)));
    }
  }
  return `${[...lines, ...textNotRendered(report)].join('\n')}\n`;
}

/** The first render error of each Application rendered at neither side. */
function notRenderedLines(report: DiffReport): [AppEntry, string][] {
  return (report.notRendered ?? []).map((e) => [e, manifestsOf(report, e)?.errors[0]?.message ?? '']);
}

function textNotRendered(report: DiffReport): string[] {
  const rows = notRenderedLines(report);
  if (rows.length === 0) return [];
  return [
    '',
    'not rendered at either side (manifests unknown):',
    ...rows.map(([e, message]) => `  ! ${appName(e)} (cluster ${e.cluster}): ${message}`),
  ];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function textManifests(m: ManifestDiff | undefined): string[] {
  if (m === undefined) return [];
  const pad = (l: string): string => `      ${l}`;
  if (m.errors.length > 0)
    return m.errors.map((e) => pad(`manifests: cannot render at ${e.side}: ${e.message}`));
  if (m.objects.length === 0) return [pad('manifests: no object changes')];
  return [pad('manifests:'), ...m.objects.flatMap((o) => splitLines(o.diff).map((l) => `        ${l}`))];
}

// ---- markdown -------------------------------------------------------------------------------

/** A code fence longer than any run of backticks in the content. */
function fenced(content: string, lang: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${content.endsWith('\n') ? content : `${content}\n`}${fence}`;
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function mdSide(info: SideInfo): string {
  if (info.revision === undefined) return 'working tree';
  const short = info.commit.slice(0, 7);
  return isCommitName(info) ? code(short) : `${code(info.revision)} (${short})`;
}

export function formatMarkdown(report: DiffReport): string {
  const c = counted(report);
  const same = report.comparison.unchanged - c.manifestsOnly.length;
  const sides = `Base ${mdSide(report.base)} → head: ${mdSide(report.head)}`;
  if (total(c) === 0) {
    const head = `### spokes diff: no changes\n\n${sides}; the same ${plural(same, 'Application')} at both sides.`;
    return `${[head, ...mdNotRendered(report)].join('\n')}\n`;
  }
  const out = [`### spokes diff: ${countsLine(c)}`, '', `${sides}; ${same} unchanged.`];
  for (const group of byCluster({ ...report.comparison, manifestsOnly: report.manifestsOnly ?? [] })) {
    out.push('', `#### Cluster ${code(group.cluster)}: ${countsLine(group, true)}`);
    for (const e of group.added) {
      const blocks = [fenced(toYamlStream([e.app]), 'yaml'), ...mdManifests(manifestsOf(report, e))];
      out.push('', ...details(`Added <code>${html(appName(e))}</code>`, blocks));
    }
    for (const e of group.removed) {
      out.push(
        '',
        ...details(`Removed <code>${html(appName(e))}</code>`, [fenced(toYamlStream([e.app]), 'yaml')]),
      );
    }
    for (const e of group.changed) {
      const summary = `Changed <code>${html(appName(e))}</code>: ${plural(e.changes.length, 'field')}`;
      const body = fenced(e.changes.flatMap(diffLinesOf).join('\n'), 'diff');
      out.push('', ...details(summary, [body, ...mdManifests(manifestsOf(report, e))]));
    }
    for (const e of group.manifestsOnly) {
      const summary = `Manifests changed <code>${html(appName(e))}</code>`;
      out.push('', ...details(summary, mdManifests(manifestsOf(report, e))));
    }
  }
  return `${[...out, ...mdNotRendered(report)].join('\n')}\n`;
}

function mdNotRendered(report: DiffReport): string[] {
  const rows = notRenderedLines(report);
  if (rows.length === 0) return [];
  return [
    '',
    '#### Not rendered at either side (manifests unknown)',
    '',
    ...rows.map(
      ([e, message]) => `- <code>${html(appName(e))}</code> (cluster ${code(e.cluster)}): ${code(message)}`,
    ),
  ];
}

function details(summary: string, blocks: readonly string[]): string[] {
  return [`<details><summary>${summary}</summary>`, '', ...blocks.flatMap((b) => [b, '']), '</details>'];
}

/** A field change as diff lines: `- path: old`, `+ path: new`. */
function diffLinesOf(change: FieldChange): string[] {
  if (isMultiline(change)) return [`@@ ${change.path} @@`, ...stringHunks(change)];
  const lines: string[] = [];
  if (change.kind !== 'added') lines.push(`- ${change.path}: ${formatValue(change.base)}`);
  if (change.kind !== 'removed') lines.push(`+ ${change.path}: ${formatValue(change.head)}`);
  return lines;
}

function mdManifests(m: ManifestDiff | undefined): string[] {
  if (m === undefined) return [];
  if (m.errors.length > 0) {
    return m.errors.map((e) => `Manifests: cannot render at ${e.side}:\n\n${fenced(e.message, 'text')}`);
  }
  if (m.objects.length === 0) return ['Manifests: no object changes.'];
  return [
    `Manifests (${m.objects.length} object${m.objects.length === 1 ? '' : 's'} changed):`,
    fenced(m.objects.map((o) => o.diff).join(''), 'diff'),
  ];
}

// ---- json -----------------------------------------------------------------------------------

export interface JsonSide {
  readonly revision: string | null;
  readonly workingTree: boolean;
  readonly commit: string;
}

function jsonSide(info: SideInfo): JsonSide {
  return { revision: info.revision ?? null, workingTree: info.revision === undefined, commit: info.commit };
}

function jsonEntry(e: AppEntry): Record<string, unknown> {
  return { name: e.name, namespace: e.namespace, cluster: e.cluster, appSet: e.appSet, file: e.file };
}

function withManifests(
  report: DiffReport,
  e: AppEntry,
  out: Record<string, unknown>,
): Record<string, unknown> {
  const m = manifestsOf(report, e);
  return m === undefined ? out : { ...out, manifests: { objects: m.objects, errors: m.errors } };
}

export function toJson(report: DiffReport): Record<string, unknown> {
  const c = report.comparison;
  return {
    base: jsonSide(report.base),
    head: jsonSide(report.head),
    summary: {
      added: c.added.length,
      removed: c.removed.length,
      changed: c.changed.length,
      ...(report.manifestsOnly === undefined ? {} : { manifestsOnly: report.manifestsOnly.length }),
      unchanged: c.unchanged - (report.manifestsOnly?.length ?? 0),
      ...(report.notRendered === undefined ? {} : { notRendered: report.notRendered.length }),
    },
    added: c.added.map((e) => withManifests(report, e, { ...jsonEntry(e), application: e.app })),
    removed: c.removed.map((e) => ({ ...jsonEntry(e), application: e.app })),
    changed: c.changed.map((e) =>
      withManifests(report, e, {
        ...jsonEntry(e),
        ...(e.baseCluster === undefined ? {} : { baseCluster: e.baseCluster }),
        changes: e.changes.map((ch) => ({
          path: ch.path,
          kind: ch.kind,
          ...(ch.kind === 'added' ? {} : { base: ch.base }),
          ...(ch.kind === 'removed' ? {} : { head: ch.head }),
        })),
      }),
    ),
    ...(report.manifestsOnly === undefined
      ? {}
      : { manifestsOnly: report.manifestsOnly.map((e) => withManifests(report, e, jsonEntry(e))) }),
    ...(report.notRendered === undefined
      ? {}
      : { notRendered: report.notRendered.map((e) => withManifests(report, e, jsonEntry(e))) }),
  };
}
