/**
 * `source.kustomize.patches`, applied as Argo CD applies them: there is no `kustomize edit` command
 * for patches, so the kustomization file in the app's folder is read, the Application's patches are
 * appended to its own `patches` list (or become it), and the file is written back before the build.
 * Each patch is written as Argo's typed KustomizePatch marshals it: known fields only, empty ones left out.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SpokesError } from '../errors.ts';
import { isPlainObject } from '../params.ts';
import { parseYamlValue, toYamlStream } from '../yaml.ts';

const selectorFields = [
  'group',
  'version',
  'kind',
  'name',
  'namespace',
  'annotationSelector',
  'labelSelector',
] as const;

const kustomizeSelectorSchema = z.looseObject(
  Object.fromEntries(selectorFields.map((f) => [f, z.string().optional()])) as Record<
    (typeof selectorFields)[number],
    z.ZodOptional<z.ZodString>
  >,
);

export const kustomizePatchSchema = z.looseObject({
  path: z.string().optional(),
  patch: z.string().optional(),
  target: kustomizeSelectorSchema.optional(),
  options: z.record(z.string(), z.boolean()).optional(),
});
export type KustomizePatch = z.infer<typeof kustomizePatchSchema>;

/** Argo's order of preference when a folder holds more than one kustomization file. */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** A patch as Go's `json:",omitempty"` marshalling of Argo's KustomizePatch writes it. */
export function typedPatch(patch: KustomizePatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (patch.path) out.path = patch.path;
  if (patch.patch) out.patch = patch.patch;
  if (patch.target !== undefined) {
    const target: Record<string, string> = {};
    for (const field of selectorFields) if (patch.target[field]) target[field] = patch.target[field];
    out.target = target;
  }
  if (patch.options !== undefined && Object.keys(patch.options).length > 0) out.options = patch.options;
  return out;
}

/** Go's `%T` of a decoded YAML value, for Argo's wording of a `patches` field that is not a list. */
function goType(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (isPlainObject(value)) return 'map[string]interface {}';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

async function kustomizationFile(dir: string): Promise<string> {
  for (const name of KUSTOMIZATION_FILES) {
    const path = join(dir, name);
    if (
      await stat(path).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return path;
  }
  throw new SpokesError('RenderFailed', 'kustomization file not found in the path');
}

/** The kustomization text with `patches` appended: what Argo writes back before `kustomize build`. */
export function withPatches(text: string, patches: readonly KustomizePatch[], file: string): string {
  const kustomization = parseYamlValue(text, file);
  if (!isPlainObject(kustomization)) {
    throw new SpokesError(
      'RenderFailed',
      `expected kustomization.yaml to be type map[string]any, but got ${goType(kustomization)}`,
    );
  }
  const added = patches.map(typedPatch);
  if ('patches' in kustomization) {
    const own = kustomization.patches;
    if (!Array.isArray(own)) {
      throw new SpokesError(
        'RenderFailed',
        `expected 'patches' field in kustomization.yaml to be []any, but got ${goType(own)}`,
      );
    }
    return toYamlStream([{ ...kustomization, patches: [...(own as unknown[]), ...added] }]);
  }
  return toYamlStream([{ ...kustomization, patches: added }]);
}

/** Appends the patches to the kustomization file in `dir` (a throwaway copy of the repository). */
export async function appendPatches(dir: string, patches: readonly KustomizePatch[]): Promise<void> {
  const file = await kustomizationFile(dir);
  const text = await readFile(file, 'utf8');
  await writeFile(file, withPatches(text, patches, file));
}
