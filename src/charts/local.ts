/**
 * `--chart-repo URL=DIR`: a chart repository or registry read from a local folder, for offline
 * `spokes generate` / `spokes diff` and tests. DIR may hold a Helm repository's files (index.yaml
 * and the archives it lists), packaged charts (`NAME-VERSION.tgz`), or chart folders
 * (`NAME/Chart.yaml`); for an `oci://` artifact source, DIR itself is the artifact's content.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { SpokesError } from '../errors.ts';
import { packChart, readArchiveFiles } from './archive.ts';
import { parseIndex, type IndexEntry } from './helm-index.ts';
import { chartRepoKey } from './url.ts';

export interface LocalEntry extends IndexEntry {
  /** Where the chart is: an archive file or a chart folder. */
  readonly path: string;
  readonly folder: boolean;
}

/** Parses `URL=DIR` mappings (the last `=` splits, so URLs may hold `=`). */
export function parseChartRepoMappings(mappings: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const mapping of mappings) {
    const eq = mapping.lastIndexOf('=');
    if (eq <= 0 || eq === mapping.length - 1) {
      throw new SpokesError('Usage', `--chart-repo expects URL=DIR, got "${mapping}"`);
    }
    out.set(chartRepoKey(mapping.slice(0, eq)), mapping.slice(eq + 1));
  }
  return out;
}

function chartYaml(text: string, where: string): { name: string; version: string } {
  const doc = parse(text, { schema: 'failsafe' }) as { name?: unknown; version?: unknown } | null;
  if (typeof doc?.name !== 'string' || typeof doc.version !== 'string') {
    throw new SpokesError('RenderFailed', `${where}: Chart.yaml names no chart name and version`);
  }
  return { name: doc.name, version: doc.version };
}

export class LocalCharts {
  readonly #dirs: ReadonlyMap<string, string>;

  constructor(mappings: ReadonlyMap<string, string>) {
    this.#dirs = mappings;
  }

  /** The folder `repoURL` is mapped to, if any. */
  dirFor(repoURL: string): string | undefined {
    return this.#dirs.get(chartRepoKey(repoURL));
  }

  /** The versions of `chart` the folder holds. */
  async entries(dir: string, chart: string): Promise<LocalEntry[]> {
    if (existsSync(join(dir, 'index.yaml'))) {
      const index = parseIndex(await readFile(join(dir, 'index.yaml'), 'utf8'), `${dir}/index.yaml`);
      return (index.get(chart) ?? []).map((e) => ({
        ...e,
        path: join(dir, basename(new URL(e.urls[0] ?? '', 'file:///').pathname)),
        folder: false,
      }));
    }
    const found: LocalEntry[] = [];
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      if (name.endsWith('.tgz')) {
        const files = await readArchiveFiles(
          await readFile(path),
          (p) => /^[^/]+\/Chart\.yaml$/.test(p),
          path,
        );
        const text = [...files.values()][0];
        if (text === undefined) continue;
        const meta = chartYaml(text.toString('utf8'), path);
        if (meta.name === chart) found.push({ version: meta.version, urls: [], path, folder: false });
      } else if ((await stat(path)).isDirectory() && existsSync(join(path, 'Chart.yaml'))) {
        const meta = chartYaml(await readFile(join(path, 'Chart.yaml'), 'utf8'), path);
        if (meta.name === chart) found.push({ version: meta.version, urls: [], path, folder: true });
      }
    }
    return found;
  }

  /** A local entry's archive bytes (a folder is packed). */
  async archive(entry: LocalEntry, chart: string): Promise<Buffer> {
    return entry.folder ? packChart(entry.path, chart) : readFile(entry.path);
  }
}
