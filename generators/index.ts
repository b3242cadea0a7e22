/**
 * The generator registry: just a list. The built-ins are below; users extend it by passing their
 * own `Generator` objects to `createRegistry`.
 */
import { clusterDecisionResourceGenerator } from './cluster-decision-resource.ts';
import { clustersGenerator } from './clusters.ts';
import { gitGenerator } from './git.ts';
import { listGenerator } from './list.ts';
import { matrixGenerator } from './matrix.ts';
import { mergeGenerator } from './merge.ts';
import { pluginGenerator } from './plugin.ts';
import { pullRequestGenerator } from './pull-request.ts';
import { scmProviderGenerator } from './scm-provider.ts';
import type { AnyGenerator } from './types.ts';

export type { AnyGenerator, Generator, GeneratorContext } from './types.ts';

export const builtinGenerators: readonly AnyGenerator[] = [
  listGenerator,
  clustersGenerator,
  gitGenerator,
  matrixGenerator,
  mergeGenerator,
  clusterDecisionResourceGenerator,
  pluginGenerator,
  pullRequestGenerator,
  scmProviderGenerator,
];

export interface GeneratorRegistry {
  get(name: string): AnyGenerator | undefined;
  /** Registered names, in registration order. */
  names(): readonly string[];
}

/** A registry of the built-in generators plus `extra` (a later one with the same name wins). */
export function createRegistry(extra: readonly AnyGenerator[] = []): GeneratorRegistry {
  const byName = new Map<string, AnyGenerator>();
  for (const generator of [...builtinGenerators, ...extra]) byName.set(generator.name, generator);
  const names = [...byName.keys()];
  return { get: (name) => byName.get(name), names: () => names };
}
