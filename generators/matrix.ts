/**
 * The matrix generator: the cartesian product of exactly two child generators. The second
 * child's spec is rendered with each param set of the first before it runs, so it can depend on
 * it (e.g. a git revision per cluster).
 */
import { z } from 'zod';
import { SpokesError } from '../src/errors.ts';
import type { Params } from '../src/params.ts';
import { combineFlatParams, deepMergeParams } from '../src/template/merge-params.ts';
import type { Generator } from './types.ts';

const matrixSpecSchema = z.strictObject({
  generators: z.array(z.unknown()),
});

type MatrixSpec = z.infer<typeof matrixSpecSchema>;

export const matrixGenerator: Generator<MatrixSpec> = {
  name: 'matrix',
  schema: matrixSpecSchema,
  async generate(spec, ctx) {
    const [first, second, ...rest] = spec.generators;
    if (first === undefined || second === undefined) {
      throw new SpokesError('MatrixChildren', 'found less than two generators, Matrix support only two');
    }
    if (rest.length > 0) {
      throw new SpokesError('MatrixChildren', 'found more than two generators, Matrix support only two');
    }
    const combine = ctx.renderer.mode.goTemplate
      ? (a: Params, b: Params) => deepMergeParams(b, a)
      : combineFlatParams;
    const out: Params[] = [];
    for (const a of await ctx.generateChild(first, 'generators[0]')) {
      for (const b of await ctx.generateChild(second, 'generators[1]', a)) out.push(combine(a, b));
    }
    return out;
  },
};
