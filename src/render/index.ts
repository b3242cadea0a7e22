/**
 * Rendering an Application source to Kubernetes objects. A git source's revision is resolved to a
 * commit through the repo cache, a chart source's (`chart`) to a version through the chart source,
 * an OCI artifact's (`oci://` without `chart`) to a digest; the source type is chosen as Argo CD
 * chooses it (an explicit `directory` / `kustomize` / `helm` block, else discovered from the files
 * directly in the path: a `*Chart.yaml` means Helm, a kustomization file Kustomize — the later in
 * walk order winning — else a plain directory; a chart source is Helm), then rendered. Results are
 * cached by (repository, commit / version / digest, path, type, options, the commits of `$ref`
 * value files, and for Helm the release name and namespace); concurrent requests share one render.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { ApplicationSource } from '../api/application.ts';
import type { ChartSource } from '../charts/types.ts';
import type { RepoRevision, RepoSource, TreeEntry } from '../git/types.ts';
import type { KubeObject } from '../kube/types.ts';
import { SpokesError } from '../errors.ts';
import { noteOnActiveSpan } from '../observability/tracing.ts';
import { renderChartSource, renderOciArtifact } from './chart-source.ts';
import { normalizeAppPath, renderDirectory } from './directory.ts';
import { buildDependencies } from './helm-deps.ts';
import { helmOptionsSchema, renderHelm, type HelmOptions } from './helm.ts';
import { kustomizeOptionsSchema, renderKustomize, type KustomizeOptions } from './kustomize.ts';
import { kustomizeBuildFor, NO_KUSTOMIZE_SETTINGS, type KustomizeSettings } from './kustomize-settings.ts';
import { RefResolver, refSourceFor, type RefSources } from './refs.ts';
import { buildEnv, substituteHelm, substituteKustomize } from './envsubst.ts';
import type { ToolOptions } from './tools.ts';

export { type ToolOptions } from './tools.ts';
export { kustomizeSettingsFrom, type KustomizeSettings } from './kustomize-settings.ts';
export { refSourcesOf, type RefSources } from './refs.ts';
export { checkSources, renderSources, type RenderedApp, type SourcesRequest } from './sources.ts';

export type SourceType = 'Directory' | 'Kustomize' | 'Helm';

/** What rendering needs from the repo cache: reads, plus a working-tree export for the tools. */
export interface RenderRepos extends RepoSource {
  exportTree(at: RepoRevision, dest: string): Promise<void>;
}

export interface RenderRequest {
  readonly source: ApplicationSource;
  /** The Application's name (Helm's default release name). */
  readonly appName: string;
  /** The destination namespace (Helm's default release namespace). */
  readonly namespace?: string;
  /**
   * A multi-source Application's ref sources (`spec.sources[].ref`), keyed `$name`, for `$name/...`
   * value files; undefined for a single source, whose `$...` value files are plain paths.
   */
  readonly refSources?: RefSources;
  /** Skip cached chart indexes and tag lists (a hard refresh). */
  readonly noCache?: boolean;
  /** The Application's project (`$ARGOCD_APP_PROJECT_NAME` in substituted options). */
  readonly project?: string;
}

export interface RenderedSource {
  /** What Argo CD reports for the source: a commit SHA, a chart version, or an OCI digest. */
  readonly revision: string;
  readonly type: SourceType;
  readonly objects: readonly KubeObject[];
}

export interface Renderer {
  render(request: RenderRequest): Promise<RenderedSource>;
  /** A source's revision without rendering it (ref-only sources report one too). */
  resolveRevision(source: ApplicationSource, noCache?: boolean): Promise<string>;
}

export interface RendererOptions {
  readonly repos: RenderRepos;
  readonly tools?: ToolOptions;
  /** Helm chart repositories and OCI registries; without one, chart sources are refused. */
  readonly charts?: ChartSource;
  /** argocd-cm's Kustomize settings, read at each render. */
  readonly kustomizeSettings?: () => KustomizeSettings;
  /** Rendered results kept (least recently used dropped first); default 512. */
  readonly cacheSize?: number;
}

const jsonnetVarSchema = z.looseObject({ name: z.string(), value: z.string(), code: z.boolean().optional() });
const directorySchema = z.looseObject({
  recurse: z.boolean().optional(),
  include: z.string().optional(),
  exclude: z.string().optional(),
  jsonnet: z
    .looseObject({
      extVars: z.array(jsonnetVarSchema).nullish(),
      tlas: z.array(jsonnetVarSchema).nullish(),
      libs: z.array(z.string()).nullish(),
    })
    .optional(),
});

/**
 * Source options Argo CD honours that Spokes does not: refused by name, never ignored. (Jsonnet
 * settings matter only for `.jsonnet` files, which the directory render refuses by name.)
 */
export function unsupportedOption(source: ApplicationSource): string | undefined {
  const version = (source.helm as { version?: unknown } | undefined)?.version;
  if (typeof version === 'string' && version !== '' && version !== 'v3')
    return `source.helm.version "${version}": Spokes templates charts with Helm 3 only (version: v3)`;
  return undefined;
}

const KUSTOMIZATION_FILES: ReadonlySet<string> = new Set([
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
]);

/** The explicitly configured type, if exactly one block is set; more than one is an error. */
export function explicitType(source: ApplicationSource): SourceType | undefined {
  const types: string[] = [];
  if (source.kustomize !== undefined) types.push('Kustomize');
  if (source.helm !== undefined) types.push('Helm');
  if (source.directory !== undefined) types.push('Directory');
  if (source.plugin !== undefined) types.push('Plugin');
  if (types.length > 1)
    throw new SpokesError('InvalidSpec', `multiple application sources defined: ${types.join(',')}`);
  if (types[0] === 'Plugin')
    throw new SpokesError(
      'NotSupported',
      'config management plugins (source.plugin) are not supported by Spokes: render the manifests into git, or use a Helm, Kustomize or plain-directory source',
    );
  return types[0] as SourceType | undefined;
}

/** Argo's discovery from the files directly in the app path (walk order, the later match wins). */
export function discoverType(tree: readonly TreeEntry[], appPath: string): SourceType {
  const prefix = appPath === '' ? '' : `${appPath}/`;
  const names = tree
    .filter(
      (e) => e.type === 'blob' && e.path.startsWith(prefix) && !e.path.slice(prefix.length).includes('/'),
    )
    .map((e) => e.path.slice(prefix.length))
    .sort();
  let type: SourceType = 'Directory';
  for (const name of names) {
    if (name.endsWith('Chart.yaml')) type = 'Helm';
    if (KUSTOMIZATION_FILES.has(name)) type = 'Kustomize';
  }
  return type;
}

function parseOptions<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : `.${issue.path.join('.')}`;
    throw new SpokesError('InvalidSpec', `source.${field}${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * A source checked without fetching anything: its type blocks (one at most, no plugin), their
 * options, a chart's targetRevision, and the ref sources its `$ref` value files name. What passes
 * can only fail later for want of its repository, chart or files.
 */
export function checkSource(source: ApplicationSource, refs: RefSources | undefined): void {
  const type = explicitType(source);
  const unsupported = unsupportedOption(source);
  if (unsupported !== undefined) throw new SpokesError('NotSupported', unsupported);
  if (source.chart) {
    if (!source.targetRevision) {
      throw new SpokesError(
        'InvalidSpec',
        'spec.source.targetRevision is required if the manifest source is a helm chart',
      );
    }
    if (type !== undefined && type !== 'Helm') {
      throw new SpokesError(
        'InvalidSpec',
        `source.${type.toLowerCase()} cannot apply to a Helm chart source`,
      );
    }
  }
  if (source.helm !== undefined) {
    const helm = parseOptions(helmOptionsSchema, source.helm, 'helm');
    if (refs !== undefined)
      for (const file of helmFiles(helm)) if (file.startsWith('$')) refSourceFor(file, refs);
  }
  if (source.kustomize !== undefined) parseOptions(kustomizeOptionsSchema, source.kustomize, 'kustomize');
  if (source.directory !== undefined) parseOptions(directorySchema, source.directory, 'directory');
}

/** True when `file` is `$name/...` and `name` is one of the ref sources. */
function namesRefSource(file: string, refs: RefSources | undefined): boolean {
  const match = /^\$([^/]+)\//.exec(file);
  return match !== null && refs !== undefined && refs.has(`$${match[1]}`);
}

/** The files a Helm source reads besides its chart: value files and file parameters. */
function helmFiles(options: HelmOptions): string[] {
  return [...(options.valueFiles ?? []), ...(options.fileParameters ?? []).map((p) => p.path)];
}

/** A source's files: read through `reader` at `at`, or written out to a folder for the tools. */
export interface TreeRender {
  readonly reader: RepoSource;
  readonly at: RepoRevision;
  /** Runs `work` on the tree written out to a folder (a throwaway copy: tools may edit it). */
  withRoot<T>(work: (root: string) => Promise<T>): Promise<T>;
}

interface Plan {
  readonly type: SourceType;
  readonly appPath: string;
  readonly options: unknown;
  readonly key: string;
}

/** What every render shares: tools, charts, settings, and the result cache. */
export interface RenderContext {
  readonly repos: RenderRepos;
  readonly tools: ToolOptions;
  readonly charts: ChartSource | undefined;
  readonly kustomize: () => KustomizeSettings;
  remember<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/** The source type and its parsed options for a tree, and the cache key parts they make. */
export async function planTree(
  request: RenderRequest,
  tree: Pick<TreeRender, 'at'> & Partial<Pick<TreeRender, 'reader'>> & { readonly revision?: string },
  forced?: SourceType,
): Promise<Plan> {
  const { source } = request;
  const appPath = normalizeAppPath(source.path);
  const discover = async (): Promise<SourceType> => {
    if (tree.reader === undefined)
      throw new SpokesError('InvalidSpec', `${source.repoURL}: the source type cannot be told`);
    return discoverType(await tree.reader.listTree(tree.at), appPath);
  };
  const type = forced ?? explicitType(source) ?? (await discover());
  const env = buildEnv({
    appName: request.appName,
    ...(request.namespace ? { namespace: request.namespace } : {}),
    ...(request.project ? { project: request.project } : {}),
    revision: tree.revision ?? tree.at.commit,
    repoURL: source.repoURL,
    ...(source.path ? { path: source.path } : {}),
    ...(source.targetRevision ? { targetRevision: source.targetRevision } : {}),
  });
  const opts =
    type === 'Helm'
      ? substituteHelm(parseOptions(helmOptionsSchema, source.helm, 'helm'), env, (file) =>
          namesRefSource(file, request.refSources),
        )
      : type === 'Kustomize'
        ? substituteKustomize(parseOptions(kustomizeOptionsSchema, source.kustomize, 'kustomize'), env)
        : parseOptions(directorySchema, source.directory, 'directory');
  const helmContext = type === 'Helm' ? { appName: request.appName, namespace: request.namespace ?? '' } : {};
  const key = JSON.stringify([tree.at.repoURL, tree.at.commit, appPath, type, opts, helmContext]);
  return { type, appPath, options: opts, key };
}

/** Renders a planned tree: plain YAML from the reader, Kustomize and Helm on the written-out copy. */
export async function runPlan(
  ctx: RenderContext,
  p: Plan,
  request: RenderRequest,
  tree: TreeRender,
): Promise<KubeObject[]> {
  switch (p.type) {
    case 'Directory':
      return renderDirectory(tree.reader, tree.at, p.appPath, p.options as z.infer<typeof directorySchema>);
    case 'Kustomize': {
      const options = p.options as KustomizeOptions;
      const build = kustomizeBuildFor(ctx.kustomize(), options.version);
      return tree.withRoot((root) =>
        renderKustomize(root, p.appPath, options, {
          ...ctx.tools,
          run: { build, ...(ctx.charts ? { charts: ctx.charts } : {}) },
        }),
      );
    }
    case 'Helm': {
      const options = p.options as HelmOptions;
      const context = {
        appName: request.appName,
        ...(request.namespace ? { namespace: request.namespace } : {}),
      };
      const refs =
        request.refSources === undefined ? undefined : new RefResolver(ctx.repos, request.refSources);
      return tree.withRoot((root) =>
        renderHelm(
          root,
          p.appPath,
          {
            options,
            context,
            ...(refs ? { refs } : {}),
            ...(ctx.charts
              ? {
                  buildDependencies: (dir: string) =>
                    buildDependencies(dir, { charts: ctx.charts!, boundary: root }),
                }
              : {}),
          },
          ctx.tools,
        ),
      );
    }
  }
}

/** argocd-cm's Kustomize build for a Kustomize plan (part of its cache key: a settings change re-renders). */
export function buildKey(ctx: RenderContext, p: Plan): unknown {
  return p.type === 'Kustomize'
    ? kustomizeBuildFor(ctx.kustomize(), (p.options as KustomizeOptions).version)
    : null;
}

/** The commits of the `$ref` value files a Helm source names (part of its cache key). */
export async function refCommits(
  ctx: RenderContext,
  request: RenderRequest,
  p: Plan,
  at?: RepoRevision,
): Promise<string[]> {
  if (p.type !== 'Helm' || request.refSources === undefined) return [];
  const files = helmFiles(p.options as HelmOptions);
  if (!files.some((f) => f.startsWith('$'))) return [];
  const refs = new RefResolver(ctx.repos, request.refSources);
  if (at !== undefined) await refs.checkSameRepository(files, at);
  return refs.commitsFor(files);
}

export function createRenderer(options: RendererOptions): Renderer {
  const { repos } = options;
  const size = options.cacheSize ?? 512;
  const cache = new Map<string, Promise<unknown>>();

  const remember = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const cached = cache.get(key) as Promise<T> | undefined;
    noteOnActiveSpan('spokes.render.cache', { 'spokes.render.cache': cached ? 'hit' : 'miss' });
    if (cached !== undefined) {
      cache.delete(key);
      cache.set(key, cached);
      return cached;
    }
    const result = work();
    cache.set(key, result);
    result.catch(() => cache.get(key) === result && cache.delete(key));
    while (cache.size > size) cache.delete(cache.keys().next().value!);
    return result;
  };

  const ctx: RenderContext = {
    repos,
    tools: options.tools ?? {},
    charts: options.charts,
    kustomize: options.kustomizeSettings ?? (() => NO_KUSTOMIZE_SETTINGS),
    remember,
  };

  const gitTree = (at: RepoRevision): TreeRender => ({
    reader: repos,
    at,
    async withRoot(work) {
      const root = await mkdtemp(join(tmpdir(), 'spokes-render-'));
      try {
        await repos.exportTree(at, root);
        return await work(root);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  });

  const renderGit = async (request: RenderRequest): Promise<RenderedSource> => {
    const { source } = request;
    const at = await repos.resolve(source.repoURL, source.targetRevision || 'HEAD');
    const tree = gitTree(at);
    const p = await planTree(request, tree);
    const key = JSON.stringify([p.key, await refCommits(ctx, request, p, at), buildKey(ctx, p)]);
    const objects = await remember(key, () => runPlan(ctx, p, request, tree));
    return { revision: at.commit, type: p.type, objects };
  };

  const chartsOrRefuse = (source: ApplicationSource): ChartSource => {
    if (options.charts === undefined) {
      throw new SpokesError(
        'NotSupported',
        `chart source ${source.repoURL}: no chart repository access configured here`,
      );
    }
    return options.charts;
  };

  return {
    render(request) {
      const { source } = request;
      if (source.chart) return renderChartSource({ ...ctx, charts: chartsOrRefuse(source) }, request);
      if (/^oci:\/\//i.test(source.repoURL))
        return renderOciArtifact({ ...ctx, charts: chartsOrRefuse(source) }, request);
      return renderGit(request);
    },
    async resolveRevision(source, noCache) {
      if (source.chart) {
        const chart = await chartsOrRefuse(source).resolve(
          { repoURL: source.repoURL, chart: source.chart, revision: source.targetRevision ?? '' },
          { noCache: noCache === true },
        );
        return chart.version;
      }
      if (/^oci:\/\//i.test(source.repoURL)) {
        const artifact = await chartsOrRefuse(source).resolveArtifact(
          source.repoURL,
          source.targetRevision ?? '',
          { noCache: noCache === true },
        );
        return artifact.digest;
      }
      return (await repos.resolve(source.repoURL, source.targetRevision || 'HEAD')).commit;
    },
  };
}
