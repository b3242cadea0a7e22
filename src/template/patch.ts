/**
 * `templatePatch`: a template string rendered with the param set, read as YAML and applied to the
 * rendered Application as a strategic merge patch (for Application's fields: maps merge, lists are
 * replaced except metadata.finalizers, which merge; null deletes). A patch can never change `spec.project`.
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

/** The strategic-merge-patch directive key (`$patch: replace | delete | merge`). */
const DIRECTIVE = '$patch';

/** The lists Application's Go types mark `patchStrategy: merge` (ObjectMeta.finalizers): a union. */
const MERGED_LISTS = new Set(['metadata.finalizers']);
const DELETE_FROM_LIST = '$deleteFromPrimitiveList/';

/**
 * Strategic merge for Application fields: maps merge key by key, a null value deletes, lists and
 * scalars replace, except `metadata.finalizers` (merge strategy in ObjectMeta): the template's
 * finalizers are kept next to the patch's (so `resources-finalizer.argocd.argoproj.io` stays,
 * also for `finalizers: []`), and `$deleteFromPrimitiveList/finalizers` removes some. A map's
 * `$patch: replace` replaces it whole. Returns undefined when the patch deletes the value
 * (`$patch: delete`).
 */
function mergePatch(target: unknown, patch: unknown, path = ''): unknown {
  if (MERGED_LISTS.has(path) && Array.isArray(patch)) {
    return mergePrimitiveList(Array.isArray(target) ? target : [], patch);
  }
  if (!isPlainObject(patch)) return patch;
  const { [DIRECTIVE]: directive, ...fields } = patch;
  if (directive === 'delete') return undefined;
  const base = checkedDirective(directive) === 'replace' || !isPlainObject(target) ? {} : target;
  return mergeFields({ ...base }, fields, path);
}

/** The patch's fields merged into `out` (a copy of the target map) one by one. */
function mergeFields(out: Record<string, unknown>, fields: Record<string, unknown>, path: string): unknown {
  const deletions: [string, unknown][] = [];
  for (const [key, value] of Object.entries(fields)) {
    const list = key.startsWith(DELETE_FROM_LIST) ? key.slice(DELETE_FROM_LIST.length) : undefined;
    if (list !== undefined && MERGED_LISTS.has(`${path}.${list}`)) {
      deletions.push([list, value]);
      continue;
    }
    const merged =
      value === null ? undefined : mergePatch(out[key], value, path === '' ? key : `${path}.${key}`);
    if (merged === undefined) delete out[key];
    else out[key] = merged;
  }
  for (const [list, items] of deletions) deleteFromList(out, list, items);
  return out;
}

function checkedDirective(directive: unknown): unknown {
  if (directive !== undefined && directive !== 'replace' && directive !== 'merge') {
    throw new SpokesError(
      'TemplatePatch',
      `${FIELD}: unknown ${DIRECTIVE} directive ${JSON.stringify(directive)}`,
    );
  }
  return directive;
}

/** `$deleteFromPrimitiveList/<list>: [items]`: those items leave the list (an empty list goes). */
function deleteFromList(out: Record<string, unknown>, list: string, items: unknown): void {
  const current = out[list];
  if (!Array.isArray(items) || !Array.isArray(current)) return;
  const kept = current.filter((item) => !items.includes(item));
  if (kept.length > 0) out[list] = kept;
  else delete out[list];
}

/**
 * A strategic merge of two lists of scalars: their union, the patch's items in the patch's order,
 * the target's other items kept where they were relative to the patch's (an item the target does
 * not have goes first).
 */
function mergePrimitiveList(target: readonly unknown[], patch: readonly unknown[]): unknown[] {
  const inPatch = new Set(patch);
  const patchItems = [...new Set(patch)];
  const targetOnly = [...new Set(target)].filter((item) => !inPatch.has(item));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < patchItems.length || j < targetOnly.length) {
    if (i >= patchItems.length) out.push(targetOnly[j++]);
    else if (j >= targetOnly.length) out.push(patchItems[i++]);
    else {
      const left = target.indexOf(patchItems[i]);
      const right = target.indexOf(targetOnly[j]);
      out.push(left >= 0 && right < left ? targetOnly[j++] : patchItems[i++]);
    }
  }
  return out;
}
