/**
 * A Kustomize source, built the way Argo CD builds it: the `source.kustomize` overrides are applied
 * inside the exported copy of the repository (never the cache), in Argo's order — namePrefix,
 * nameSuffix, images, replicas, commonLabels, commonAnnotations, namespace with `kustomize edit`,
 * then `patches` appended to the kustomization file's own, then `components` with `kustomize edit`
 * — and `kustomize build <app path>` runs from the repository root.
 */
import { stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import type { KubeObject } from '../kube/types.ts';
import { SpokesError } from '../errors.ts';
import { parseManifestStream } from './manifests.ts';
import type { ChartSource } from '../charts/types.ts';
import { prepareHelmCharts } from './kustomize-helm.ts';
import { appendPatches, kustomizePatchSchema } from './kustomize-patches.ts';
import { helmEnabled, type KustomizeBuild } from './kustomize-settings.ts';
import { runTool, toolPath, type ToolOptions } from './tools.ts';

export const kustomizeOptionsSchema = z.looseObject({
  namePrefix: z.string().optional(),
  nameSuffix: z.string().optional(),
  namespace: z.string().optional(),
  images: z.array(z.string()).optional(),
  replicas: z
    .array(z.object({ name: z.string(), count: z.union([z.number().int(), z.string()]) }))
    .optional(),
  commonLabels: z.record(z.string(), z.string()).optional(),
  commonAnnotations: z.record(z.string(), z.string()).optional(),
  forceCommonLabels: z.boolean().optional(),
  forceCommonAnnotations: z.boolean().optional(),
  labelWithoutSelector: z.boolean().optional(),
  labelIncludeTemplates: z.boolean().optional(),
  commonAnnotationsEnvsubst: z.boolean().optional(),
  patches: z.array(kustomizePatchSchema).optional(),
  components: z.array(z.string()).optional(),
  ignoreMissingComponents: z.boolean().optional(),
  kubeVersion: z.string().optional(),
  apiVersions: z.array(z.string()).optional(),
  version: z.string().optional(),
});
export type KustomizeOptions = z.infer<typeof kustomizeOptionsSchema>;

/** `name:value` pairs, sorted by name so runs are reproducible. */
function pairs(map: Readonly<Record<string, string>>): string[] {
  return Object.keys(map)
    .sort()
    .map((k) => `${k}:${map[k]}`);
}

function replicaArgs(replicas: NonNullable<KustomizeOptions['replicas']>): string[] {
  return replicas.map(({ name, count }) => {
    const n = typeof count === 'number' ? count : Number(count);
    if (!Number.isInteger(n))
      throw new SpokesError(
        'InvalidSpec',
        `kustomize.replicas "${name}": count "${count}" is not an integer`,
      );
    return `${name}=${n}`;
  });
}

function labelArgs(o: KustomizeOptions): string[] {
  return [
    ...(o.forceCommonLabels === true ? ['--force'] : []),
    ...(o.labelWithoutSelector === true ? ['--without-selector'] : []),
    ...(o.labelIncludeTemplates === true ? ['--include-templates'] : []),
    ...pairs(o.commonLabels ?? {}),
  ];
}

/** The `kustomize edit` commands for the overrides, in Argo CD's order. */
export function kustomizeEdits(o: KustomizeOptions): string[][] {
  const edits: string[][] = [];
  if (o.namePrefix) edits.push(['edit', 'set', 'nameprefix', '--', o.namePrefix]);
  if (o.nameSuffix) edits.push(['edit', 'set', 'namesuffix', '--', o.nameSuffix]);
  if (o.images?.length) edits.push(['edit', 'set', 'image', ...o.images]);
  if (o.replicas?.length) edits.push(['edit', 'set', 'replicas', ...replicaArgs(o.replicas)]);
  if (Object.keys(o.commonLabels ?? {}).length > 0) edits.push(['edit', 'add', 'label', ...labelArgs(o)]);
  if (Object.keys(o.commonAnnotations ?? {}).length > 0) {
    const force = o.forceCommonAnnotations === true ? ['--force'] : [];
    edits.push(['edit', 'add', 'annotation', ...force, ...pairs(o.commonAnnotations ?? {})]);
  }
  if (o.namespace) edits.push(['edit', 'set', 'namespace', '--', o.namespace]);
  return edits;
}

/** How `kustomize build` runs: argocd-cm's build options and binary, and the charts for helmCharts. */
export interface KustomizeRun {
  readonly build: KustomizeBuild;
  readonly charts?: ChartSource;
}

/**
 * Builds the kustomization at `appPath` inside `root` (an exported copy of the repository, which the
 * edits change in place).
 */
export async function renderKustomize(
  root: string,
  appPath: string,
  options: KustomizeOptions,
  tools: ToolOptions & { readonly run?: KustomizeRun },
): Promise<KubeObject[]> {
  const run = tools.run ?? { build: { options: [] } };
  const dir = join(root, appPath);
  const kustomizeTools = run.build.binary ? { ...tools, kustomize: run.build.binary } : tools;
  for (const edit of kustomizeEdits(options)) await runTool('kustomize', edit, dir, kustomizeTools);
  const args = ['build', dir, ...run.build.options];
  if (helmEnabled(run.build.options)) {
    if (run.charts !== undefined) await prepareHelmCharts(root, dir, run.charts);
    // The same helm binary Helm sources use, whatever PATH kustomize would search.
    if (!run.build.options.some((o) => o.startsWith('--helm-command'))) {
      args.push('--helm-command', await toolPath('helm', tools));
    }
  }
  if (options.patches?.length) await appendPatches(dir, options.patches);
  const components = await presentComponents(root, dir, options);
  if (components.length > 0)
    await runTool('kustomize', ['edit', 'add', 'component', ...components], dir, kustomizeTools);
  if (helmEnabled(run.build.options)) args.push(...helmVersionArgs(options));
  const out = await runTool('kustomize', args, root, kustomizeTools);
  return parseManifestStream(out, 'kustomize build');
}

/** `components`, less those missing from the repository when `ignoreMissingComponents` is set. */
async function presentComponents(root: string, dir: string, options: KustomizeOptions): Promise<string[]> {
  const components = options.components ?? [];
  if (options.ignoreMissingComponents !== true) return components;
  const present: string[] = [];
  for (const component of components) {
    const inRepo = relative(root, join(dir, component));
    if (inRepo.startsWith('..')) continue; // Argo's rooted stat fails for paths leaving the repository
    if (
      await stat(join(root, inRepo)).then(
        () => true,
        () => false,
      )
    )
      present.push(component);
  }
  return present;
}

/** The Helm versions kustomize's helmCharts are templated for (`--enable-helm` only, as in Argo CD). */
function helmVersionArgs(options: KustomizeOptions): string[] {
  return [
    ...(options.kubeVersion ? ['--helm-kube-version', options.kubeVersion] : []),
    ...(options.apiVersions ?? []).flatMap((v) => ['--helm-api-versions', v]),
  ];
}
