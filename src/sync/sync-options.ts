/**
 * Every sync option Argo CD honours, and what Spokes does with it: honoured (or what Spokes always
 * does), or refused by name. An option Argo CD honours is never silently ignored; names Argo CD does
 * not know are ignored, as Argo CD ignores them.
 */
import type { KubeObject } from '../kube/types.ts';
import { ANNOTATION_SYNC_OPTIONS, annotationValues } from './annotations.ts';

/** `Name=value` → why Spokes cannot honour it; a name mapped to undefined is honoured for every value. */
type Refusal = (value: string) => string | undefined;
const REFUSED: ReadonlyMap<string, Refusal> = new Map<string, Refusal>([
  [
    'Replace',
    (v: string) =>
      v === 'true'
        ? 'replacing objects (kubectl replace/create) is not done by Spokes, which always applies server-side'
        : undefined,
  ],
  [
    'Force',
    (v: string) => (v === 'true' ? 'deleting and recreating objects is not done by Spokes' : undefined),
  ],
  [
    'FailOnSharedResource',
    (v: string) =>
      v === 'true' ? 'failing on resources owned by another Application is not implemented' : undefined,
  ],
  [
    'RespectIgnoreDifferences',
    (v: string) =>
      v === 'true' ? 'keeping ignoreDifferences fields out of the sync is not implemented' : undefined,
  ],
  [
    'SkipDryRunOnMissingResource',
    (v: string) =>
      v === 'true'
        ? 'skipping the dry run for kinds the cluster does not know is not implemented (Spokes skips it only for CRDs in the same sync)'
        : undefined,
  ],
  [
    'Prune',
    (v: string) => (v === 'confirm' ? 'pruning only after a confirmation is not implemented' : undefined),
  ],
  [
    'Delete',
    (v: string) =>
      v === 'confirm' || v === 'false'
        ? 'keeping or confirming deletions of resources is not implemented'
        : undefined,
  ],
]);

/** The first option Spokes refuses, as a message naming it; undefined when all are honoured. */
export function refusedOption(options: readonly string[]): string | undefined {
  for (const option of options) {
    const eq = option.indexOf('=');
    if (eq <= 0) continue;
    const name = option.slice(0, eq).trim();
    const why = REFUSED.get(name)?.(option.slice(eq + 1).trim());
    if (why !== undefined) return `sync option ${option.trim()} is not supported by Spokes: ${why}`;
  }
  return undefined;
}

/** The first refusal among the Application's options and its objects' sync-options annotations. */
export function refusedSyncOptions(
  appOptions: readonly string[],
  objects: readonly KubeObject[],
): string | undefined {
  const app = refusedOption(appOptions);
  if (app !== undefined) return `spec.syncPolicy.syncOptions: ${app}`;
  for (const obj of objects) {
    const refused = refusedOption(annotationValues(obj, ANNOTATION_SYNC_OPTIONS));
    if (refused !== undefined) {
      const ns = obj.metadata.namespace ? `${obj.metadata.namespace}/` : '';
      return `${obj.kind} ${ns}${obj.metadata.name ?? ''} (${ANNOTATION_SYNC_OPTIONS}): ${refused}`;
    }
  }
  return undefined;
}
