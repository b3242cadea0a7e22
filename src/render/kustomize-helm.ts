/**
 * Kustomize's `helmCharts` (built with `--enable-helm`) served from the chart cache: before
 * `kustomize build`, every chart a kustomization in the build names (the app's, and those of the
 * local folders it lists under `resources` / `components`) is put where kustomize looks for it —
 * `<chartHome>/<name>-<version>/<name>`, or `<chartHome>/<name>` without a version — so kustomize
 * finds it and never pulls. Charts come through the chart source: its credentials, cache and
 * errors ("unreachable", "no version matches") apply, and no credential reaches kustomize.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { parse } from 'yaml';
import { chartFolder, extractArchive } from '../charts/archive.ts';
import type { ChartSource } from '../charts/types.ts';
import { SpokesError } from '../errors.ts';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MAX_DEPTH = 20;

interface HelmChartEntry {
  readonly name: string;
  readonly repo: string;
  readonly version: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

async function readKustomization(dir: string): Promise<Record<string, unknown> | undefined> {
  const file = KUSTOMIZATION_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
  if (file === undefined) return undefined;
  const doc: unknown = parse(await readFile(file, 'utf8'), { schema: 'failsafe' });
  return isRecord(doc) ? doc : undefined;
}

/** Local folders a kustomization builds on (`resources`, `components`), inside `root`. */
function localBases(root: string, dir: string, doc: Record<string, unknown>): string[] {
  const entries = [doc['resources'], doc['components'], doc['bases']].flatMap((v) =>
    Array.isArray(v) ? (v as unknown[]) : [],
  );
  return entries
    .map(str)
    .filter((e) => e !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(e) && !e.includes('?'))
    .map((e) => join(dir, e))
    .filter((p) => {
      const rel = relative(root, p);
      return !rel.startsWith('..') && !isAbsolute(rel) && existsSync(p);
    });
}

async function placeChart(target: string, entry: HelmChartEntry, charts: ChartSource): Promise<void> {
  const resolved = await charts.resolve({
    repoURL: entry.repo,
    chart: entry.name,
    revision: entry.version || '*',
  });
  const archive = await charts.archive(resolved);
  const what = `helm chart ${entry.name} of ${entry.repo}`;
  const scratch = await mkdtemp(join(dirname(target), '.spokes-chart-'));
  try {
    await extractArchive(archive.bytes, scratch, { maxBytes: 512 * 1024 * 1024 }, what);
    await rename(join(scratch, await chartFolder(archive.bytes, what)), target);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Places the charts of one kustomization's `helmCharts` under its chart home. */
async function placeCharts(dir: string, doc: Record<string, unknown>, charts: ChartSource): Promise<void> {
  const globals = isRecord(doc['helmGlobals']) ? doc['helmGlobals'] : {};
  const home = str(globals['chartHome']) || 'charts';
  const chartHome = isAbsolute(home) ? home : join(dir, home);
  const list = Array.isArray(doc['helmCharts']) ? doc['helmCharts'].filter(isRecord) : [];
  for (const raw of list) {
    const entry = { name: str(raw['name']), repo: str(raw['repo']), version: str(raw['version']) };
    if (entry.name === '' || entry.repo === '') continue;
    const folder = entry.version !== '' ? join(chartHome, `${entry.name}-${entry.version}`) : chartHome;
    const target = join(folder, entry.name);
    if (existsSync(target)) continue;
    await mkdir(folder, { recursive: true });
    try {
      await placeChart(target, entry, charts);
    } catch (err) {
      if (err instanceof SpokesError)
        throw new SpokesError(err.code, `kustomize helmCharts: ${err.detail}`, { cause: err });
      throw err;
    }
  }
}

/** Puts every chart the build at `appDir` needs in place (see the module comment). */
export async function prepareHelmCharts(root: string, appDir: string, charts: ChartSource): Promise<void> {
  const seen = new Set<string>();
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (seen.has(dir) || depth > MAX_DEPTH) return;
    seen.add(dir);
    const doc = await readKustomization(dir);
    if (doc === undefined) return;
    await placeCharts(dir, doc, charts);
    for (const base of localBases(root, dir, doc)) await visit(base, depth + 1);
  };
  await visit(appDir, 0);
}
