/**
 * The chart source: Helm chart repositories (index.yaml over HTTP(S)) and OCI registries behind
 * one interface, with Argo CD's resolution rules, credentials from Argo CD's repository Secrets
 * (read on every call, so a fixed Secret takes effect at once), index and tag lists cached for the
 * refresh interval with one fetch in flight, and archives in a bounded on-disk cache keyed by
 * (repository, chart, version) and checked against the digest the index or registry gives.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SpokesError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { packFolder } from './archive.ts';
import {
  basicAuthOf,
  caFor,
  chartCredentialsFor,
  NO_CREDENTIALS,
  repositoryNamed,
  type ChartCredentials,
  type CredentialSources,
} from './credentials.ts';
import { archiveURL, indexURL, parseIndex, type ChartIndex, type IndexEntry } from './helm-index.ts';
import { HttpClient, statusError, type TlsSettings } from './http.ts';
import { LocalCharts } from './local.ts';
import { OciClient, type Registry } from './oci.ts';
import { RefreshingCache } from './refreshing.ts';
import { ArchiveStore, type Stored } from './store.ts';
import type {
  ChartArchive,
  ChartRef,
  ChartSource,
  ResolvedArtifact,
  ResolvedChart,
  ResolveOptions,
} from './types.ts';
import { chartRepo, chartRepoKey, ociParts, ociRepository } from './url.ts';
import { isConstraint, isVersion, maxVersion, pickEntry } from './versions.ts';

export interface ChartSourceOptions {
  /** Where archives are kept (`<dir>/archives`). */
  readonly cacheDir: string;
  /** The archive cache's size bound (default 1 GiB). */
  readonly maxCacheBytes?: number;
  /** How long an index.yaml or tag list is used before it is fetched again (default 180 s). */
  readonly refreshSeconds?: number;
  /** The largest index.yaml read (default 256 MiB, Argo CD's `helm.registry.maxIndexSize` idea). */
  readonly maxIndexBytes?: number;
  /** The largest archive downloaded (default 256 MiB). */
  readonly maxArchiveBytes?: number;
  /** Argo CD's repository Secrets and argocd-tls-certs-cm, read when needed. */
  readonly credentials?: () => CredentialSources;
  /** `--chart-repo URL=DIR` mappings (normalized URL → folder). */
  readonly localRepos?: ReadonlyMap<string, string>;
  /** An HTTP(S) proxy for every chart repository and registry request. */
  readonly proxy?: string;
  readonly log?: Logger;
  readonly now?: () => number;
}

/** A chart source that also says how often it went to the network (benchmarks, tests). */
export interface ChartSourceWithStats extends ChartSource {
  readonly stats: { indexFetches: number; tagListings: number; archiveDownloads: number };
  close(): Promise<void>;
}

interface Access {
  readonly credentials: ChartCredentials | undefined;
  readonly tls: TlsSettings;
}

function fingerprint(creds: ChartCredentials | undefined): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        creds?.username ?? '',
        creds?.password?.reveal() ?? '',
        creds?.certData?.reveal() ?? '',
      ]),
    )
    .digest('hex')
    .slice(0, 16);
}

function chartName(ref: { readonly chart: string; readonly repoURL: string }): string {
  return `chart "${ref.chart}" of ${ref.repoURL}`;
}

export function createChartSource(options: ChartSourceOptions): ChartSourceWithStats {
  const log = options.log ?? silentLogger;
  const refreshMs = (options.refreshSeconds ?? 180) * 1000;
  const maxIndexBytes = options.maxIndexBytes ?? 256 * 1024 * 1024;
  const maxArchiveBytes = options.maxArchiveBytes ?? 256 * 1024 * 1024;
  const http = new HttpClient(options.proxy ? { proxy: options.proxy } : {});
  const oci = new OciClient(http, options.now);
  const local = new LocalCharts(options.localRepos ?? new Map());
  const store = new ArchiveStore({
    dir: join(options.cacheDir, 'archives'),
    maxBytes: options.maxCacheBytes ?? 1024 * 1024 * 1024,
    log,
  });
  const indexes = new RefreshingCache<ChartIndex>(refreshMs, options.now);
  const tagLists = new RefreshingCache<string[]>(refreshMs, options.now);
  const digests = new RefreshingCache<string>(refreshMs, options.now);
  const stats = { indexFetches: 0, tagListings: 0, archiveDownloads: 0 };

  const access = (repoURL: string, host: string): Access => {
    const sources = options.credentials?.() ?? NO_CREDENTIALS;
    const credentials = chartCredentialsFor(repoURL, sources.secrets);
    const ca = caFor(host, sources.tlsCerts);
    return {
      credentials,
      tls: {
        insecure: credentials?.insecure ?? false,
        ...(ca ? { ca } : {}),
        ...(credentials?.certData ? { cert: credentials.certData } : {}),
        ...(credentials?.keyData ? { key: credentials.keyData } : {}),
      },
    };
  };

  const registryOf = (repoURL: string): Registry => {
    const { registry } = ociParts(repoURL);
    const a = access(repoURL, registry);
    return { host: registry, credentials: a.credentials, tls: a.tls };
  };

  const loadIndex = (repoURL: string, fresh: boolean): Promise<ChartIndex> => {
    const url = new URL(repoURL);
    const a = access(repoURL, url.host);
    const key = `${chartRepoKey(repoURL)}\0${fingerprint(a.credentials)}`;
    return indexes.get(
      key,
      async () => {
        stats.indexFetches++;
        const what = `index of chart repository ${repoURL}`;
        const auth = basicAuthOf(a.credentials);
        const res = await http.get(indexURL(repoURL), {
          tls: a.tls,
          maxBytes: maxIndexBytes,
          what,
          ...(auth ? { auth } : {}),
        });
        if (res.status !== 200) throw statusError(res, what);
        log.debug('chart index fetched', { repo: repoURL, bytes: res.body.length });
        return parseIndex(res.body.toString('utf8'), what);
      },
      fresh,
    );
  };

  const indexEntries = async (
    ref: { repoURL: string; chart: string },
    fresh: boolean,
  ): Promise<readonly IndexEntry[]> => {
    const entries = (await loadIndex(ref.repoURL, fresh)).get(ref.chart);
    if (entries === undefined || entries.length === 0) {
      throw new SpokesError('ChartNotFound', `${chartName(ref)}: no such chart in the repository's index`);
    }
    return entries;
  };

  const listTags = (registry: Registry, repository: string, fresh: boolean): Promise<string[]> =>
    tagLists.get(
      `${registry.host}/${repository}\0${fingerprint(registry.credentials)}`,
      async () => {
        stats.tagListings++;
        return oci.tags(registry, repository, maxIndexBytes);
      },
      fresh,
    );

  const resolveLocal = async (ref: ChartRef, dir: string): Promise<ResolvedChart> => {
    const entries = await local.entries(dir, ref.chart);
    if (entries.length === 0)
      throw new SpokesError('ChartNotFound', `${chartName(ref)}: not found in ${dir} (--chart-repo)`);
    const version = maxVersion(
      ref.revision,
      entries.map((e) => e.version),
    );
    return { repoURL: ref.repoURL, chart: ref.chart, version };
  };

  const resolve = async (ref: ChartRef, opts: ResolveOptions = {}): Promise<ResolvedChart> => {
    const dir = local.dirFor(ref.repoURL);
    if (dir !== undefined) return resolveLocal(ref, dir);
    const enableOCI = access(ref.repoURL, '').credentials?.enableOCI ?? false;
    const repo = chartRepo(ref.repoURL, enableOCI);
    // A pinned version is used as given, as Argo CD does: no index or tag list needed.
    if (isVersion(ref.revision)) return { repoURL: ref.repoURL, chart: ref.chart, version: ref.revision };
    try {
      if (repo.kind === 'http') {
        const entries = await indexEntries(ref, opts.noCache === true);
        const version = maxVersion(
          ref.revision,
          entries.map((e) => e.version),
        );
        const digest = entries.find((e) => e.version === version)?.digest;
        return {
          repoURL: ref.repoURL,
          chart: ref.chart,
          version,
          ...(digest ? { digest: `sha256:${digest}` } : {}),
        };
      }
      const tags = await listTags(
        registryOf(ref.repoURL),
        ociRepository(repo.path, ref.chart),
        opts.noCache === true,
      );
      return { repoURL: ref.repoURL, chart: ref.chart, version: maxVersion(ref.revision, tags) };
    } catch (err) {
      throw located(err, chartName(ref));
    }
  };

  const downloadHttp = async (resolved: ResolvedChart, passCredentials: boolean): Promise<Stored> => {
    const entries = await indexEntries(resolved, false);
    const entry = pickEntry(entries, resolved.version);
    if (entry === undefined) {
      throw new SpokesError('VersionNotFound', `no version ${resolved.version} in the repository's index`);
    }
    const url = archiveURL(resolved.repoURL, entry, `version ${entry.version}`);
    const a = access(resolved.repoURL, new URL(url).host);
    // Helm sends the repository's credentials to its own host only, unless passCredentials says otherwise.
    const sameHost = new URL(url).host === new URL(resolved.repoURL).host;
    const auth = sameHost || passCredentials ? basicAuthOf(a.credentials) : undefined;
    const what = `archive ${url}`;
    stats.archiveDownloads++;
    const res = await http.get(url, {
      tls: a.tls,
      maxBytes: maxArchiveBytes,
      what,
      ...(auth ? { auth } : {}),
    });
    if (res.status !== 200) throw statusError(res, what);
    const digest = `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
    if (entry.digest !== undefined && digest !== `sha256:${entry.digest}`) {
      throw new SpokesError('RenderFailed', `${what}: its digest does not match the index's`);
    }
    return {
      label: `${resolved.repoURL} ${resolved.chart} ${entry.version}`,
      digest,
      helmChart: true,
      bytes: res.body,
    };
  };

  const downloadOci = async (registry: Registry, repository: string, reference: string): Promise<Stored> => {
    const manifest = await oci.manifest(registry, repository, reference);
    const layer = oci.contentLayer(manifest, `${registry.host}/${repository}:${reference}`);
    stats.archiveDownloads++;
    const bytes = await oci.blob(registry, repository, layer.digest, maxArchiveBytes);
    return {
      label: `${registry.host}/${repository}@${manifest.digest}`,
      digest: layer.digest,
      helmChart: layer.helmChart,
      bytes,
    };
  };

  const chartArchive = async (resolved: ResolvedChart, passCredentials: boolean): Promise<ChartArchive> => {
    const dir = local.dirFor(resolved.repoURL);
    if (dir !== undefined) {
      const entry = pickEntry(await local.entries(dir, resolved.chart), resolved.version);
      if (entry === undefined)
        throw new SpokesError('VersionNotFound', `no version ${resolved.version} in ${dir}`);
      return { bytes: await local.archive(entry, resolved.chart), helmChart: true };
    }
    const enableOCI = access(resolved.repoURL, '').credentials?.enableOCI ?? false;
    const repo = chartRepo(resolved.repoURL, enableOCI);
    const key = ArchiveStore.keyOf([
      repo.kind,
      chartRepoKey(resolved.repoURL),
      resolved.chart,
      resolved.version,
    ]);
    const stored = await store.get(key, resolved.digest, () =>
      repo.kind === 'http'
        ? downloadHttp(resolved, passCredentials)
        : downloadOci(
            registryOf(resolved.repoURL),
            ociRepository(repo.path, resolved.chart),
            resolved.version,
          ),
    );
    return { bytes: stored.bytes, helmChart: true };
  };

  const resolveArtifact = async (
    repoURL: string,
    revision: string,
    opts: ResolveOptions = {},
  ): Promise<ResolvedArtifact> => {
    if (local.dirFor(repoURL) !== undefined) return { repoURL, digest: 'local' };
    const registry = registryOf(repoURL);
    const { path } = ociParts(repoURL);
    const what = `OCI artifact ${repoURL}`;
    const digestOf = (reference: string): Promise<string> =>
      reference.startsWith('sha256:')
        ? Promise.resolve(reference)
        : digests.get(
            `${registry.host}/${path}:${reference}\0${fingerprint(registry.credentials)}`,
            async () => (await oci.manifest(registry, path, reference)).digest,
            opts.noCache === true,
          );
    try {
      try {
        return { repoURL, digest: await digestOf(revision) };
      } catch (err) {
        if (!(err instanceof SpokesError) || err.code !== 'VersionNotFound' || !isConstraint(revision))
          throw err;
        const version = maxVersion(revision, await listTags(registry, path, opts.noCache === true));
        return { repoURL, digest: await digestOf(version) };
      }
    } catch (err) {
      throw located(err, what);
    }
  };

  const artifactArchive = async (resolved: ResolvedArtifact): Promise<ChartArchive> => {
    const dir = local.dirFor(resolved.repoURL);
    if (dir !== undefined) return { bytes: await packFolder(dir), helmChart: false };
    const registry = registryOf(resolved.repoURL);
    const { path } = ociParts(resolved.repoURL);
    const key = ArchiveStore.keyOf(['oci-artifact', `${registry.host}/${path}`, resolved.digest]);
    const stored = await store.get(key, undefined, () => downloadOci(registry, path, resolved.digest));
    return { bytes: stored.bytes, helmChart: stored.helmChart };
  };

  return {
    stats,
    resolve,
    resolveArtifact,
    namedRepository: (name) =>
      repositoryNamed(name, (options.credentials?.() ?? NO_CREDENTIALS).secrets)?.url,
    async archive(target, archiveOptions) {
      try {
        return 'chart' in target
          ? await chartArchive(target, archiveOptions?.passCredentials === true)
          : await artifactArchive(target);
      } catch (err) {
        throw located(err, 'chart' in target ? chartName(target) : `OCI artifact ${target.repoURL}`);
      }
    },
    close: () => http.close(),
  };
}

/** The error with the chart or artifact it concerns named in front. */
function located(err: unknown, what: string): SpokesError {
  if (err instanceof SpokesError)
    return err.detail.includes(what)
      ? err
      : new SpokesError(err.code, `${what}: ${err.detail}`, { cause: err });
  const detail = err instanceof Error ? err.message : String(err);
  return new SpokesError('RenderFailed', `${what}: ${detail}`, { cause: err });
}
