/**
 * The diff of one managed resource, desired against live, computed on demand the way the sync
 * decides it: the Application's source rendered from git (src/render, the sync's renderer), the
 * matching object server-side applied to its spoke as a dry run (so defaults, normalised values
 * and fields the sync would remove all show as the apiserver would store them), and that
 * "predicted live" compared with live. The sync records only each resource's verdict, not the
 * diff, so the diff is made here. Secret values are masked before anything is compared or sent.
 */
import type { Application } from '../api/application.ts';
import { splitLines, unifiedHunks } from '../diff/lines.ts';
import { redactPair } from '../diff/manifests.ts';
import { withIgnoredFromLive, type ResourceIgnoreRule } from '../ignore-differences.ts';
import type { KubeClient } from '../kube/client.ts';
import { comparable } from '../kube/comparable.ts';
import { groupOf, type KubeObject } from '../kube/types.ts';
import { renderSources, type Renderer } from '../render/index.ts';
import { stringify } from 'yaml';
import { apiVersionOf, liveObject, type ManagedResource } from './spokes.ts';

/** The sync's field manager and tracking annotation (the hub's protocol, as Argo CD's). */
const SYNC_FIELD_MANAGER = 'spokes';
const TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';

export interface ResourceDiff {
  readonly resource: ManagedResource;
  /** Live, as YAML (status and server bookkeeping left out), or '' when missing. */
  readonly live: string;
  /** What applying the desired object would store (or the desired object itself, see `note`). */
  readonly desired: string;
  /** Unified hunks from live to desired; empty when they agree. */
  readonly diff: string;
  /** The commit the desired state was rendered from. */
  readonly revision: string;
  readonly note?: string;
}

function comparableOrNone(obj: KubeObject | undefined): KubeObject | undefined {
  return obj === undefined ? undefined : comparable(obj);
}

function matches(obj: KubeObject, r: ManagedResource, defaultNamespace: string): boolean {
  if (groupOf(obj.apiVersion) !== (r.group ?? '') || obj.kind !== r.kind || obj.metadata?.name !== r.name)
    return false;
  if (r.namespace === undefined || r.namespace === '') return true;
  return (obj.metadata.namespace ?? defaultNamespace) === r.namespace;
}

export interface DiffInput {
  readonly app: Application;
  readonly resource: ManagedResource;
  readonly spoke: KubeClient;
  readonly renderer: Renderer;
}

export async function resourceDiff(input: DiffInput): Promise<ResourceDiff> {
  const { app, resource, spoke, renderer } = input;
  const destNamespace = app.spec.destination.namespace ?? '';
  const [rendered, live] = await Promise.all([
    renderWithRevision(app, renderer),
    liveObject(spoke, resource).catch(() => undefined),
  ]);
  const found = rendered.objects.find((obj) => matches(obj, resource, destNamespace));
  let desired: KubeObject | undefined;
  let note: string | undefined;
  if (found === undefined) {
    note = 'not in the rendered manifests: the sync prunes it (with prune enabled)';
  } else {
    const type = await spoke.resourceFor(apiVersionOf(resource), resource.kind);
    const placed = place(found, type.namespaced ? (found.metadata.namespace ?? destNamespace) : '', live);
    try {
      desired = await spoke.patch<KubeObject>(
        type,
        { namespace: placed.metadata.namespace, name: placed.metadata.name },
        placed,
        { type: 'apply', fieldManager: SYNC_FIELD_MANAGER, force: true, dryRun: true },
      );
    } catch (err) {
      desired = placed;
      note = `the cluster refused a dry run of the desired object, so it is shown as rendered: ${
        err instanceof Error ? err.message : String(err)
      }`;
    }
  }
  // Fields the Application's ignoreDifferences name do not count for the sync: show them as live.
  const ignore = (app.spec.ignoreDifferences ?? []) as unknown as ResourceIgnoreRule[];
  if (desired !== undefined && live !== undefined) desired = withIgnoredFromLive(desired, live, ignore);
  const [before, after] = redactPair(comparableOrNone(live), comparableOrNone(desired));
  const liveText = before === undefined ? '' : stringify(before);
  const desiredText = after === undefined ? '' : stringify(after);
  return {
    resource,
    live: liveText,
    desired: desiredText,
    diff: unifiedHunks(splitLines(liveText), splitLines(desiredText)).join('\n'),
    revision: rendered.revision,
    ...(note ? { note } : {}),
  };
}

/** The desired object as the sync applies it: in its namespace, with the live tracking id kept. */
function place(obj: KubeObject, namespace: string, live: KubeObject | undefined): KubeObject {
  const tracking = live?.metadata.annotations?.[TRACKING_ANNOTATION];
  const annotations = {
    ...(obj.metadata.annotations ?? {}),
    ...(tracking ? { [TRACKING_ANNOTATION]: tracking } : {}),
  };
  const metadata: KubeObject['metadata'] = { ...obj.metadata, annotations };
  if (namespace === '') delete metadata.namespace;
  else metadata.namespace = namespace;
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  return { ...obj, metadata };
}

async function renderWithRevision(
  app: Application,
  renderer: Renderer,
): Promise<{ objects: KubeObject[]; revision: string }> {
  const spec = app.spec;
  const namespace = spec.destination.namespace;
  const rendered = await renderSources(renderer, {
    sources: spec.sources?.length ? spec.sources : spec.source ? [spec.source] : [],
    multiSource: (spec.sources?.length ?? 0) > 0,
    appName: app.metadata.name,
    ...(namespace ? { namespace } : {}),
    ...(spec.project ? { project: spec.project } : {}),
  });
  return { objects: rendered.objects, revision: rendered.revisions.join(',') };
}
