/**
 * `values` on the clusters and git generators: each value is a template rendered with the
 * generator's own params, then exposed as `values.<key>` (fasttemplate) or `.values.<key>`
 * (goTemplate).
 */
import type { Params } from '../src/params.ts';
import { typed } from '../src/template/go/value.ts';
import type { Renderer } from '../src/template/render.ts';

export function withValues(
  params: Params,
  values: Readonly<Record<string, string>> | null | undefined,
  renderer: Renderer,
): Params {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return params;
  const rendered = entries.map(
    ([key, text]) => [key, renderer.renderString(text, params, `values.${key}`)] as const,
  );
  // map[string]string in Argo CD: `index .values "missing"` is "".
  if (renderer.mode.goTemplate) return { ...params, values: typed(Object.fromEntries(rendered), 'string') };
  const out = { ...params };
  for (const [key, value] of rendered) out[`values.${key}`] = value;
  return out;
}
