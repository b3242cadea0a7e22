/**
 * The plugin generator: the param sets a generator plugin (an HTTP service named by a ConfigMap)
 * answers for `input.parameters`. As Argo CD: each object of `output.parameters` is one param set
 * (flattened to `a.b` keys of `%v` strings in the default template mode, as given in goTemplate
 * mode), `generator.input.parameters` echoes the input, and `values` (templates rendered with the
 * param set) are added under `values`.
 */
import { z } from 'zod';
import { SpokesError } from '../src/errors.ts';
import { describeValue, isPlainObject, type Params } from '../src/params.ts';
import { formatGoValue } from '../src/template/go-format.ts';
import type { Generator } from './types.ts';
import { withValues } from './values.ts';

const pluginSpecSchema = z.strictObject({
  configMapRef: z.strictObject({ name: z.string() }),
  input: z.strictObject({ parameters: z.record(z.string(), z.unknown()).nullish() }).nullish(),
  requeueAfterSeconds: z.number().int().min(0).nullish(),
  values: z.record(z.string(), z.string()).nullish(),
});

export type PluginSpec = z.infer<typeof pluginSpecSchema>;

/** Argo CD asks a plugin again every 30 minutes unless the spec says otherwise. */
export const DEFAULT_PLUGIN_REQUEUE_SECONDS = 1800;

export const pluginGenerator: Generator<PluginSpec> = {
  name: 'plugin',
  schema: pluginSpecSchema,
  async generate(spec, ctx) {
    const parameters = spec.input?.parameters ?? undefined;
    const answer = await ctx.plugins.call(spec.configMapRef.name, {
      applicationSetName: ctx.appSet.name,
      input: parameters === undefined ? {} : { parameters },
    });
    const objects = outputParameters(answer, spec.configMapRef.name);
    const goTemplate = ctx.renderer.mode.goTemplate;
    return objects.map((object) => {
      const params: Params = goTemplate ? { ...object } : flattenToStrings(object);
      params.generator = { input: { parameters: parameters ?? {} } };
      return withValues(params, spec.values, ctx.renderer);
    });
  },
  requeueAfterSeconds(spec) {
    const seconds = spec.requeueAfterSeconds ?? DEFAULT_PLUGIN_REQUEUE_SECONDS;
    return seconds > 0 ? seconds : undefined;
  },
};

/** `output.parameters` of the answer: a list of maps (absent: none, as Argo CD reads it). */
function outputParameters(answer: unknown, plugin: string): Record<string, unknown>[] {
  if (answer === undefined) return [];
  const where = `plugin "${plugin}" answered`;
  if (!isPlainObject(answer))
    throw new SpokesError(
      'PluginFailed',
      `${where} ${describeValue(answer)}; expected {"output": {"parameters": [...]}}`,
    );
  const output = answer.output;
  if (output === undefined || output === null) return [];
  if (!isPlainObject(output))
    throw new SpokesError('PluginFailed', `${where} output: ${describeValue(output)}; expected a map`);
  const list = output.parameters;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list))
    throw new SpokesError(
      'PluginFailed',
      `${where} output.parameters: ${describeValue(list)}; expected a list of maps`,
    );
  return list.map((item, i) => {
    if (isPlainObject(item)) return item;
    throw new SpokesError(
      'PluginFailed',
      `${where} output.parameters[${i}]: ${describeValue(item)}; expected a map of parameters`,
    );
  });
}

/** jeremywohl/flatten with dots, each leaf as Go's `%v` (empty maps and lists leave nothing). */
function flattenToStrings(object: Record<string, unknown>): Params {
  const out: Params = {};
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${key}.${i}`));
    else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) visit(v, `${key}.${k}`);
    else out[key] = formatGoValue(value);
  };
  for (const [key, value] of Object.entries(object)) visit(value, key);
  return out;
}
