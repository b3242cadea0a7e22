/**
 * Sync options, as Argo CD spells them: `Name=value` strings in `spec.syncPolicy.syncOptions` for
 * the whole Application, or comma-separated in a resource's `argocd.argoproj.io/sync-options`
 * annotation (which wins for that resource).
 */
import type { KubeObject } from '../kube/types.ts';
import { ANNOTATION_SYNC_OPTIONS, annotationValues } from './annotations.ts';

/** The value of option `name` in a list of `Name=value` strings (the last one wins). */
export function optionValue(options: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (const option of options) {
    const eq = option.indexOf('=');
    if (eq > 0 && option.slice(0, eq).trim() === name) value = option.slice(eq + 1).trim();
  }
  return value;
}

/** A resource's option: its annotation first, then the Application's list. */
export function resourceOption(
  obj: KubeObject,
  appOptions: readonly string[],
  name: string,
): string | undefined {
  return optionValue(annotationValues(obj, ANNOTATION_SYNC_OPTIONS), name) ?? optionValue(appOptions, name);
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

/** `PrunePropagationPolicy=foreground|background|orphan` (Argo's default: foreground). */
export function propagationPolicy(appOptions: readonly string[]): PropagationPolicy {
  switch (optionValue(appOptions, 'PrunePropagationPolicy')?.toLowerCase()) {
    case 'background':
      return 'Background';
    case 'orphan':
      return 'Orphan';
    default:
      return 'Foreground';
  }
}

/** Go-style durations as Argo's retry backoff writes them: `5s`, `3m`, `1m30s`, `500ms`, `1h`. */
export function parseDurationMs(text: string | undefined, fallbackMs: number): number {
  if (text === undefined || text.trim() === '') return fallbackMs;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let rest = text.trim();
  while (rest !== '') {
    const match = /^(\d+(?:\.\d+)?)(ms|h|m|s)/.exec(rest);
    if (match === null) return fallbackMs;
    total += Number(match[1]) * units[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return total;
}
