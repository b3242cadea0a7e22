/**
 * `--manifests`: an Application's sources rendered at both sides (plain directory, Kustomize or
 * Helm, through the sync renderer) and compared object by object; only objects that differ are
 * shown, each as a unified diff of its YAML. Secret values never appear: every `data` /
 * `stringData` value is replaced by a marker that only says whether it changed.
 */
import type { Application, ApplicationSource } from '../api/application.ts';
import type { KubeObject } from '../kube/types.ts';
import { renderSources, type Renderer } from '../render/index.ts';
import { toYamlStream } from '../yaml.ts';
import { compareText, type ChangeKind } from './compare.ts';
import { splitLines, unifiedHunks } from './lines.ts';

export interface ObjectDiff {
  /** `group/Kind namespace/name` (`Service web/api`, `apps/Deployment web/api`). */
  readonly object: string;
  readonly kind: ChangeKind;
  /** A unified diff with `---`/`+++` headers. */
  readonly diff: string;
}

export interface RenderFailure {
  readonly side: 'base' | 'head';
  readonly message: string;
}

export interface ManifestDiff {
  readonly objects: readonly ObjectDiff[];
  /** Sides that could not be rendered; with any, `objects` is empty. */
  readonly errors: readonly RenderFailure[];
}

export interface ManifestSides {
  readonly base?: Application;
  readonly head?: Application;
}

export const REDACTED = '[redacted]';
export const REDACTED_CHANGED = '[redacted: changed]';

/** The object diff of one Application between its base and head versions (either may be absent). */
export async function manifestDiff(
  app: ManifestSides,
  renderers: { readonly base: Renderer; readonly head: Renderer },
): Promise<ManifestDiff> {
  const errors: RenderFailure[] = [];
  const renderSide = async (side: 'base' | 'head'): Promise<KubeObject[]> => {
    const version = app[side];
    if (version === undefined) return [];
    try {
      return await renderApp(version, renderers[side]);
    } catch (err) {
      errors.push({ side, message: err instanceof Error ? err.message : String(err) });
      return [];
    }
  };
  const base = await renderSide('base');
  const head = await renderSide('head');
  if (errors.length > 0) return { objects: [], errors };
  return { objects: diffObjects(base, head), errors };
}

/** Every object of the Application's sources (`spec.sources`, else `spec.source`), in render order. */
export async function renderApp(app: Application, renderer: Renderer): Promise<KubeObject[]> {
  const spec = app.spec;
  const sources: readonly ApplicationSource[] = spec.sources?.length
    ? spec.sources
    : spec.source
      ? [spec.source]
      : [];
  const namespace = spec.destination.namespace;
  const rendered = await renderSources(renderer, {
    sources,
    multiSource: (spec.sources?.length ?? 0) > 0,
    appName: app.metadata.name,
    ...(namespace ? { namespace } : {}),
    ...(spec.project ? { project: spec.project } : {}),
  });
  return rendered.objects;
}

/** `apps/Deployment web/api`: what an object is called in the output. */
export function objectName(obj: KubeObject): string {
  const slash = obj.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : `${obj.apiVersion.slice(0, slash)}/`;
  const ns = obj.metadata.namespace ? `${obj.metadata.namespace}/` : '';
  return `${group}${obj.kind} ${ns}${obj.metadata.name ?? ''}`;
}

function byName(objects: readonly KubeObject[]): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  for (const obj of objects) {
    const name = objectName(obj);
    let key = name;
    for (let n = 2; out.has(key); n++) key = `${name} #${n}`;
    out.set(key, obj);
  }
  return out;
}

/** The objects that differ, sorted by name. */
export function diffObjects(base: readonly KubeObject[], head: readonly KubeObject[]): ObjectDiff[] {
  const b = byName(base);
  const h = byName(head);
  const names = [...new Set([...b.keys(), ...h.keys()])].sort(compareText);
  const out: ObjectDiff[] = [];
  for (const name of names) {
    const [before, after] = redactPair(b.get(name), h.get(name));
    const a = before === undefined ? [] : splitLines(toYamlStream([before]));
    const z = after === undefined ? [] : splitLines(toYamlStream([after]));
    const hunks = unifiedHunks(a, z);
    if (hunks.length === 0) continue;
    const kind: ChangeKind = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    const from = before === undefined ? '/dev/null' : `base/${name}`;
    const to = after === undefined ? '/dev/null' : `head/${name}`;
    out.push({ object: name, kind, diff: `--- ${from}\n+++ ${to}\n${hunks.join('\n')}\n` });
  }
  return out;
}

type Values = Record<string, unknown>;

/** Secret values replaced by markers; a head value that differs from base's says so. */
export function redactPair(
  base: KubeObject | undefined,
  head: KubeObject | undefined,
): [KubeObject | undefined, KubeObject | undefined] {
  const isSecret = (obj: KubeObject | undefined): boolean =>
    obj?.kind === 'Secret' && obj.apiVersion === 'v1';
  if (!isSecret(base) && !isSecret(head)) return [base, head];
  const mask = (obj: KubeObject | undefined, other: KubeObject | undefined): KubeObject | undefined => {
    if (obj === undefined || !isSecret(obj)) return obj;
    const out: KubeObject = { ...obj };
    for (const field of ['data', 'stringData'] as const) {
      const values = obj[field] as Values | undefined | null;
      if (values === undefined || values === null || typeof values !== 'object') continue;
      const theirs = (other?.[field] ?? {}) as Values;
      out[field] = Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
          key,
          other === undefined || !Object.hasOwn(theirs, key) || theirs[key] === value
            ? REDACTED
            : REDACTED_CHANGED,
        ]),
      );
    }
    return out;
  };
  // Base is masked plainly; head says which values differ from base.
  return [mask(base, undefined), mask(head, base)];
}
