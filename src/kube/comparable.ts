/**
 * The part of a Kubernetes object a diff looks at: its status and the server's bookkeeping left
 * out, as the sync compares a dry run with live and as the dashboard shows the two.
 */
import type { KubeObject } from './types.ts';

const VOLATILE_METADATA = [
  'managedFields',
  'resourceVersion',
  'generation',
  'uid',
  'creationTimestamp',
  'selfLink',
] as const;

export function comparable(obj: KubeObject): KubeObject {
  const { status: _status, metadata, ...rest } = obj as KubeObject & { status?: unknown };
  const meta: Record<string, unknown> = { ...metadata };
  for (const field of VOLATILE_METADATA) delete meta[field];
  return { ...rest, metadata: meta } as KubeObject;
}
