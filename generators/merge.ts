/**
 * The merge generator: param sets of the first child, each overridden by the param sets of later
 * children that share its `mergeKeys` values. Unmatched sets of later children are dropped.
 */
import { z } from 'zod';
import { SpokesError } from '../src/errors.ts';
import type { Params } from '../src/params.ts';
import { deepMergeParams } from '../src/template/merge-params.ts';
import type { Generator } from './types.ts';

const mergeSpecSchema = z.strictObject({
  generators: z.array(z.unknown()),
  mergeKeys: z.array(z.string()).nullish(),
});

type MergeSpec = z.infer<typeof mergeSpecSchema>;

export const mergeGenerator: Generator<MergeSpec> = {
  name: 'merge',
  schema: mergeSpecSchema,
  async generate(spec, ctx) {
    if (spec.generators.length < 2) {
      throw new SpokesError('MergeChildren', 'found less than two generators, Merge requires two or more');
    }
    const mergeKeys = [...new Set(spec.mergeKeys ?? [])].sort();
    if (mergeKeys.length === 0) {
      throw new SpokesError('MergeNoKeys', 'no merge keys were specified, Merge requires at least one');
    }
    const children: Params[][] = [];
    for (const [i, child] of spec.generators.entries()) {
      children.push(await ctx.generateChild(child, `generators[${i}]`));
    }
    const override = ctx.renderer.mode.goTemplate
      ? deepMergeParams
      : (base: Params, over: Params): Params => ({ ...base, ...over });

    const [baseSets, ...overrideSets] = children.map((sets, i) => indexByMergeKey(sets, mergeKeys, i));
    const merged = baseSets!;
    for (const sets of overrideSets) {
      for (const [key, base] of merged) {
        const over = sets.get(key);
        if (over !== undefined) merged.set(key, override(base, over));
      }
    }
    return [...merged.values()];
  },
};

/** Param sets keyed by the JSON of their merge-key values (as Argo keys them); duplicates are an error. */
function indexByMergeKey(
  sets: readonly Params[],
  mergeKeys: readonly string[],
  child: number,
): Map<string, Params> {
  const index = new Map<string, Params>();
  for (const params of sets) {
    const key = JSON.stringify(Object.fromEntries(mergeKeys.map((k) => [k, params[k] ?? null])));
    if (index.has(key)) {
      throw new SpokesError(
        'MergeNotUnique',
        `generators[${child}]: the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was ${key}`,
      );
    }
    index.set(key, params);
  }
  return index;
}
