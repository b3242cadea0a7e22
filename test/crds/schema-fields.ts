/**
 * An OpenAPI v3 (structural) schema as a flat field list, one line per node:
 * `path type [open] [required=a,b] [enum=x|y]` — `open` for x-kubernetes-preserve-unknown-fields.
 * Paths: `.spec.generators[].git.revision`; `[]` an array's items, `{}` a map's values.
 * Used to compare crds/ with Argo CD's published CRDs field by field.
 */
import { isPlainObject } from '../../src/params.ts';

export interface Field {
  readonly path: string;
  readonly type: string;
  readonly open: boolean;
  readonly required: readonly string[];
  readonly enum: readonly string[];
}

export function schemaFields(schema: unknown, path = ''): Field[] {
  if (!isPlainObject(schema)) return [];
  const fields: Field[] = [
    {
      path,
      type: typeof schema.type === 'string' ? schema.type : '',
      open: schema['x-kubernetes-preserve-unknown-fields'] === true,
      required: Array.isArray(schema.required) ? [...(schema.required as string[])].sort() : [],
      enum: Array.isArray(schema.enum) ? (schema.enum as unknown[]).map(String) : [],
    },
  ];
  for (const [key, child] of Object.entries(isPlainObject(schema.properties) ? schema.properties : {}))
    fields.push(...schemaFields(child, `${path}.${key}`));
  if (schema.items !== undefined) fields.push(...schemaFields(schema.items, `${path}[]`));
  if (isPlainObject(schema.additionalProperties))
    fields.push(...schemaFields(schema.additionalProperties, `${path}{}`));
  return fields;
}

export function formatField(f: Field): string {
  return [
    f.path === '' ? '.' : f.path,
    f.type || '-',
    ...(f.open ? ['open'] : []),
    ...(f.required.length ? [`required=${f.required.join(',')}`] : []),
    ...(f.enum.length ? [`enum=${f.enum.join('|')}`] : []),
  ].join(' ');
}

export function parseField(line: string): Field {
  const [path = '', type = '', ...rest] = line.split(' ');
  const tag = (name: string): string[] =>
    rest
      .find((r) => r.startsWith(`${name}=`))
      ?.slice(name.length + 1)
      .split(name === 'enum' ? '|' : ',') ?? [];
  return {
    path: path === '.' ? '' : path,
    type: type === '-' ? '' : type,
    open: rest.includes('open'),
    required: tag('required'),
    enum: tag('enum'),
  };
}

/**
 * Argo's ApplicationSet CRD repeats two subtrees: every generator's `template` is the top-level
 * `spec.template` again, and a matrix/merge child generator is a top-level generator again. The
 * list keeps one copy of each; `collapse` checks the copies really are equal before dropping them.
 */
export function collapse(fields: readonly Field[]): Field[] {
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const subtree = (root: string): string[] =>
    fields
      .filter(
        (f) =>
          f.path === root ||
          f.path.startsWith(`${root}.`) ||
          f.path.startsWith(`${root}[`) ||
          f.path.startsWith(`${root}{`),
      )
      .map((f) => formatField({ ...f, path: f.path.slice(root.length) }));
  const template = subtree('.spec.template').filter((line) => !line.startsWith('. '));
  const dropped = new Set<string>();
  for (const f of fields) {
    const generatorTemplate = /^(.*\.generators\[\]\.[A-Za-z]+)\.template$/.exec(f.path);
    if (generatorTemplate !== null) {
      const copy = subtree(f.path).filter((line) => !line.startsWith('. '));
      if (copy.join('\n') !== template.join('\n')) throw new Error(`${f.path} differs from .spec.template`);
      for (const line of subtree(f.path))
        if (!line.startsWith('. ')) dropped.add(`${f.path}${line.split(' ')[0]}`);
    }
  }
  for (const nested of ['.spec.generators[].matrix.generators[]', '.spec.generators[].merge.generators[]']) {
    if (!byPath.has(nested)) continue;
    for (const line of subtree(nested)) {
      const rel = line.split(' ')[0]!;
      const top = byPath.get(`.spec.generators[]${rel === '.' ? '' : rel}`);
      const mine = byPath.get(`${nested}${rel === '.' ? '' : rel}`)!;
      if (
        top !== undefined &&
        formatField({ ...top, path: '' }) === formatField({ ...mine, path: '' }) &&
        rel !== '.'
      )
        dropped.add(`${nested}${rel}`);
    }
  }
  return fields.filter((f) => !dropped.has(f.path));
}
