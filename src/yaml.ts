/**
 * YAML in and out. Input is read the way Argo CD reads it (sigs.k8s.io/yaml on go-yaml v2, i.e.
 * YAML 1.1: `yes`/`on` are booleans, `0755` is octal) except that, like go-yaml, times such as
 * `10:30` and dates stay strings.
 */
import {
  parseAllDocuments,
  stringify,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
} from 'yaml';
import { SpokesError } from './errors.ts';

export const READ_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  merge: true,
  customTags: (tags) =>
    tags.filter(
      (tag) =>
        !(typeof tag === 'object' && (tag.format === 'TIME' || tag.tag === 'tag:yaml.org,2002:timestamp')),
    ),
};

/** The documents of a YAML stream, as parsed (for edits that keep comments); the first error throws. */
export function parseYamlStream(text: string, source: string): Document.Parsed[] {
  const docs = parseAllDocuments(text, READ_OPTIONS);
  if (!Array.isArray(docs)) return [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error !== undefined) {
      const where = error.linePos?.[0];
      const at = where === undefined ? '' : ` at line ${where.line}, column ${where.col}`;
      throw new SpokesError('InvalidYaml', `invalid YAML${at}: ${error.message.split('\n')[0]}`, {
        path: [source],
      });
    }
  }
  return docs;
}

/** Every non-empty document of a YAML stream as plain data; `source` names the file in errors. */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseYamlStream(text, source)) {
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** Parses a single YAML value (e.g. `elementsYaml`), as Argo does. */
export function parseYamlValue(text: string, source: string): unknown {
  const docs = parseYamlDocuments(text, source);
  return docs[0] ?? null;
}

/** A multi-document YAML stream, keys in insertion order, no line folding. */
export function toYamlStream(values: readonly unknown[]): string {
  return values
    .map((value) => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }))
    .join('---\n');
}
