/**
 * A chart's dependencies fetched into its charts/ folder, as `helm dependency build` would, but
 * through the chart source (so they share its cache, credentials and single-flight, and no
 * credential is written to disk): the versions Chart.lock (requirements.lock) pins when it lists
 * every dependency, else each constraint resolved against its repository, newest match.
 * Repositories may be URLs (`https://`, `oci://`), `@name` / `alias:name` (a repository Secret's
 * `name`) or `file://` folders inside the repository; dependencies without a repository must be
 * in charts/ already. Archives of the same charts left in charts/ are replaced.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import type { ChartSource } from '../charts/types.ts';
import { packChart, readArchiveFiles } from '../charts/archive.ts';
import { maxVersion } from '../charts/versions.ts';
import { SpokesError } from '../errors.ts';

interface Dependency {
  readonly name: string;
  readonly version: string;
  readonly repository: string;
}

export interface DependencyContext {
  readonly charts: ChartSource;
  /** File dependencies may not leave this folder (the exported repository or the chart). */
  readonly boundary: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

async function readYaml(path: string): Promise<Record<string, unknown> | undefined> {
  if (!existsSync(path)) return undefined;
  const doc: unknown = parse(await readFile(path, 'utf8'), { schema: 'failsafe' });
  return isRecord(doc) ? doc : undefined;
}

function dependenciesIn(doc: Record<string, unknown> | undefined): Dependency[] {
  const list = doc?.['dependencies'];
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((d) => ({
    name: typeof d['name'] === 'string' ? d['name'] : '',
    version: typeof d['version'] === 'string' ? d['version'] : '',
    repository: typeof d['repository'] === 'string' ? d['repository'] : '',
  }));
}

/** The declared dependencies and, when a lock file pins all of them, the pinned versions. */
async function declared(chartDir: string): Promise<{ deps: Dependency[]; locked: Map<string, string> }> {
  const chart = await readYaml(join(chartDir, 'Chart.yaml'));
  const v1 = chart?.['apiVersion'] === 'v1';
  const deps = dependenciesIn(v1 ? await readYaml(join(chartDir, 'requirements.yaml')) : chart);
  const lock = dependenciesIn(await readYaml(join(chartDir, v1 ? 'requirements.lock' : 'Chart.lock')));
  const locked = new Map<string, string>();
  if (deps.every((d) => lock.some((l) => l.name === d.name))) {
    for (const l of lock) if (l.version !== '') locked.set(l.name, l.version);
  }
  return { deps, locked };
}

/** The chart name an archive in charts/ holds, or undefined when it is not a chart archive. */
async function archivedChartName(path: string): Promise<string | undefined> {
  try {
    const files = await readArchiveFiles(await readFile(path), (p) => /^[^/]+\/Chart\.yaml$/.test(p), path);
    const text = [...files.values()][0]?.toString('utf8');
    const doc: unknown = text === undefined ? undefined : parse(text, { schema: 'failsafe' });
    return isRecord(doc) && typeof doc['name'] === 'string' ? doc['name'] : undefined;
  } catch {
    return undefined;
  }
}

/** A `file://` dependency packed into an archive; its folder must stay inside the boundary. */
async function fileDependency(chartDir: string, dep: Dependency, ctx: DependencyContext) {
  const dir = resolve(chartDir, dep.repository.slice('file://'.length));
  const rel = relative(ctx.boundary, dir);
  if (rel.startsWith('..') || resolve(ctx.boundary, rel) !== dir) {
    throw new SpokesError(
      'PathOutsideRepo',
      `dependency ${dep.name}: ${dep.repository} is outside the repository`,
    );
  }
  const meta = await readYaml(join(dir, 'Chart.yaml'));
  const version = typeof meta?.['version'] === 'string' ? meta['version'] : '';
  if (meta === undefined)
    throw new SpokesError('FileNotFound', `dependency ${dep.name}: no chart at ${dep.repository}`);
  if (dep.version !== '') maxVersion(dep.version, [version]);
  return { version, bytes: await packChart(dir, dep.name) };
}

async function repositoryDependency(dep: Dependency, locked: string | undefined, ctx: DependencyContext) {
  let repoURL = dep.repository;
  const alias = /^(?:@|alias:)(.+)$/.exec(repoURL)?.[1];
  if (alias !== undefined) {
    const url = ctx.charts.namedRepository(alias);
    if (url === undefined) {
      throw new SpokesError(
        'ChartNotFound',
        `dependency ${dep.name}: no repository Secret named "${alias}" (for ${repoURL})`,
      );
    }
    repoURL = url;
  } else if (!/^(https?|oci):\/\//i.test(repoURL)) {
    throw new SpokesError(
      'InvalidSpec',
      `dependency ${dep.name}: no repository definition for ${repoURL}: use a URL or @name`,
    );
  }
  const resolved = await ctx.charts.resolve({
    repoURL,
    chart: dep.name,
    revision: locked ?? (dep.version || '*'),
  });
  const archive = await ctx.charts.archive(resolved);
  return { version: resolved.version, bytes: archive.bytes };
}

/** Fetches every dependency with a repository into `chartDir/charts`. */
export async function buildDependencies(chartDir: string, ctx: DependencyContext): Promise<void> {
  const { deps, locked } = await declared(chartDir);
  const chartsDir = join(chartDir, 'charts');
  await mkdir(chartsDir, { recursive: true });
  const before = (await readdir(chartsDir)).filter((f) => f.endsWith('.tgz'));
  const written = new Set<string>();
  const replaced = new Set<string>();
  for (const dep of deps) {
    if (dep.repository === '') continue;
    try {
      const got = dep.repository.startsWith('file://')
        ? await fileDependency(chartDir, dep, ctx)
        : await repositoryDependency(dep, locked.get(dep.name), ctx);
      const file = `${dep.name}-${got.version}.tgz`;
      await writeFile(join(chartsDir, file), got.bytes);
      written.add(file);
      replaced.add(dep.name);
    } catch (err) {
      if (err instanceof SpokesError)
        throw new SpokesError(err.code, `chart dependencies: ${err.detail}`, { cause: err });
      throw err;
    }
  }
  for (const file of before) {
    if (written.has(file)) continue;
    const name = await archivedChartName(join(chartsDir, file));
    if (name !== undefined && replaced.has(name)) await rm(join(chartsDir, file), { force: true });
  }
}
