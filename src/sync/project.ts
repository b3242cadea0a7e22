/**
 * AppProject rules, as Argo CD applies them before anything is synced:
 * - source repositories: normalised URLs matched against `sourceRepos` globs (`*` stops at `/`,
 *   `**` crosses it); a `!pattern` that the URL matches denies it outright; otherwise any match permits;
 * - destinations: the cluster's server or name, and the namespace, matched against
 *   `destinations` globs, with `!` deny patterns as Argo CD evaluates them;
 * - resources: cluster-scoped kinds must be in `clusterResourceWhitelist` (empty = none allowed)
 *   and not in the blacklist (optionally by name); namespaced kinds must be in
 *   `namespaceResourceWhitelist` when one is given (an empty list allows none) and not in
 *   `namespaceResourceBlacklist`. Group, kind and name patterns use Go's filepath.Match.
 */
import type { AppProjectSpec } from '../api/appproject.ts';
import { compileGoPathPattern } from '../git/glob/go-path.ts';
import { normalizeRepoURL } from '../git/url.ts';
import { compileGlob } from '../render/glob.ts';

function isDeny(pattern: string): boolean {
  return pattern.startsWith('!');
}

function safeGlob(pattern: string, value: string, separator?: string): boolean {
  try {
    return compileGlob(pattern, separator)(value);
  } catch {
    return false;
  }
}

/** Argo's project glob: a `!` pattern matches what the rest does not; `*` matches everything. */
function globMatch(pattern: string, value: string, separator?: string): boolean {
  if (isDeny(pattern)) return !safeGlob(pattern.slice(1), value, separator);
  return pattern === '*' || safeGlob(pattern, value, separator);
}

export function isSourcePermitted(project: AppProjectSpec, repoURL: string): boolean {
  const url = normalizeRepoURL(repoURL);
  let matched = false;
  for (const raw of project.sourceRepos ?? []) {
    const pattern = isDeny(raw) ? `!${normalizeRepoURL(raw.slice(1))}` : normalizeRepoURL(raw);
    if (globMatch(pattern, url, '/')) matched = true;
    else if (isDeny(pattern)) return false;
  }
  return matched;
}

export interface Destination {
  readonly server: string;
  readonly name: string;
  readonly namespace: string;
}

type Verdict = 'match' | 'deny' | 'none';

interface DestinationItem {
  readonly name: string;
  readonly server: string;
  readonly namespace: string;
}

function itemOf(item: NonNullable<AppProjectSpec['destinations']>[number]): DestinationItem {
  return { name: item.name ?? '', server: item.server ?? '', namespace: item.namespace ?? '' };
}

function destinationVerdict(item: DestinationItem, dest: Destination): Verdict {
  const { name: itemName, server: itemServer, namespace: itemNamespace } = item;
  const nameMatched = dest.name !== '' && globMatch(itemName, dest.name);
  const serverMatched = dest.server !== '' && globMatch(itemServer, dest.server);
  const namespaceMatched = globMatch(itemNamespace, dest.namespace);
  if ((serverMatched || nameMatched) && namespaceMatched) return 'match';
  if (!nameMatched && isDeny(itemName)) return 'deny';
  if (!serverMatched && isDeny(itemServer) && namespaceMatched) return 'deny';
  if (!namespaceMatched && isDeny(itemNamespace) && serverMatched) return 'deny';
  return 'none';
}

export function isDestinationPermitted(project: AppProjectSpec, dest: Destination): boolean {
  let matched = false;
  for (const item of project.destinations ?? []) {
    const verdict = destinationVerdict(itemOf(item), dest);
    if (verdict === 'deny') return false;
    matched ||= verdict === 'match';
  }
  return matched;
}

function pathMatch(pattern: string, value: string): boolean {
  try {
    return compileGoPathPattern(pattern)(value);
  } catch {
    return false;
  }
}

interface ListItem {
  readonly group: string;
  readonly kind: string;
  readonly name?: string | undefined;
}

function inList(list: readonly ListItem[], res: { group: string; kind: string; name: string }): boolean {
  return list.some(
    (item) =>
      pathMatch(item.kind, res.kind) &&
      pathMatch(item.group, res.group) &&
      ((item.name ?? '') === '' || pathMatch(item.name ?? '', res.name)),
  );
}

export interface ResourceRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespaced: boolean;
}

export function isResourcePermitted(project: AppProjectSpec, res: ResourceRef): boolean {
  if (res.namespaced) {
    const allow = project.namespaceResourceWhitelist;
    const allowed = allow === undefined || (allow.length > 0 && inList(allow, { ...res, name: '' }));
    return allowed && !inList(project.namespaceResourceBlacklist ?? [], { ...res, name: '' });
  }
  return (
    inList(project.clusterResourceWhitelist ?? [], res) &&
    !inList(project.clusterResourceBlacklist ?? [], res)
  );
}
