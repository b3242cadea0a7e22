/**
 * Sources that are not git: a Helm chart from a chart repository or OCI registry (`chart` set),
 * rendered with every Helm option a chart in git has (value files are read from inside the chart,
 * `$ref/...` files from ref sources, dependencies fetched when not vendored); and an OCI artifact
 * (`repoURL: oci://…` without `chart`, Argo CD 3), whose content is rendered like a git folder
 * (a Helm chart layer is unpacked to its root, as Argo CD does). Each archive is extracted into a
 * throwaway folder per render; the revision reported is the chart version or the manifest digest.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApplicationSource } from '../api/application.ts';
import { chartFolder, extractArchive } from '../charts/archive.ts';
import type { ChartArchive, ChartSource } from '../charts/types.ts';
import { SpokesError } from '../errors.ts';
import type { RepoRevision } from '../git/types.ts';
import { folderSource } from './fs-tree.ts';
import type { RenderContext, RenderedSource, RenderRequest, TreeRender } from './index.ts';
import { explicitType, planTree, refCommits, runPlan } from './index.ts';
import { RefResolver } from './refs.ts';

/** Extracted archives may take this much disk (Argo CD's `helm.manifestMaxExtractedSize` idea). */
const MAX_EXTRACTED_BYTES = 1024 * 1024 * 1024;

type ChartContext = RenderContext & { readonly charts: ChartSource };

/** Runs `work` on an archive extracted into a throwaway folder (a chart's own folder for a chart). */
async function withExtracted<T>(
  at: RepoRevision,
  archive: () => Promise<ChartArchive>,
  what: string,
  work: (tree: TreeRender) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'spokes-chart-'));
  try {
    const { bytes, helmChart } = await archive();
    await extractArchive(bytes, dir, { maxBytes: MAX_EXTRACTED_BYTES }, what);
    const root = helmChart ? join(dir, await chartFolder(bytes, what)) : dir;
    return await work({ at, reader: folderSource(root), withRoot: (w) => w(root) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function requireRevision(source: ApplicationSource, what: string): string {
  const revision = source.targetRevision ?? '';
  if (revision === '')
    throw new SpokesError(
      'InvalidSpec',
      `spec.source.targetRevision is required if the manifest source is ${what}`,
    );
  return revision;
}

/** A chart from a Helm repository or OCI registry, templated like a chart in git. */
export async function renderChartSource(ctx: ChartContext, request: RenderRequest): Promise<RenderedSource> {
  const { source } = request;
  const chart = source.chart!;
  const revision = requireRevision(source, 'a helm chart');
  const explicit = explicitType(source);
  if (explicit !== undefined && explicit !== 'Helm') {
    throw new SpokesError(
      'InvalidSpec',
      `source.${explicit.toLowerCase()} cannot apply to a Helm chart source (source.chart ${chart})`,
    );
  }
  const resolved = await ctx.charts.resolve(
    { repoURL: source.repoURL, chart, revision },
    { noCache: request.noCache === true },
  );
  const at: RepoRevision = {
    repoURL: source.repoURL,
    revision,
    commit: `${chart}@${resolved.version}#${resolved.digest ?? ''}`,
  };
  const passCredentials =
    (source.helm as { passCredentials?: unknown } | undefined)?.passCredentials === true;
  const chartRequest = { ...request, source: { ...source, path: '' } };
  const p = await planTree(chartRequest, { at, revision: resolved.version }, 'Helm');
  const key = JSON.stringify(['chart', p.key, await refCommits(ctx, request, p)]);
  const objects = await ctx.remember(key, () =>
    withExtracted(
      at,
      () => ctx.charts.archive(resolved, { passCredentials }),
      `chart ${chart} ${resolved.version}`,
      (tree) => runPlan(ctx, p, chartRequest, tree),
    ),
  );
  return { revision: resolved.version, type: 'Helm', objects };
}

/** An OCI artifact source: its content rendered like a folder of a git repository. */
export async function renderOciArtifact(ctx: ChartContext, request: RenderRequest): Promise<RenderedSource> {
  const { source } = request;
  const revision = requireRevision(source, 'an OCI artifact');
  const resolved = await ctx.charts.resolveArtifact(source.repoURL, revision, {
    noCache: request.noCache === true,
  });
  const at: RepoRevision = { repoURL: source.repoURL, revision, commit: resolved.digest };
  const valueFiles = (source.helm as { valueFiles?: string[] } | undefined)?.valueFiles ?? [];
  const refs =
    request.refSources !== undefined && valueFiles.some((f) => f.startsWith('$'))
      ? await new RefResolver(ctx.repos, request.refSources).commitsFor(valueFiles)
      : [];
  const key = JSON.stringify([
    'oci',
    source.repoURL,
    resolved.digest,
    source.path ?? '',
    source.helm ?? null,
    source.kustomize ?? null,
    source.directory ?? null,
    request.appName,
    request.namespace ?? '',
    request.project ?? '',
    refs,
    ctx.kustomize().buildOptions,
  ]);
  const rendered = await ctx.remember(key, () =>
    // One extraction serves planning (the type is discovered from the files) and rendering.
    withExtracted(
      at,
      () => ctx.charts.archive(resolved),
      `OCI artifact ${source.repoURL}@${resolved.digest}`,
      async (tree) => {
        const p = await planTree(request, tree);
        return { type: p.type, objects: await runPlan(ctx, p, request, tree) };
      },
    ),
  );
  return { revision: resolved.digest, ...rendered };
}
