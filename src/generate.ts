/**
 * Runs one entry of `spec.generators[]` (or of a matrix/merge child list): finds its single
 * generator, validates the spec with the generator's schema, optionally renders it with a parent
 * param set (matrix), generates, and applies the entry's post-selector.
 */
import type { AnyGenerator, GeneratorContext, GeneratorRegistry } from '../generators/index.ts';
import { labelSelectorSchema, type LabelSelector } from './api/selector.ts';
import { parseWith } from './api/validate.ts';
import { SpokesError } from './errors.ts';
import { matchesSelector, selectorProblem } from './labels.ts';
import { flattenParams, isPlainObject, type Params } from './params.ts';
import { formatGoValue } from './template/go-format.ts';
import { createRenderer, type Renderer } from './template/render.ts';
import type { ClusterSource } from './clusters/types.ts';
import type { ExternalSources } from './external.ts';
import type { RepoSource } from './git/types.ts';
import { inSpan, noopTracer, type Tracer } from './observability/tracing.ts';

export interface GenerateEnv {
  readonly appSet: { readonly name: string; readonly namespace: string };
  readonly renderer: Renderer;
  readonly registry: GeneratorRegistry;
  readonly clusters: ClusterSource;
  readonly repos: RepoSource;
  readonly external: Required<ExternalSources>;
  readonly observeGenerator?: (generator: string, seconds: number) => void;
  readonly tracer?: Tracer;
}

/** A generator entry, resolved: which generator, its raw spec, its own template and selector. */
export interface GeneratorEntry {
  readonly generator: AnyGenerator;
  readonly path: string;
  readonly rawSpec: Record<string, unknown>;
  readonly template: unknown;
  readonly selector: LabelSelector | undefined;
}

const SELECTOR_KEY = 'selector';

export function resolveEntry(entry: unknown, path: string, registry: GeneratorRegistry): GeneratorEntry {
  if (!isPlainObject(entry))
    throw new SpokesError('InvalidSpec', 'expected a map with one generator', { path: [path] });
  const keys = Object.keys(entry).filter((key) => key !== SELECTOR_KEY);
  const unknown = keys.filter((key) => registry.get(key) === undefined);
  const known = `known generators: ${registry.names().join(', ')}`;
  if (unknown.length > 0) {
    throw new SpokesError('UnknownGenerator', `unknown generator "${unknown[0]}" (${known})`, {
      path: [path],
    });
  }
  if (keys.length !== 1) {
    const found = keys.length === 0 ? 'no generator' : `more than one generator (${keys.join(', ')})`;
    throw new SpokesError('InvalidSpec', `${found}: an entry holds exactly one (${known})`, { path: [path] });
  }
  const name = keys[0]!;
  const raw = entry[name] ?? {};
  if (!isPlainObject(raw)) {
    throw new SpokesError('InvalidSpec', `expected a map, got ${JSON.stringify(raw)}`, {
      path: [`${path}.${name}`],
    });
  }
  const { template, ...rawSpec } = raw;
  return {
    generator: registry.get(name)!,
    path: `${path}.${name}`,
    rawSpec,
    template,
    selector: parseSelector(entry[SELECTOR_KEY], path),
  };
}

function parseSelector(value: unknown, path: string): LabelSelector | undefined {
  if (value === undefined || value === null) return undefined;
  const selector = parseWith(labelSelectorSchema, value, {
    path: [path],
    field: SELECTOR_KEY,
    code: 'InvalidSelector',
  });
  const problem = selectorProblem(selector);
  if (problem) throw new SpokesError('InvalidSelector', `selector.${problem}`, { path: [path] });
  return selector;
}

/** Generates the entry's param sets; `parent` (matrix) is rendered into its spec first. */
export async function runEntry(entry: GeneratorEntry, env: GenerateEnv, parent?: Params): Promise<Params[]> {
  const rawSpec =
    parent === undefined ? entry.rawSpec : interpolate(entry.rawSpec, parent, env.renderer, entry.path);
  const spec: unknown = parseWith(entry.generator.schema, rawSpec, { path: [entry.path] });
  const ctx = contextFor(entry.path, env);
  let params: Params[];
  const started = performance.now();
  try {
    const attributes = { 'spokes.generator.type': entry.generator.name, 'spokes.generator.path': entry.path };
    params = await inSpan(env.tracer ?? noopTracer, 'spokes.generator', { attributes }, async (span) => {
      const generated = await entry.generator.generate(spec, ctx);
      span.setAttribute('spokes.generator.params', generated.length);
      return generated;
    });
  } catch (err) {
    throw locateGeneratorError(err, entry.path);
  } finally {
    env.observeGenerator?.(entry.generator.name, (performance.now() - started) / 1000);
  }
  const selector = entry.selector;
  if (selector === undefined) return params;
  return params.filter((p) => matchesSelector(selector, flattenParams(p, formatGoValue)));
}

function contextFor(path: string, env: GenerateEnv): GeneratorContext {
  return {
    appSet: env.appSet,
    renderer: env.renderer,
    clusters: env.clusters,
    repos: env.repos,
    ...env.external,
    path,
    async generateChild(child, childPath, params) {
      const resolved = resolveEntry(child, `${path}.${childPath}`, env.registry);
      return runEntry(resolved, env, params);
    },
  };
}

/**
 * Errors from nested entries already carry their full `spec.generators...` location; errors a
 * generator raises itself are located at the generator.
 */
function locateGeneratorError(err: unknown, path: string): SpokesError {
  if (err instanceof SpokesError) {
    return err.path[0]?.startsWith('spec.generators') ? err : err.at(path);
  }
  return new SpokesError('GeneratorFailed', err instanceof Error ? err.message : String(err), {
    path: [path],
    cause: err,
  });
}

/**
 * Renders a child generator's spec with a parent param set, as Argo's matrix does. In goTemplate
 * mode `values` are pre-resolved with missingkey=error, and a value that names a key the parent
 * lacks is left for the child's own params to fill.
 */
function interpolate(
  rawSpec: Record<string, unknown>,
  parent: Params,
  renderer: Renderer,
  path: string,
): Record<string, unknown> {
  const { values, ...rest } = rawSpec;
  const rendered = renderer.compile(rest, path)(parent);
  if (values === undefined) return rendered;
  if (!renderer.mode.goTemplate || !isPlainObject(values)) {
    return { ...rendered, values: renderer.compile(values, `${path}.values`)(parent) };
  }
  const strict = strictRenderer(renderer);
  const resolved = Object.fromEntries(
    Object.entries(values).map(([key, text]) => [
      key,
      resolveValue(strict, text, parent, `${path}.values.${key}`),
    ]),
  );
  return { ...rendered, values: resolved };
}

const strictRenderers = new WeakMap<Renderer, Renderer>();

function strictRenderer(renderer: Renderer): Renderer {
  let strict = strictRenderers.get(renderer);
  if (strict === undefined) {
    const options = renderer.mode.goTemplateOptions.filter((o) => !o.startsWith('missingkey='));
    strict = createRenderer({ goTemplate: true, goTemplateOptions: [...options, 'missingkey=error'] });
    strictRenderers.set(renderer, strict);
  }
  return strict;
}

function resolveValue(renderer: Renderer, text: unknown, params: Params, field: string): unknown {
  if (typeof text !== 'string') return text;
  try {
    return renderer.renderString(text, params, field);
  } catch (err) {
    if (err instanceof SpokesError && /map has no entry for key|can't evaluate field/.test(err.detail))
      return text;
    throw err;
  }
}

/**
 * The shortest `requeueAfterSeconds` any generator of the ApplicationSet asks for (git generators
 * poll), looking into nested `generators` lists; undefined when none asks.
 */
export function requeueAfterSeconds(
  entries: readonly unknown[],
  registry: GeneratorRegistry,
  pollSeconds: number,
): number | undefined {
  let min: number | undefined;
  for (const [i, raw] of entries.entries()) {
    let entry: GeneratorEntry;
    try {
      entry = resolveEntry(raw, `generators[${i}]`, registry);
    } catch {
      continue; // an invalid entry is reported by expand, not here
    }
    const parsed = entry.generator.schema.safeParse(entry.rawSpec);
    const own = parsed.success ? entry.generator.requeueAfterSeconds?.(parsed.data, pollSeconds) : undefined;
    const children = Array.isArray(entry.rawSpec.generators)
      ? requeueAfterSeconds(entry.rawSpec.generators as unknown[], registry, pollSeconds)
      : undefined;
    for (const seconds of [own, children]) {
      if (seconds !== undefined && (min === undefined || seconds < min)) min = seconds;
    }
  }
  return min;
}
