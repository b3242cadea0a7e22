/**
 * Rendering an Application source to Kubernetes objects: the revision resolved to a commit through
 * the repo cache, the source type chosen as Argo CD chooses it (an explicit `directory` /
 * `kustomize` / `helm` block, else discovered from the files directly in the path: a
 * `*Chart.yaml` means Helm, a kustomization file Kustomize — the later in walk order winning —
 * else a plain directory), then rendered. Results are cached by (repository, commit, path, type,
 * options, and for Helm the release name and namespace); concurrent requests share one render.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { ApplicationSource } from '../api/application.ts';
import type { RepoRevision, RepoSource, TreeEntry } from '../git/types.ts';
import type { KubeObject } from '../kube/types.ts';
import { SpokesError } from '../errors.ts';
import { normalizeAppPath, renderDirectory } from './directory.ts';
import { helmOptionsSchema, renderHelm, type HelmOptions } from './helm.ts';
import { kustomizeOptionsSchema, renderKustomize, type KustomizeOptions } from './kustomize.ts';
import type { ToolOptions } from './tools.ts';

export { type ToolOptions } from './tools.ts';

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
}

export interface RenderedSource {
  readonly revision: RepoRevision;
  readonly type: SourceType;
  readonly objects: readonly KubeObject[];
}

export interface Renderer {
  render(request: RenderRequest): Promise<RenderedSource>;
}

export interface RendererOptions {
  readonly repos: RenderRepos;
  readonly tools?: ToolOptions;
  /** Rendered results kept (least recently used dropped first); default 512. */
  readonly cacheSize?: number;
}

const directorySchema = z.looseObject({
  recurse: z.boolean().optional(),
  include: z.string().optional(),
  exclude: z.string().optional(),
});

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
    throw new SpokesError('InvalidSpec', 'config management plugins are not supported');
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

interface Plan {
  readonly type: SourceType;
  readonly appPath: string;
  readonly options: unknown;
  readonly key: string;
}

export function createRenderer(options: RendererOptions): Renderer {
  const { repos } = options;
  const tools = options.tools ?? {};
  const size = options.cacheSize ?? 512;
  const cache = new Map<string, Promise<KubeObject[]>>();

  const remember = (key: string, work: () => Promise<KubeObject[]>): Promise<KubeObject[]> => {
    let result = cache.get(key);
    if (result !== undefined) {
      cache.delete(key);
      cache.set(key, result);
      return result;
    }
    result = work();
    cache.set(key, result);
    result.catch(() => cache.get(key) === result && cache.delete(key));
    while (cache.size > size) cache.delete(cache.keys().next().value!);
    return result;
  };

  const plan = async (request: RenderRequest, at: RepoRevision): Promise<Plan> => {
    const { source } = request;
    const appPath = normalizeAppPath(source.path);
    const type = explicitType(source) ?? discoverType(await repos.listTree(at), appPath);
    const opts =
      type === 'Helm'
        ? parseOptions(helmOptionsSchema, source.helm, 'helm')
        : type === 'Kustomize'
          ? parseOptions(kustomizeOptionsSchema, source.kustomize, 'kustomize')
          : parseOptions(directorySchema, source.directory, 'directory');
    const helmContext =
      type === 'Helm' ? { appName: request.appName, namespace: request.namespace ?? '' } : {};
    const key = JSON.stringify([at.repoURL, at.commit, appPath, type, opts, helmContext]);
    return { type, appPath, options: opts, key };
  };

  const withTree = async <T>(at: RepoRevision, work: (root: string) => Promise<T>): Promise<T> => {
    const root = await mkdtemp(join(tmpdir(), 'spokes-render-'));
    try {
      await repos.exportTree(at, root);
      return await work(root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  };

  const run = (p: Plan, request: RenderRequest, at: RepoRevision): Promise<KubeObject[]> => {
    switch (p.type) {
      case 'Directory':
        return renderDirectory(repos, at, p.appPath, p.options as z.infer<typeof directorySchema>);
      case 'Kustomize':
        return withTree(at, (root) => renderKustomize(root, p.appPath, p.options as KustomizeOptions, tools));
      case 'Helm': {
        const context = {
          appName: request.appName,
          ...(request.namespace ? { namespace: request.namespace } : {}),
        };
        return withTree(at, (root) =>
          renderHelm(root, p.appPath, { options: p.options as HelmOptions, context }, tools),
        );
      }
    }
  };

  return {
    async render(request) {
      const { source } = request;
      if (source.chart !== undefined) {
        throw new SpokesError(
          'InvalidSpec',
          'Helm repository charts (source.chart) are not supported: use a chart in git',
        );
      }
      const at = await repos.resolve(source.repoURL, source.targetRevision || 'HEAD');
      const p = await plan(request, at);
      const objects = await remember(p.key, () => run(p, request, at));
      return { revision: at, type: p.type, objects };
    },
  };
}
