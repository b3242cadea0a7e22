/**
 * Which ApplicationSets a change concerns. Matching is by generator kind anywhere in the
 * generator tree (matrix and merge children included), so a cluster Secret change re-runs every
 * ApplicationSet with a clusters generator, and a git push every one reading that repository.
 */
import { isPlainObject } from '../params.ts';

/** True when any generator entry in the tree (at any depth) has the key `generator`. */
export function usesGenerator(spec: unknown, generator: string): boolean {
  const generators = isPlainObject(spec) ? spec.generators : undefined;
  if (!Array.isArray(generators)) return false;
  return generators.some(
    (entry) =>
      isPlainObject(entry) &&
      Object.entries(entry).some(([key, value]) => key === generator || usesGenerator(value, generator)),
  );
}

/** Every `repoURL` of git generators in the tree. */
export function gitRepoURLs(spec: unknown): string[] {
  const generators = isPlainObject(spec) ? spec.generators : undefined;
  if (!Array.isArray(generators)) return [];
  return generators.flatMap((entry) => {
    if (!isPlainObject(entry)) return [];
    return Object.entries(entry).flatMap(([key, value]) => {
      if (key === 'git' && isPlainObject(value) && typeof value.repoURL === 'string') return [value.repoURL];
      return gitRepoURLs(value);
    });
  });
}

/** Every pullRequest generator spec in the tree, as written. */
export function pullRequestSpecs(spec: unknown): unknown[] {
  const generators = isPlainObject(spec) ? spec.generators : undefined;
  if (!Array.isArray(generators)) return [];
  return generators.flatMap((entry) => {
    if (!isPlainObject(entry)) return [];
    return Object.entries(entry).flatMap(([key, value]) =>
      key === 'pullRequest' ? [value] : pullRequestSpecs(value),
    );
  });
}
