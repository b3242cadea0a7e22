/**
 * The list generator: one param set per element of `elements` (and of the YAML array in
 * `elementsYaml`, appended). In fasttemplate mode every value must be a string, except `values`,
 * a map of strings exposed as `values.<key>`; in goTemplate mode elements are used as written.
 */
import { z } from 'zod';
import { SpokesError } from '../src/errors.ts';
import { describeValue as describe, isPlainObject, type Params } from '../src/params.ts';
import { parseYamlValue } from '../src/yaml.ts';
import type { Generator } from './types.ts';

const listSpecSchema = z.strictObject({
  elements: z.array(z.unknown()).nullish(),
  elementsYaml: z.string().nullish(),
});

type ListSpec = z.infer<typeof listSpecSchema>;

export const listGenerator: Generator<ListSpec> = {
  name: 'list',
  schema: listSpecSchema,
  generate(spec, ctx) {
    const goTemplate = ctx.renderer.mode.goTemplate;
    const params = (spec.elements ?? []).map((element, i) => {
      const field = `elements[${i}]`;
      const object = requireObject(element, field);
      return goTemplate ? object : flatElement(object, field);
    });
    if (spec.elementsYaml) params.push(...yamlElements(spec.elementsYaml));
    return Promise.resolve(params);
  },
};

function requireObject(element: unknown, field: string): Params {
  if (isPlainObject(element)) return element;
  throw new SpokesError('InvalidSpec', `${field}: expected a map of parameters, got ${describe(element)}`);
}

function flatElement(element: Params, field: string): Params {
  const params: Params = {};
  for (const [key, value] of Object.entries(element)) {
    if (key === 'values') {
      const values = isPlainObject(value) ? value : undefined;
      if (values === undefined) {
        throw new SpokesError(
          'NotAString',
          `${field}.values: expected a map of strings, got ${describe(value)}`,
        );
      }
      for (const [k, v] of Object.entries(values))
        params[`values.${k}`] = requireString(v, `${field}.values.${k}`);
    } else {
      params[key] = requireString(value, `${field}.${key}`);
    }
  }
  return params;
}

function requireString(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  throw new SpokesError(
    'NotAString',
    `${field}: expected a string, got ${describe(value)}; in the default template mode every list value must be a string (quote it, or set goTemplate: true)`,
  );
}

function yamlElements(text: string): Params[] {
  const value = parseYamlValue(text, 'elementsYaml');
  if (value === null) return [];
  if (!Array.isArray(value)) {
    throw new SpokesError(
      'InvalidSpec',
      `elementsYaml: expected a YAML list of maps, got ${describe(value)}`,
    );
  }
  return value.map((item, i) => requireObject(item, `elementsYaml[${i}]`));
}
