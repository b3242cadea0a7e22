/**
 * The param sets of the git generator, as Argo CD builds them.
 * - A directory: `path`, `path.basename`, `path.basenameNormalized`, `path[N]` (fasttemplate), or
 *   `path: {path, basename, basenameNormalized, segments}` (goTemplate).
 * - A file: its parsed content (flattened with `.` and stringified like Go's `%v` in fasttemplate,
 *   as-is in goTemplate) plus the same path params for the file's folder, and `filename`,
 *   `filenameNormalized`.
 * `pathParamPrefix: p` puts them under `p.path...` (fasttemplate) or `p: {path: ...}` (goTemplate).
 */
import { posix } from 'node:path';
import { SpokesError } from '../src/errors.ts';
import { describeValue, flattenParams, isPlainObject, type Params } from '../src/params.ts';
import { formatGoValue } from '../src/template/go-format.ts';
import { sanitizeName } from '../src/template/sanitize.ts';
import { parseYamlDocuments } from '../src/yaml.ts';

export interface PathParamOptions {
  readonly goTemplate: boolean;
  readonly prefix: string;
}

export function directoryParams(dir: string, options: PathParamOptions): Params {
  const base = posix.basename(dir);
  const fields = { path: dir, basename: base, basenameNormalized: sanitizeName(base) };
  return pathParams(fields, dir, options);
}

/** One param set per object in the file (a map, or a list of maps). */
export function fileParams(file: string, objects: readonly Params[], options: PathParamOptions): Params[] {
  const dir = posix.dirname(file);
  const base = posix.basename(dir);
  const filename = posix.basename(file);
  const fields = {
    path: dir,
    basename: base,
    filename,
    basenameNormalized: sanitizeName(base),
    filenameNormalized: sanitizeName(filename),
  };
  return objects.map((object) => {
    const content = options.goTemplate ? { ...object } : flattenParams(object, formatGoValue);
    return { ...content, ...pathParams(fields, dir, options) };
  });
}

/** The file's first document. JSON (most params files) takes the fast path; YAML reads the rest. */
function parseDocument(text: string, where: string): unknown {
  if (/^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // not JSON after all: YAML flow style, or an error the YAML parser describes better
    }
  }
  try {
    return parseYamlDocuments(text, where)[0] ?? null;
  } catch (err) {
    const detail = err instanceof SpokesError ? err.detail : String(err);
    throw new SpokesError('FileParse', `${where}: cannot parse: ${detail}`, { cause: err });
  }
}

function pathParams(
  fields: Readonly<Record<string, string>>,
  dir: string,
  options: PathParamOptions,
): Params {
  const segments = dir.split('/');
  if (options.goTemplate) {
    const path = { ...fields, segments };
    return options.prefix === '' ? { path } : { [options.prefix]: { path } };
  }
  const name = options.prefix === '' ? 'path' : `${options.prefix}.path`;
  const params: Params = {};
  for (const [key, value] of Object.entries(fields)) params[key === 'path' ? name : `${name}.${key}`] = value;
  segments.forEach((segment, i) => {
    if (segment !== '') params[`${name}[${i}]`] = segment;
  });
  return params;
}

/**
 * A params file's objects: an empty file or a map gives one, a list gives one per element (a null
 * element counts as an empty map). Anything else is a FileParse error naming `where`.
 */
export function parseParamsFile(text: string, where: string): Params[] {
  const doc = parseDocument(text, where);
  if (doc === null || isPlainObject(doc)) return [doc ?? {}];
  if (!Array.isArray(doc)) {
    throw new SpokesError(
      'FileParse',
      `${where}: expected a map or a list of maps, got ${describeValue(doc)}`,
    );
  }
  return doc.map((element, i) => {
    if (element === null) return {};
    if (isPlainObject(element)) return element;
    throw new SpokesError(
      'FileParse',
      `${where}: element ${i}: expected a map, got ${describeValue(element)}`,
    );
  });
}
