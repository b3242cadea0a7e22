/**
 * Offline edits of cluster Secrets kept as YAML files (the `clusters/` folder): find a Secret's
 * document, set or remove keys in it, remove it. Files are edited in place, as text: only the
 * lines of the changed keys differ afterwards; comments, key order, quoting and every other document
 * stay byte for byte. Each edit is checked by parsing the result and comparing it with the same
 * edit done through the yaml Document API (setIn/deleteIn); for shapes the text edit does not
 * handle (block scalars, keys inside sequences, ...) the edited document alone is re-rendered
 * with the Document API's toString. Writes are atomic (temp file + rename).
 */
import { isDeepStrictEqual } from 'node:util';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  isMap,
  isScalar,
  parseDocument,
  Scalar,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { secretSchema, secretType, type Secret } from '../api/secret.ts';
import { SpokesError } from '../errors.ts';
import { isPlainObject } from '../params.ts';
import { documentValue, parseYamlStream, READ_OPTIONS } from '../yaml.ts';
import { yamlFilesIn } from './file-source.ts';

export type YamlPath = readonly (string | number)[];

/** Where a Secret is: its file, its document (0-based), and its path in it (`['items', 2]` in a List). */
export interface SecretLocation {
  readonly file: string;
  readonly document: number;
  readonly path: YamlPath;
}

export interface SecretInFile {
  readonly secret: Secret;
  readonly location: SecretLocation;
}

/** One key to set (a string value) or remove (`null`), by its path inside the Secret. */
export interface KeyEdit {
  readonly path: readonly string[];
  readonly value: string | null;
}

type Doc = Document.Parsed;

export async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((err: unknown) => {
    throw new SpokesError('Io', `cannot read: ${(err as Error).message}`, { path: [file] });
  });
}

/** The Secrets of one YAML text, with where they are (`kind: List` items included). */
export function secretsInText(text: string, file: string): SecretInFile[] {
  const out: SecretInFile[] = [];
  parseYamlStream(text, file).forEach((doc, document) => {
    const value = documentValue(doc);
    const candidates: [unknown, YamlPath][] =
      isPlainObject(value) && value.kind === 'List' && Array.isArray(value.items)
        ? (value.items as unknown[]).map((item, i) => [item, ['items', i]])
        : [[value, []]];
    for (const [candidate, path] of candidates) {
      if (!isPlainObject(candidate) || candidate.kind !== 'Secret') continue;
      const parsed = secretSchema.safeParse(candidate);
      if (!parsed.success) continue;
      out.push({ secret: parsed.data, location: { file, document, path } });
    }
  });
  return out;
}

/** Every cluster Secret (`argocd.argoproj.io/secret-type: cluster`) in the YAML files below `dir`. */
export async function scanClusterSecrets(dir: string): Promise<SecretInFile[]> {
  const out: SecretInFile[] = [];
  for (const file of await yamlFilesIn(dir)) {
    for (const found of secretsInText(await readText(file), file)) {
      if (secretType(found.secret) === 'cluster') out.push(found);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rendering scalars

function isPlainSafe(text: string): boolean {
  // Also safe inside a flow map: no `,[]{}`; no comment or mapping indicators.
  if (text === '' || text.trim() !== text || /[\n,[\]{}#]|: |:$/.test(text)) return false;
  const doc = parseDocument(text, READ_OPTIONS);
  return doc.errors.length === 0 && isScalar(doc.contents) && doc.contents.value === text;
}

/** A YAML scalar for `value`: in the style it had when it is still correct, else the simplest safe one. */
export function renderScalar(value: string, style?: Scalar.Type): string {
  const single = `'${value.replaceAll("'", "''")}'`;
  if (style === Scalar.QUOTE_DOUBLE || value.includes('\n')) return JSON.stringify(value);
  if (style === Scalar.QUOTE_SINGLE) return single;
  if (isPlainSafe(value)) return value;
  return value.includes("'") ? JSON.stringify(value) : single;
}

// ---------------------------------------------------------------------------------------------
// Text edits of one document

/** Thrown inside the text editor for shapes it leaves to the Document API. */
class Unsupported extends Error {}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

/** The offset just after the newline that ends the line holding offset `at - 1`. */
function afterLine(text: string, at: number): number {
  if (at > 0 && text[at - 1] === '\n') return at;
  const nl = text.indexOf('\n', at);
  return nl === -1 ? text.length : nl + 1;
}

function rangeOf(node: Node | null | undefined): [number, number] {
  const range = node?.range;
  if (range === undefined || range === null) throw new Unsupported('no source range');
  return [range[0], range[1]];
}

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => keyOf(pair) === key);
}

function mapAt(doc: Doc, path: YamlPath): YAMLMap | undefined {
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (node === undefined || node === null) return undefined;
  if (!isMap(node)) throw new Unsupported('not a map');
  return node;
}

function splice(text: string, from: number, to: number, insert: string): string {
  return text.slice(0, from) + insert + text.slice(to);
}

/** The block-map lines that create `keys` (nested) holding `value`, at `indent`. */
function blockLines(keys: readonly string[], value: string, indent: number): string {
  return keys
    .map((key, i) => {
      const last = i === keys.length - 1;
      return `${' '.repeat(indent + 2 * i)}${renderScalar(key)}:${last ? ` ${renderScalar(value)}` : ''}\n`;
    })
    .join('');
}

function insertIntoBlockMap(text: string, map: YAMLMap, keys: readonly string[], value: string): string {
  const first = map.items[0];
  const last = map.items.at(-1);
  if (first === undefined || last === undefined) throw new Unsupported('empty block map');
  const [keyStart] = rangeOf(first.key as Node);
  const indent = keyStart - lineStart(text, keyStart);
  if (text.slice(lineStart(text, keyStart), keyStart).trim() !== '') throw new Unsupported('inline map');
  const end = afterLine(text, rangeOf((last.value ?? last.key) as Node)[1]);
  const prefix = end === text.length && !text.endsWith('\n') ? '\n' : '';
  return splice(text, end, end, prefix + blockLines(keys, value, indent));
}

function insertIntoFlowMap(text: string, map: YAMLMap, key: string, value: string): string {
  const [, end] = rangeOf(map);
  const close = end - 1;
  if (text[close] !== '}') throw new Unsupported('flow map without }');
  let j = close - 1;
  while (j >= 0 && /\s/.test(text[j]!)) j--;
  const entry = `${renderScalar(key)}: ${renderScalar(value)}`;
  const separator = map.items.length === 0 || text[j] === ',' ? (text[j] === ',' ? ' ' : '') : ', ';
  return splice(text, j + 1, j + 1, separator + entry);
}

function setKey(text: string, doc: Doc, path: readonly string[], value: string): string {
  // The deepest map on the path that exists.
  let depth = path.length - 1;
  let map = mapAt(doc, path.slice(0, depth));
  while (map === undefined && depth > 0) map = mapAt(doc, path.slice(0, --depth));
  if (map === undefined) throw new Unsupported('no map');
  const key = path[depth]!;
  const pair = findPair(map, key);
  if (pair !== undefined) {
    if (depth !== path.length - 1) throw new Unsupported('a key on the path is not a map');
    const node = pair.value;
    if (!isScalar(node)) throw new Unsupported('not a scalar');
    const style = node.type;
    if (style !== Scalar.PLAIN && style !== Scalar.QUOTE_DOUBLE && style !== Scalar.QUOTE_SINGLE)
      throw new Unsupported('block scalar');
    const [from, to] = rangeOf(node);
    if (text.slice(from, to).includes('\n') || from === to) throw new Unsupported('multi-line scalar');
    return splice(text, from, to, renderScalar(value, style));
  }
  const missing = path.slice(depth);
  if (map.flow) {
    if (missing.length !== 1) throw new Unsupported('nested keys in a flow map');
    return insertIntoFlowMap(text, map, key, value);
  }
  return insertIntoBlockMap(text, map, missing, value);
}

function deleteKey(text: string, doc: Doc, path: readonly string[]): string {
  const map = mapAt(doc, path.slice(0, -1));
  const pair = map === undefined ? undefined : findPair(map, path.at(-1)!);
  if (map === undefined || pair === undefined) return text;
  const [keyStart] = rangeOf(pair.key as Node);
  const [, valueEnd] = rangeOf((pair.value ?? pair.key) as Node);
  if (map.flow) {
    const after = /^\s*,[ \t]*/.exec(text.slice(valueEnd));
    if (after !== null) return splice(text, keyStart, valueEnd + after[0].length, '');
    const before = /,\s*$/.exec(text.slice(0, keyStart));
    return splice(text, before === null ? keyStart : before.index, valueEnd, '');
  }
  if (map.items.length === 1) throw new Unsupported('the map would be empty');
  const start = lineStart(text, keyStart);
  if (text.slice(start, keyStart).trim() !== '') throw new Unsupported('key not at the start of its line');
  return splice(text, start, afterLine(text, valueEnd), '');
}

function documentRange(docs: readonly Doc[], index: number, text: string): [number, number] {
  const start = index === 0 ? 0 : docs[index]!.range[0];
  const next = docs[index + 1];
  return [start, next === undefined ? text.length : next.range[0]];
}

function textEdit(text: string, location: SecretLocation, edits: readonly KeyEdit[]): string {
  if (location.path.length > 0) throw new Unsupported('a Secret inside a List');
  let out = text;
  for (const edit of edits) {
    const doc = parseYamlStream(out, location.file)[location.document]!;
    out = edit.value === null ? deleteKey(out, doc, edit.path) : setKey(out, doc, edit.path, edit.value);
  }
  return out;
}

/**
 * setIn/deleteIn on the Document. Missing maps on the path are made from plain objects: setIn
 * would make JS Maps, which the YAML 1.1 schema writes as `!!omap`.
 */
function documentEdit(doc: Doc, path: YamlPath, value: string | null): void {
  if (value === null) {
    doc.deleteIn(path);
    return;
  }
  let depth = path.length - 1;
  while (depth > 0 && !doc.hasIn(path.slice(0, depth))) depth--;
  let node: unknown = value;
  for (let i = path.length - 1; i > depth; i--) node = { [String(path[i])]: node };
  doc.setIn(path.slice(0, depth + 1), depth === path.length - 1 ? value : doc.createNode(node));
}

const toJS = (docs: readonly Doc[]): unknown[] => docs.map((d) => d.toJS({ maxAliasCount: 1000 }) as unknown);

/**
 * The text with `edits` applied to the Secret at `location` (document `location.document`, under
 * `location.path`); everything else is left as it was.
 */
export function editSecretText(text: string, location: SecretLocation, edits: readonly KeyEdit[]): string {
  const docs = parseYamlStream(text, location.file);
  const target = docs[location.document];
  if (target === undefined) throw new SpokesError('Io', 'the document is gone', { path: [location.file] });
  for (const edit of edits) documentEdit(target, [...location.path, ...edit.path], edit.value);
  const expected = toJS(docs);
  try {
    const edited = textEdit(text, location, edits);
    if (isDeepStrictEqual(toJS(parseYamlStream(edited, location.file)), expected)) return edited;
  } catch (err) {
    if (!(err instanceof Unsupported)) throw err;
  }
  // Re-render only the edited document.
  const [from, to] = documentRange(docs, location.document, text);
  return splice(text, from, to, target.toString({ lineWidth: 0 }));
}

/** The text without the Secret at `location`; undefined when nothing but it was in the text. */
export function removeSecretText(text: string, location: SecretLocation): string | undefined {
  const docs = parseYamlStream(text, location.file);
  if (docs[location.document] === undefined)
    throw new SpokesError('Io', 'the document is gone', { path: [location.file] });
  let out: string;
  if (location.path.length === 0) {
    const [from, to] = documentRange(docs, location.document, text);
    out = splice(text, from, to, '');
  } else {
    const target = docs[location.document]!;
    target.deleteIn(location.path);
    const [from, to] = documentRange(docs, location.document, text);
    out = splice(text, from, to, target.toString({ lineWidth: 0 }));
  }
  const left = toJS(parseYamlStream(out, location.file)).filter((v) => v !== null && v !== undefined);
  return left.length === 0 ? undefined : out;
}

/** Writes `text` to `file` atomically, keeping the file's mode (0600 for a new file). */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const mode = await stat(file).then(
    (s) => s.mode & 0o777,
    () => 0o600,
  );
  const tmp = join(dirname(file), `.${basename(file)}.spokes-${process.pid}.tmp`);
  try {
    await writeFile(tmp, text, { mode });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new SpokesError('Io', `cannot write: ${(err as Error).message}`, { path: [file] });
  }
}

/** Applies `edits` to the Secret at `location`, in its file. */
export async function editSecretFile(location: SecretLocation, edits: readonly KeyEdit[]): Promise<void> {
  const text = await readText(location.file);
  const edited = editSecretText(text, location, edits);
  if (edited !== text) await writeFileAtomic(location.file, edited);
}

/** Removes the Secret at `location` from its file, or the file when it held nothing else. */
export async function removeSecretFromFile(location: SecretLocation): Promise<'document' | 'file'> {
  const text = await readText(location.file);
  const out = removeSecretText(text, location);
  if (out === undefined) {
    await rm(location.file).catch((err: unknown) => {
      throw new SpokesError('Io', `cannot remove: ${(err as Error).message}`, { path: [location.file] });
    });
    return 'file';
  }
  await writeFileAtomic(location.file, out);
  return 'document';
}
