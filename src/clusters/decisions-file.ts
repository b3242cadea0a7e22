/**
 * Cluster decision resources offline (`spokes generate --cluster-decisions FILE`): a YAML stream
 * holding the ConfigMap(s) the generators name and the duck-typed objects (e.g. OCM
 * PlacementDecisions with their status), as `kubectl get -o yaml` prints them. An object is of
 * the ConfigMap's resource when its apiVersion matches and the resource is its kind's plural as
 * the apiserver guesses it (PlacementDecision → placementdecisions).
 */
import { readFile } from 'node:fs/promises';
import { SpokesError } from '../errors.ts';
import { matchesSelector } from '../labels.ts';
import { isPlainObject } from '../params.ts';
import { parseYamlDocuments } from '../yaml.ts';
import type { ClusterDecisionSource, DuckObject, DuckResource } from './decisions.ts';

interface FileObject extends DuckObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly data?: unknown;
}

export function fileClusterDecisionSource(file: string): ClusterDecisionSource {
  let objects: Promise<FileObject[]> | undefined;
  const load = (): Promise<FileObject[]> => (objects ??= readObjects(file));
  return {
    async configMap(name) {
      const found = (await load()).find(
        (o) => o.apiVersion === 'v1' && o.kind === 'ConfigMap' && o.metadata.name === name,
      );
      if (found === undefined) return undefined;
      return stringData(found.data, `${file}: ConfigMap ${name}`);
    },
    async list(resource, selection) {
      return (await load())
        .filter((o) => isOfResource(o, resource))
        .filter((o) =>
          'name' in selection
            ? o.metadata.name === selection.name
            : matchesSelector(selection.labelSelector, o.metadata.labels ?? {}),
        )
        .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
    },
  };
}

async function readObjects(file: string): Promise<FileObject[]> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new SpokesError('Io', `cannot read: ${(err as Error).message}`, { path: [file] });
  });
  return parseYamlDocuments(text, file)
    .filter((doc) => doc !== null && doc !== undefined)
    .map((doc, i) => {
      const metadata = isPlainObject(doc) ? doc.metadata : undefined;
      if (
        !isPlainObject(doc) ||
        typeof doc.apiVersion !== 'string' ||
        typeof doc.kind !== 'string' ||
        !isPlainObject(metadata) ||
        typeof metadata.name !== 'string'
      ) {
        throw new SpokesError(
          'InvalidSpec',
          `document ${i + 1}: expected a Kubernetes object with apiVersion, kind and metadata.name`,
          { path: [file] },
        );
      }
      return doc as unknown as FileObject;
    });
}

function stringData(data: unknown, where: string): Record<string, string> {
  if (data === undefined || data === null) return {};
  if (!isPlainObject(data) || Object.values(data).some((v) => typeof v !== 'string'))
    throw new SpokesError('InvalidSpec', `${where}: data must be a map of strings`);
  return data as Record<string, string>;
}

function isOfResource(obj: FileObject, resource: DuckResource): boolean {
  if (obj.apiVersion !== `${resource.group}/${resource.version}`) return false;
  const kind = obj.kind.toLowerCase();
  return resource.resource === kind || resource.resource === guessPlural(kind);
}

/** The apiserver's guess of a resource name from a lowercased kind (UnsafeGuessKindToResource). */
export function guessPlural(kind: string): string {
  if (/(s|x|z|ch|sh)$/.test(kind)) return `${kind}es`;
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  return `${kind}s`;
}
