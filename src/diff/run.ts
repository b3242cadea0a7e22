/**
 * `spokes diff` as a function: the ApplicationSets of a repository expanded at two sides (a base
 * revision, and a head revision or the working tree), compared Application by Application. Both
 * sides are read from git objects; the repository's own git generators and sources read the side's
 * commit, and its cluster Secrets come from the side's clusters folder.
 */
import type { Application } from '../api/application.ts';
import type { Secret } from '../api/secret.ts';
import { clustersFromSecrets, type SecretFromFile } from '../clusters/file-source.ts';
import type { ClusterSource } from '../clusters/types.ts';
import { locate, SpokesError } from '../errors.ts';
import { expand } from '../expand.ts';
import { createRepoSource, type GitRepoSource, type RepoRevision, type TreeEntry } from '../git/index.ts';
import { createChartSource, defaultChartCacheDir, type ChartSourceWithStats } from '../charts/index.ts';
import { createRenderer, type RenderRepos, type ToolOptions } from '../render/index.ts';
import {
  appKey,
  compareApps,
  hasChanges,
  type AddedOrRemoved,
  type Comparison,
  type SideApp,
} from './compare.ts';
import { manifestDiff, type ManifestDiff } from './manifests.ts';
import {
  normalizeRepoPath,
  readAppSetsAt,
  readSecretsAt,
  treeHas,
  yamlFilesUnder,
  type AppSetFromFile,
} from './revision-files.ts';
import { canonicalRepoURL, isSelfRepo, sideRepos, type SelfRepo } from './side-repos.ts';
import { openWorkTree } from './worktree.ts';

/** What the expansion loop reports to (the CLI passes its progress line). */
export interface ProgressSink {
  tick(detail?: string): void;
  done(summary?: string): void;
}

export interface DiffOptions {
  /** A folder inside the work tree (`-C DIR`, else the current one). */
  readonly dir: string;
  readonly base: string;
  /** A revision; undefined means the working tree as it is now. */
  readonly head?: string | undefined;
  /** Files or folders relative to the repository root; none means the whole repository. */
  readonly paths: readonly string[];
  /** Relative to the repository root; undefined means `clusters` when it exists at that side. */
  readonly clustersDir?: string | undefined;
  /** `--repo URL=PATH`. */
  readonly repos: ReadonlyMap<string, string>;
  /** `--chart-repo URL=DIR`: chart repositories and registries read from local folders. */
  readonly chartRepos?: ReadonlyMap<string, string>;
  /** Where chart archives are cached (default `~/.cache/spokes/charts`). */
  readonly chartCacheDir?: string;
  /** The URL this repository is known by; undefined means origin's. */
  readonly selfURL?: string | undefined;
  readonly manifests: boolean;
  readonly tools?: ToolOptions;
  /** The environment git runs with. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where mirrors of other repositories live (default: the repo cache's). */
  readonly cacheDir?: string;
  /** Starts a progress line for a loop of `total` steps (expansion, rendering). */
  readonly progress?: (label: string, total: number) => ProgressSink;
}

export type SideName = 'base' | 'head';

export interface SideInfo {
  readonly side: SideName;
  /** As given; undefined for the working tree. */
  readonly revision: string | undefined;
  /** The commit read (for the working tree: a snapshot commit object, see worktree.ts). */
  readonly commit: string;
}

export interface DiffReport {
  readonly base: SideInfo;
  readonly head: SideInfo;
  readonly comparison: Comparison;
  /** ApplicationSets that failed to expand (their Applications are left out of both sides). */
  readonly failures?: readonly SpokesError[];
  /**
   * With `--manifests`: per Application (`namespace/name`) rendered, its object diff: every added
   * or changed one, and those of `manifestsOnly`.
   */
  readonly manifests?: ReadonlyMap<string, ManifestDiff>;
  /**
   * With `--manifests`: Applications that are the same at both sides but source this repository
   * and render differently (or render at base and fail at head, or the other way round).
   */
  readonly manifestsOnly?: readonly AddedOrRemoved[];
  /**
   * With `--manifests`: Applications the same at both sides, sourcing this repository, that
   * could be rendered at neither side (a missing tool, say); their errors are in `manifests`.
   * Not counted as changes: the preview is incomplete for them.
   */
  readonly notRendered?: readonly AddedOrRemoved[];
}

/** True when the report shows any change: Applications, or with `--manifests` rendered objects. */
export function reportHasChanges(report: DiffReport): boolean {
  return hasChanges(report.comparison) || (report.manifestsOnly?.length ?? 0) > 0;
}

interface Side {
  readonly info: SideInfo;
  readonly label: string;
  readonly repos: RenderRepos;
  readonly at: RepoRevision;
  readonly tree: readonly TreeEntry[];
}

/** `base (main)`, `head (working tree)`: how errors name a side. */
export function sideLabel(info: SideInfo): string {
  return `${info.side} (${info.revision ?? 'working tree'})`;
}

export async function computeDiff(options: DiffOptions): Promise<DiffReport> {
  const work = await openWorkTree(options.dir, { env: options.env });
  const selfURL = options.selfURL ?? (await work.originURL());
  const self: SelfRepo = { url: selfURL, key: selfURL ?? `file://${work.root}` };
  const baseCommit = await work.resolveCommit(options.base, '--base');
  const headCommit =
    options.head === undefined ? await work.snapshot() : await work.resolveCommit(options.head, '--head');
  const secrets: Secret[] = [];
  let charts: ChartSourceWithStats | undefined;
  const shared = createRepoSource({
    localRepos: localRepos(options.repos, self, work.root),
    credentials: () => secrets,
    env: options.env,
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
  });
  try {
    const open = (side: SideName, revision: string | undefined, commit: string): Promise<Side> =>
      openSide(shared, self, { side, revision, commit });
    const base = await open('base', options.base, baseCommit);
    const head = await open('head', options.head, headCommit);
    const paths = checkedPaths(options.paths, base, head);
    const clustersDir = checkedClustersDir(options.clustersDir, base, head);
    const loaded = await Promise.all([base, head].map((s) => loadSide(s, paths, clustersDir)));
    for (const l of loaded) secrets.push(...l.repoSecrets);
    const expanded = await expandSides(loaded, options.progress);
    const apps = expanded.sides;
    const comparison = compareApps(apps[0]!, apps[1]!);
    const report: DiffReport = {
      base: base.info,
      head: head.info,
      comparison,
      ...(expanded.failures.length > 0 ? { failures: expanded.failures } : {}),
    };
    if (!options.manifests) return report;
    // Charts: local folders first (--chart-repo), else the repositories, with the Secrets found in this repository.
    charts = createChartSource({
      cacheDir: options.chartCacheDir ?? defaultChartCacheDir(options.env),
      localRepos: options.chartRepos ?? new Map(),
      credentials: () => ({ secrets, tlsCerts: {} }),
    });
    const renderers = {
      base: createRenderer({ repos: base.repos, tools: options.tools ?? {}, charts }),
      head: createRenderer({ repos: head.repos, tools: options.tools ?? {}, charts }),
    };
    return { ...report, ...(await manifestDiffs(comparison, renderers, self, options.progress)) };
  } finally {
    shared.close();
    await charts?.close();
  }
}

function localRepos(given: ReadonlyMap<string, string>, self: SelfRepo, root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [url, path] of given)
    if (canonicalRepoURL(url) !== canonicalRepoURL(self.key)) out.set(url, path);
  out.set(self.key, root);
  return out;
}

async function openSide(shared: GitRepoSource, self: SelfRepo, info: SideInfo): Promise<Side> {
  const repos = sideRepos(shared, self, info.commit);
  const label = sideLabel(info);
  const at: RepoRevision = {
    repoURL: self.key,
    revision: info.revision ?? 'working tree',
    commit: info.commit,
  };
  const tree = await repos.listTree(at).catch((err: unknown) => {
    throw locate(err, 'Io', label);
  });
  return { info, label, repos, at, tree };
}

function checkedPaths(given: readonly string[], base: Side, head: Side): string[] {
  const paths = given.length === 0 ? [''] : given.map(normalizeRepoPath);
  for (const [i, path] of paths.entries()) {
    if (!treeHas(base.tree, path) && !treeHas(head.tree, path)) {
      throw new SpokesError('FileNotFound', `PATH "${given[i]}" exists neither at base nor at head`);
    }
  }
  return paths;
}

/** The clusters folder to read at each side; undefined means "clusters when it exists". */
function checkedClustersDir(given: string | undefined, base: Side, head: Side): string | undefined {
  if (given === undefined) return undefined;
  const dir = normalizeRepoPath(given);
  if (dir !== '' && !treeHas(base.tree, dir) && !treeHas(head.tree, dir)) {
    throw new SpokesError('FileNotFound', `--clusters "${given}" exists neither at base nor at head`);
  }
  return dir;
}

interface LoadedSide {
  readonly side: Side;
  readonly appSets: readonly AppSetFromFile[];
  readonly clusters: ClusterSource;
  readonly repoSecrets: readonly Secret[];
}

async function loadSide(
  side: Side,
  paths: readonly string[],
  clustersDir: string | undefined,
): Promise<LoadedSide> {
  try {
    const appSets = await readAppSetsAt(side.repos, side.at, yamlFilesUnder(side.tree, paths));
    const dir =
      clustersDir ?? (side.tree.some((e) => e.path.startsWith('clusters/')) ? 'clusters' : undefined);
    const found: SecretFromFile[] =
      dir === undefined ? [] : await readSecretsAt(side.repos, side.at, side.tree, dir);
    const clusterList = clustersFromSecrets(found);
    return {
      side,
      appSets,
      clusters: { list: () => Promise.resolve(clusterList) },
      repoSecrets: found.map((s) => s.secret),
    };
  } catch (err) {
    throw locate(err, 'Io', side.label);
  }
}

/** The Applications of each side, and the ApplicationSets that failed (at either side). */
interface Expanded {
  readonly sides: Map<string, SideApp>[];
  readonly failures: SpokesError[];
}

/**
 * Expands every ApplicationSet of both sides. One that fails (at either side) is reported and its
 * Applications are left out of both sides, so a failure never shows as Applications removed.
 */
async function expandSides(
  sides: readonly LoadedSide[],
  progress: DiffOptions['progress'],
): Promise<Expanded> {
  const total = sides.reduce((n, s) => n + s.appSets.length, 0);
  const sink = progress?.('spokes diff: expanding ApplicationSets', total);
  const failures: SpokesError[] = [];
  const failed = new Set<string>();
  try {
    const out: Map<string, SideApp>[] = [];
    for (const loaded of sides)
      out.push(
        await expandSide(loaded, sink, (name, err) => {
          failed.add(name);
          failures.push(err);
        }),
      );
    for (const apps of out) for (const [key, entry] of apps) if (failed.has(entry.appSet)) apps.delete(key);
    sink?.done(failures.length > 0 ? `${failures.length} failed` : undefined);
    return { sides: out, failures };
  } catch (err) {
    sink?.done('failed');
    throw err;
  }
}

async function expandSide(
  loaded: LoadedSide,
  sink: ProgressSink | undefined,
  onFailure: (appSet: string, err: SpokesError) => void,
): Promise<Map<string, SideApp>> {
  const { side } = loaded;
  const apps = new Map<string, SideApp>();
  for (const { appSet, file } of loaded.appSets) {
    const name = `${appSet.metadata.namespace ?? 'argocd'}/${appSet.metadata.name}`;
    let produced: Application[] = [];
    try {
      produced = await expand(appSet, { clusters: loaded.clusters, repos: side.repos });
    } catch (err) {
      onFailure(name, locate(err, 'GeneratorFailed', side.label, file));
    }
    for (const app of produced) addApp(apps, { app, appSet: name, file }, side.label);
    sink?.tick(`${side.info.side} ${file}`);
  }
  return apps;
}

function addApp(apps: Map<string, SideApp>, entry: SideApp, label: string): void {
  const key = appKey(entry.app);
  const first = apps.get(key);
  if (first !== undefined) {
    throw new SpokesError(
      'DuplicateName',
      `Application ${key} is produced by ApplicationSet ${first.appSet} (${first.file}) ` +
        `and by ApplicationSet ${entry.appSet} (${entry.file})`,
      { path: [label] },
    );
  }
  apps.set(key, entry);
}

type Renderers = Parameters<typeof manifestDiff>[1];

/** Does any source of the Application read this repository? */
function readsSelf(app: Application, self: SelfRepo): boolean {
  const sources = app.spec.sources ?? (app.spec.source ? [app.spec.source] : []);
  return sources.some((s) => isSelfRepo(s.repoURL, self));
}

async function manifestDiffs(
  comparison: Comparison,
  renderers: Renderers,
  self: SelfRepo,
  progress: DiffOptions['progress'],
): Promise<Pick<DiffReport, 'manifests' | 'manifestsOnly' | 'notRendered'>> {
  const same = comparison.same.filter((e) => readsSelf(e.app, self));
  const sink = progress?.(
    'spokes diff: rendering manifests',
    comparison.added.length + comparison.changed.length + same.length,
  );
  const manifests = new Map<string, ManifestDiff>();
  const manifestsOnly: AddedOrRemoved[] = [];
  const notRendered: AddedOrRemoved[] = [];
  try {
    for (const { app } of comparison.added) {
      manifests.set(appKey(app), await manifestDiff({ head: app }, renderers));
      sink?.tick(appKey(app));
    }
    for (const c of comparison.changed) {
      manifests.set(appKey(c.head), await manifestDiff({ base: c.base, head: c.head }, renderers));
      sink?.tick(appKey(c.head));
    }
    for (const entry of same) {
      const m = await manifestDiff({ base: entry.app, head: entry.app }, renderers);
      sink?.tick(appKey(entry.app));
      if (m.objects.length === 0 && m.errors.length === 0) continue;
      manifests.set(appKey(entry.app), m);
      // Broken at both sides is not this change's doing, but the preview is incomplete.
      (m.errors.length === 2 ? notRendered : manifestsOnly).push(entry);
    }
  } finally {
    sink?.done();
  }
  return { manifests, manifestsOnly, notRendered };
}
