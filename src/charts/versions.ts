/**
 * Chart versions resolved as Argo CD resolves them (Masterminds/semver v3.4): a `targetRevision`
 * that parses as a version is a pin; otherwise a constraint picks the newest matching version
 * (invalid versions in the list are skipped); a string that is neither must appear verbatim.
 */
import { SpokesError } from '../errors.ts';
import { compareVersions, isVersion, parseConstraints, parseVersion, type Version } from '../semver.ts';

export { isVersion } from '../semver.ts';

/** Argo CD's `versions.IsConstraint`: not a version, but a valid constraint. */
export function isConstraint(revision: string): boolean {
  if (isVersion(revision)) return false;
  try {
    parseConstraints(revision, 'v3.4');
    return true;
  } catch {
    return false;
  }
}

function tryParse(text: string): Version | undefined {
  try {
    return parseVersion(text);
  } catch {
    return undefined;
  }
}

/**
 * Argo CD's `versions.MaxVersion`: the newest of `versions` satisfying `revision`, returned as
 * written in the list. A pinned version is returned as given without looking at the list.
 */
export function maxVersion(revision: string, versions: readonly string[]): string {
  if (isVersion(revision)) return revision;
  let constraints;
  try {
    constraints = parseConstraints(revision, 'v3.4');
  } catch (err) {
    if (versions.includes(revision)) return revision;
    const detail = err instanceof Error ? err.message : String(err);
    throw new SpokesError(
      'VersionNotFound',
      `"${revision}" is not a version or a semver constraint: ${detail}`,
    );
  }
  let best: Version | undefined;
  for (const text of versions) {
    const v = tryParse(text);
    if (v !== undefined && constraints.check(v) && (best === undefined || compareVersions(v, best) > 0))
      best = v;
  }
  if (best === undefined) {
    throw new SpokesError(
      'VersionNotFound',
      `no version matches constraint "${revision}" (${versions.length} versions available)`,
    );
  }
  return best.original;
}

/**
 * The index entry Helm downloads for `version` (helm's `IndexFile.Get`): the entry whose version
 * is exactly that string, else the newest entry satisfying it as a constraint ('' means `*`).
 */
export function pickEntry<T extends { readonly version: string }>(
  entries: readonly T[],
  version: string,
): T | undefined {
  if (version !== '') {
    const exact = entries.find((e) => e.version === version);
    if (exact !== undefined) return exact;
  }
  let constraints;
  try {
    constraints = parseConstraints(version === '' ? '*' : version, 'v3.4');
  } catch {
    return undefined;
  }
  let best: { entry: T; v: Version } | undefined;
  for (const entry of entries) {
    const v = tryParse(entry.version);
    if (v === undefined || !constraints.check(v)) continue;
    if (best === undefined || compareVersions(v, best.v) > 0) best = { entry, v };
  }
  return best?.entry;
}
