/**
 * A Helm chart repository's index.yaml: fetched with the repository's credentials (bounded in
 * size), parsed with every scalar kept as a string (so `version: 1.10` stays "1.10", as Helm's Go
 * types keep it), reduced to what resolution needs: per chart, each version's archive URLs and
 * digest.
 */
import { parse } from 'yaml';
import { SpokesError } from '../errors.ts';

export interface IndexEntry {
  readonly version: string;
  readonly urls: readonly string[];
  /** sha256 hex of the archive, when the index records one. */
  readonly digest?: string;
}

export type ChartIndex = ReadonlyMap<string, readonly IndexEntry[]>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parses index.yaml text; `what` names the repository in errors. */
export function parseIndex(text: string, what: string): ChartIndex {
  let doc: unknown;
  try {
    doc = parse(text, { schema: 'failsafe', maxAliasCount: 1000, uniqueKeys: false });
  } catch (err) {
    throw new SpokesError(
      'RenderFailed',
      `${what}: index.yaml does not parse: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (!isRecord(doc) || !isRecord(doc['entries'])) {
    throw new SpokesError('RenderFailed', `${what}: index.yaml has no entries: not a Helm chart repository`);
  }
  const index = new Map<string, IndexEntry[]>();
  for (const [name, versions] of Object.entries(doc['entries'])) {
    if (!Array.isArray(versions)) continue;
    index.set(
      name,
      versions.filter(isRecord).flatMap((v) => {
        const version = v['version'];
        if (typeof version !== 'string') return [];
        const urls = Array.isArray(v['urls'])
          ? v['urls'].filter((u): u is string => typeof u === 'string')
          : [];
        const digest = typeof v['digest'] === 'string' && v['digest'] !== '' ? v['digest'] : undefined;
        return [{ version, urls, ...(digest ? { digest } : {}) }];
      }),
    );
  }
  return index;
}

/** index.yaml's URL under a repository URL (`https://host/path` → `https://host/path/index.yaml`). */
export function indexURL(repoURL: string): string {
  const url = new URL(repoURL);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/index.yaml`;
  return url.toString();
}

/** An entry's archive URL: absolute as written, else relative to the repository URL. */
export function archiveURL(repoURL: string, entry: IndexEntry, what: string): string {
  const first = entry.urls[0];
  if (first === undefined) throw new SpokesError('ChartNotFound', `${what}: the index lists no URL for it`);
  const base = new URL(repoURL);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/`;
  return new URL(first, base).toString();
}
