/**
 * The pure core: an ApplicationSet in, its Applications out, exactly as Argo CD renders them.
 * Every side effect (clusters, git) comes through the narrow interfaces in `ExpandContext`.
 */
import { createRegistry, type GeneratorRegistry } from '../generators/index.ts';
import {
  API_VERSION,
  RESOURCES_FINALIZER,
  type Application,
  type ApplicationSpec,
} from './api/application.ts';
import { withoutArgoZeroValues } from './api/argo-zero-values.ts';
import { appSetNamespace, type ApplicationSet, type ApplicationSetTemplate } from './api/applicationset.ts';
import type { ClusterSource } from './clusters/types.ts';
import { SpokesError, locate } from './errors.ts';
import { withExternalDefaults, type ExternalSources } from './external.ts';
import { resolveEntry, runEntry, type GenerateEnv } from './generate.ts';
import type { RepoSource } from './git/types.ts';
import { inSpan, noopTracer, type Tracer } from './observability/tracing.ts';
import type { Params } from './params.ts';
import { applyTemplatePatch } from './template/patch.ts';
import { createRenderer, type Builder, type Renderer } from './template/render.ts';
import { fillEmptyFrom } from './template/template-merge.ts';

export interface ExpandContext extends ExternalSources {
  readonly clusters: ClusterSource;
  readonly repos: RepoSource;
  /** Generators to use; the built-ins when omitted. */
  readonly registry?: GeneratorRegistry;
  /** Called with each generator's run time (metrics). */
  readonly observeGenerator?: (generator: string, seconds: number) => void;
  /** Spans per generator and template rendering (the no-op tracer when omitted). */
  readonly tracer?: Tracer;
}

const defaultRegistry = createRegistry();

/** Renders every Application the ApplicationSet produces, in generation order, or throws one SpokesError. */
export async function expand(appSet: ApplicationSet, ctx: ExpandContext): Promise<Application[]> {
  const namespace = appSetNamespace(appSet);
  const where = `ApplicationSet ${namespace}/${appSet.metadata.name}`;
  try {
    return await expandUnlocated(appSet, namespace, ctx);
  } catch (err) {
    throw locate(err, 'GeneratorFailed', where);
  }
}

async function expandUnlocated(
  appSet: ApplicationSet,
  namespace: string,
  ctx: ExpandContext,
): Promise<Application[]> {
  const spec = appSet.spec;
  const renderer = createRenderer({
    goTemplate: spec.goTemplate ?? false,
    goTemplateOptions: spec.goTemplateOptions ?? [],
  });
  const env: GenerateEnv = {
    appSet: { name: appSet.metadata.name, namespace },
    renderer,
    registry: ctx.registry ?? defaultRegistry,
    clusters: ctx.clusters,
    repos: ctx.repos,
    external: withExternalDefaults(ctx),
    ...(ctx.observeGenerator ? { observeGenerator: ctx.observeGenerator } : {}),
    ...(ctx.tracer ? { tracer: ctx.tracer } : {}),
  };
  const render = renderApplication(appSet, namespace, renderer);
  const apps: Application[] = [];
  for (const [i, raw] of spec.generators.entries()) {
    const entry = resolveEntry(raw, `spec.generators[${i}]`, env.registry);
    const params = await runEntry(entry, env);
    const template =
      entry.template === undefined ? spec.template : fillEmptyFrom(entry.template, spec.template);
    const attributes = { 'spokes.generator.path': entry.path, 'spokes.template.applications': params.length };
    await inSpan(ctx.tracer ?? noopTracer, 'spokes.template', { attributes }, () => {
      const build = renderer.compile(template as ApplicationSetTemplate, 'spec.template');
      for (const p of params) apps.push(render(template as ApplicationSetTemplate, build, p));
      return Promise.resolve();
    });
  }
  rejectDuplicateNames(apps, appSet.metadata.name);
  return apps;
}

type RenderApp = (
  template: ApplicationSetTemplate,
  build: Builder<ApplicationSetTemplate>,
  params: Params,
) => Application;

function renderApplication(appSet: ApplicationSet, namespace: string, renderer: Renderer): RenderApp {
  const preserve = appSet.spec.syncPolicy?.preserveResourcesOnDeletion === true;
  const patch = appSet.spec.templatePatch;
  return (template, build, params) => {
    // Argo renders nothing, and adds no finalizer, for an empty param set.
    const empty = Object.keys(params).length === 0;
    let app = toApplication(empty ? template : build(params), namespace, !empty && !preserve);
    if (patch !== undefined) app = applyTemplatePatch(app, patch, params, renderer);
    return { ...app, spec: withoutArgoZeroValues(app.spec) };
  };
}

function toApplication(
  rendered: ApplicationSetTemplate,
  namespace: string,
  addFinalizer: boolean,
): Application {
  const meta = rendered.metadata ?? {};
  const finalizers = meta.finalizers ?? [];
  const metadata: Application['metadata'] = { name: meta.name ?? '', namespace };
  if (meta.labels && Object.keys(meta.labels).length > 0) metadata.labels = meta.labels;
  if (meta.annotations && Object.keys(meta.annotations).length > 0) metadata.annotations = meta.annotations;
  if (finalizers.length > 0) metadata.finalizers = finalizers;
  else if (addFinalizer) metadata.finalizers = [RESOURCES_FINALIZER];
  return {
    apiVersion: API_VERSION,
    kind: 'Application',
    metadata,
    spec: (rendered.spec ?? {}) as ApplicationSpec,
  };
}

function rejectDuplicateNames(apps: readonly Application[], appSetName: string): void {
  const seen = new Set<string>();
  for (const app of apps) {
    if (seen.has(app.metadata.name)) {
      throw new SpokesError(
        'DuplicateName',
        `ApplicationSet ${appSetName} contains applications with duplicate name: ${app.metadata.name}`,
      );
    }
    seen.add(app.metadata.name);
  }
}
