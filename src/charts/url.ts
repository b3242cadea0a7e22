/**
 * What a chart `repoURL` names, as Argo CD reads it: `https://…` (or `http://`) is a Helm chart
 * repository with an index.yaml; a URL without a scheme (`ghcr.io/org/charts`), or any URL whose
 * repository Secret sets `enableOCI`, is an OCI registry path; `oci://…` is an OCI registry path
 * too (Argo CD 3 names OCI artifacts that way).
 */

export type ChartRepo =
  | { readonly kind: 'http'; readonly url: string }
  | { readonly kind: 'oci'; readonly registry: string; readonly path: string };

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** True for a URL with a `scheme://` prefix other than `oci://`. */
export function hasHttpScheme(repoURL: string): boolean {
  const scheme = SCHEME.exec(repoURL)?.[1]?.toLowerCase();
  return scheme !== undefined && scheme !== 'oci';
}

/** `oci://host/path`, `host/path` or (with enableOCI) `https://host/path` → host and path. */
export function ociParts(repoURL: string): { registry: string; path: string } {
  const bare = repoURL.trim().replace(SCHEME, '').replace(/\/+$/, '');
  const slash = bare.indexOf('/');
  return slash < 0
    ? { registry: bare, path: '' }
    : { registry: bare.slice(0, slash), path: bare.slice(slash + 1) };
}

/** The kind of repository `repoURL` is, given whether its Secret enables OCI. */
export function chartRepo(repoURL: string, enableOCI: boolean): ChartRepo {
  if (hasHttpScheme(repoURL) && !enableOCI) return { kind: 'http', url: repoURL.trim().replace(/\/+$/, '') };
  return { kind: 'oci', ...ociParts(repoURL) };
}

/** The OCI repository a chart lives in: the registry path joined with the chart name. */
export function ociRepository(path: string, chart: string): string {
  return [path, chart].filter((part) => part !== '').join('/');
}

/** A key that names the same repository however it is written (scheme, case, trailing `/`). */
export function chartRepoKey(repoURL: string): string {
  return repoURL
    .trim()
    .toLowerCase()
    .replace(/^oci:\/\//, '')
    .replace(/\/+$/, '');
}

/** A URL as it may be shown: userinfo removed. */
export function displayChartURL(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
