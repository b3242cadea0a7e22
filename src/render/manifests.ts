/**
 * Manifest files to Kubernetes objects, the way Argo CD's repo server reads a plain directory:
 * a `.json` file holds exactly one object; a YAML file holds any number of documents (empty ones
 * skipped). A YAML file whose documents are not all objects with a `kind` is an error when it
 * looks like a manifest (mentions `apiVersion:`, `kind:` and `metadata:`) or when objects came
 * before the bad document, and is otherwise ignored as unrelated YAML (e.g. Helm values).
 * `List` kinds are unpacked into their items; a List with null items contributes nothing.
 */
import type { KubeObject } from '../kube/types.ts';
import { SpokesError } from '../errors.ts';
import { parseYamlDocuments } from '../yaml.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isKubeObject(value: unknown): value is KubeObject {
  return isObject(value) && typeof value['kind'] === 'string' && value['kind'] !== '';
}

function looksLikeManifest(text: string): boolean {
  return text.includes('apiVersion:') && text.includes('kind:') && text.includes('metadata:');
}

function parseJsonFile(text: string, file: string): KubeObject[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const multiple = /Unexpected non-whitespace character after JSON/.test(detail);
    const why = multiple ? 'only one object is allowed in a JSON file' : detail;
    throw new SpokesError('InvalidManifest', `failed to unmarshal: ${why}`, { path: [file], cause: err });
  }
  if (!isKubeObject(value))
    throw new SpokesError('InvalidManifest', 'failed to unmarshal: not an object with a kind', {
      path: [file],
    });
  return [value];
}

function parseYamlFile(text: string, file: string): KubeObject[] {
  let docs: unknown[];
  try {
    docs = parseYamlDocuments(text, file);
  } catch (err) {
    if (looksLikeManifest(text))
      throw new SpokesError('InvalidManifest', 'failed to unmarshal manifest', { path: [file], cause: err });
    return [];
  }
  const bad = docs.findIndex((doc) => !isKubeObject(doc));
  if (bad < 0) return docs as KubeObject[];
  if (bad > 0 || looksLikeManifest(text)) {
    throw new SpokesError(
      'InvalidManifest',
      `failed to unmarshal manifest: document ${bad + 1} is not an object with a kind`,
      {
        path: [file],
      },
    );
  }
  return [];
}

/** Unpacks `List` kinds (an `items` array); a List-kind with null items yields nothing. */
export function unpackLists(objects: readonly KubeObject[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const obj of objects) {
    const items = obj['items'];
    if (Array.isArray(items)) {
      for (const item of items) {
        if (!isKubeObject(item))
          throw new SpokesError('InvalidManifest', `a ${obj.kind} item is not an object with a kind`);
        out.push(item);
      }
    } else if (!(obj.kind.endsWith('List') && 'items' in obj && items === null)) {
      out.push(obj);
    }
  }
  return out;
}

/** The objects a manifest file holds, by its extension (`.json` vs YAML); Lists unpacked. */
export function parseManifestFile(text: string, file: string): KubeObject[] {
  const objects = file.endsWith('.json') ? parseJsonFile(text, file) : parseYamlFile(text, file);
  return unpackLists(objects);
}

/** The objects of a YAML/JSON stream a tool printed (kustomize build, helm template). */
export function parseManifestStream(text: string, source: string): KubeObject[] {
  const docs = parseYamlDocuments(text, source);
  const bad = docs.findIndex((doc) => !isKubeObject(doc));
  if (bad >= 0) {
    throw new SpokesError('InvalidManifest', `document ${bad + 1} is not an object with a kind`, {
      path: [source],
    });
  }
  return unpackLists(docs as KubeObject[]);
}
