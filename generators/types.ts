/**
 * The generator contract. A generator is a small object: the key it answers to under
 * `spec.generators[]`, a zod schema for its spec, and `generate`. Users add their own by passing
 * more of these to `createRegistry`; nothing in the core names a specific generator.
 */
import type { z } from 'zod';
import type { ClusterDecisionSource } from '../src/clusters/decisions.ts';
import type { ClusterSource } from '../src/clusters/types.ts';
import type { RepoSource } from '../src/git/types.ts';
import type { Params } from '../src/params.ts';
import type { PluginSource } from '../src/plugin/types.ts';
import type { ScmSource } from '../src/scm/types.ts';
import type { Renderer } from '../src/template/render.ts';

export interface GeneratorContext {
  /** The ApplicationSet being expanded. */
  readonly appSet: { readonly name: string; readonly namespace: string };
  /** Renders strings in the ApplicationSet's template mode (fasttemplate or goTemplate). */
  readonly renderer: Renderer;
  readonly clusters: ClusterSource;
  readonly repos: RepoSource;
  /** Duck-typed cluster decision resources (clusterDecisionResource). */
  readonly clusterDecisions: ClusterDecisionSource;
  /** Generator plugins (plugin). */
  readonly plugins: PluginSource;
  /** SCM providers (pullRequest, scmProvider). */
  readonly scm: ScmSource;
  /** Where this generator sits, e.g. `spec.generators[0].matrix.generators[1]`, for errors. */
  readonly path: string;
  /**
   * Runs a nested generator entry (`{ <name>: spec, selector? }`), as matrix and merge need:
   * validates it, interpolates it with `params` when given, generates and applies its selector.
   */
  generateChild(entry: unknown, path: string, params?: Params): Promise<Params[]>;
}

export interface Generator<Spec = unknown> {
  /** The key under `spec.generators[]`, e.g. `list`. */
  readonly name: string;
  /** Validates the generator's spec (without its `template`, which the core handles). */
  readonly schema: z.ZodType<Spec>;
  generate(spec: Spec, ctx: GeneratorContext): Promise<Params[]>;
  /**
   * How soon to re-run this generator without a trigger; undefined: never. Polling generators
   * (git) return their spec's value, or `pollSeconds`, the controller's default.
   */
  requeueAfterSeconds?(spec: Spec, pollSeconds: number): number | undefined;
}

/** Erases the spec type so generators of different specs share one list. */
export type AnyGenerator = Generator<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
