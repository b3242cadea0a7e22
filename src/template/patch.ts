/**
 * `templatePatch`: a template string rendered with the param set, read as YAML and applied to the
 * rendered Application as a strategic merge patch (for Application's fields: maps merge, lists are
 * replaced, null deletes). A patch can never change `spec.project`.
 */
import { applicationSchema, type Application } from '../api/application.ts';
import { parseWith } from '../api/validate.ts';
import { SpokesError } from '../errors.ts';
import { isPlainObject, type Params } from '../params.ts';
import { parseYamlValue } from '../yaml.ts';
import type { Renderer } from './render.ts';

const FIELD = 'spec.templatePatch';

export function applyTemplatePatch(
  app: Application,
  patchText: string,
  params: Params,
  renderer: Renderer,
): Application {
  const rendered = renderer.renderString(patchText, params, FIELD);
  const patch = parseYamlValue(rendered, FIELD);
  if (patch === null) return app;
  if (!isPlainObject(patch)) {
    throw new SpokesError('TemplatePatch', `${FIELD}: expected a map of Application fields after rendering`);
  }
  const patched = mergePatch(app, patch) as Record<string, unknown>;
  const result = parseWith(applicationSchema, patched, { path: [], field: FIELD, code: 'TemplatePatch' });
  return { ...result, spec: { ...result.spec, project: app.spec.project } };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch) || !isPlainObject(target)) return patch;
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
