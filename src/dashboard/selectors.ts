/**
 * Why an ApplicationSet selects a cluster: each `clusters` generator (also inside matrix and merge)
 * whose label selector matches the cluster's labels, and each `list` element that names it.
 */
import type { LabelSelector } from '../api/selector.ts';
import { matchesSelector } from '../labels.ts';
import type { ClusterView } from './fleet.ts';

export interface SelectionReason {
  /** Where in the spec, e.g. `spec.generators[0].matrix.generators[0].clusters`. */
  readonly path: string;
  /** The selector as people write it, e.g. `env in (prod, staging)`, or what the list element says. */
  readonly why: string;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function describeSelector(selector: LabelSelector | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(', ');
    parts.push(
      e.operator === 'Exists'
        ? `${e.key} exists`
        : e.operator === 'DoesNotExist'
          ? `!${e.key}`
          : `${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${values})`,
    );
  }
  return parts.length === 0 ? 'every cluster (empty selector)' : parts.join(', ');
}

function asSelector(value: unknown): LabelSelector | undefined {
  return isMap(value) ? value : undefined;
}

function safeMatch(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  try {
    return selector === undefined || matchesSelector(selector, labels);
  } catch {
    return false;
  }
}

/** The reasons the generators at `path` select `cluster`; empty when none does. */
export function selectionReasons(
  generators: unknown,
  cluster: ClusterView,
  path = 'spec.generators',
): SelectionReason[] {
  if (!Array.isArray(generators)) return [];
  const reasons: SelectionReason[] = [];
  generators.forEach((entry, i) => {
    if (!isMap(entry)) return;
    for (const [name, spec] of Object.entries(entry)) {
      if (!isMap(spec)) continue;
      const at = `${path}[${i}].${name}`;
      if (name === 'clusters') {
        const selector = asSelector(spec['selector']);
        if (safeMatch(selector, cluster.labels)) reasons.push({ path: at, why: describeSelector(selector) });
      } else if (name === 'list' && Array.isArray(spec['elements'])) {
        for (const [j, element] of (spec['elements'] as unknown[]).entries()) {
          if (!isMap(element)) continue;
          const named = ['cluster', 'name', 'server', 'url'].find(
            (key) => element[key] === cluster.name || element[key] === cluster.server,
          );
          if (named !== undefined)
            reasons.push({ path: `${at}.elements[${j}]`, why: `${named}: ${String(element[named])}` });
        }
      } else if (Array.isArray(spec['generators'])) {
        reasons.push(...selectionReasons(spec['generators'], cluster, `${at}.generators`));
      }
    }
  });
  return reasons;
}
