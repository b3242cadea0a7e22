/** What the rest of Spokes sees of Helm chart repositories and OCI registries. */

/** A chart as an Application source names it. */
export interface ChartRef {
  /** `repoURL` as written: `https://charts.example.com`, `oci://ghcr.io/org/charts`, `ghcr.io/org/charts`. */
  readonly repoURL: string;
  /** The chart's name in that repository (may hold `/` for OCI paths). */
  readonly chart: string;
  /** `targetRevision`: an exact version, a semver constraint, or '' for the newest. */
  readonly revision: string;
}

/** A chart resolved to one version of one archive. */
export interface ResolvedChart {
  readonly repoURL: string;
  readonly chart: string;
  /** The revision Argo CD reports for the source: the version it resolved to (or the pinned one). */
  readonly version: string;
  /** The archive's sha256 digest, when the index gives one (`sha256:<hex>`). */
  readonly digest?: string;
}

/** An OCI artifact (`repoURL: oci://…` without `chart`) resolved to a manifest digest. */
export interface ResolvedArtifact {
  readonly repoURL: string;
  /** The manifest digest (`sha256:…`): the revision Argo CD reports. */
  readonly digest: string;
}

/** A downloaded archive: a gzipped tar. */
export interface ChartArchive {
  readonly bytes: Buffer;
  /** A Helm chart in one top folder; otherwise an OCI content layer whose root is the content. */
  readonly helmChart: boolean;
}

export interface ArchiveOptions {
  /** Send the repository's credentials to an archive URL on another host (`helm.passCredentials`). */
  readonly passCredentials?: boolean;
}

export interface ResolveOptions {
  /** Bypass the index / tag-list cache (a hard refresh). */
  readonly noCache?: boolean;
}

/**
 * Charts from Helm repositories and OCI registries: versions resolved against the repository's
 * index (or the registry's tags), archives fetched once into a bounded on-disk cache.
 */
export interface ChartSource {
  resolve(ref: ChartRef, options?: ResolveOptions): Promise<ResolvedChart>;
  /** An OCI artifact source: `oci://registry/repository` at a tag, digest or constraint. */
  resolveArtifact(repoURL: string, revision: string, options?: ResolveOptions): Promise<ResolvedArtifact>;
  /** The URL of the repository Secret with this `name` (charts' `@name` dependencies). */
  namedRepository(name: string): string | undefined;
  /** The archive, from the cache or downloaded once. */
  archive(target: ResolvedChart | ResolvedArtifact, options?: ArchiveOptions): Promise<ChartArchive>;
}
