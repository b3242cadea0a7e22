/**
 * Cluster Secrets from a folder of YAML files (`clusters/`), for offline runs: every `*.yaml` /
 * `*.yml` below the folder, one or many documents per file, `kind: List` unwrapped. Documents that
 * are not cluster Secrets (repository Secrets, anything else) are ignored here.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { secretSchema, secretType, type Secret } from '../api/secret.ts';
import { parseWith } from '../api/validate.ts';
import { SpokesError } from '../errors.ts';
import { isPlainObject } from '../params.ts';
import { parseYamlDocuments } from '../yaml.ts';
import { clusterFromSecret } from './from-secret.ts';
import type { Cluster, ClusterSource } from './types.ts';

/** A Secret read from a file, with the file it came from (for errors). */
export interface SecretFromFile {
  readonly secret: Secret;
  readonly file: string;
}

/** Every Secret document in the YAML files below `dir`, sorted by Secret name like the apiserver lists them. */
export async function readSecretsDir(dir: string): Promise<SecretFromFile[]> {
  const out: SecretFromFile[] = [];
  for (const file of await yamlFilesIn(dir)) {
    const shown = relative(process.cwd(), file) || file;
    const text = await readFile(file, 'utf8').catch((err: unknown) => {
      throw new SpokesError('Io', `cannot read: ${(err as Error).message}`, { path: [shown] });
    });
    out.push(...secretsInYaml(text, shown));
  }
  return sortSecrets(out);
}

/** The Secret documents of one YAML text (`kind: List` unwrapped); a malformed Secret is an error. */
export function secretsInYaml(text: string, file: string): SecretFromFile[] {
  return parseYamlDocuments(text, file)
    .flatMap(unwrapList)
    .filter((doc) => isPlainObject(doc) && doc.kind === 'Secret')
    .map((doc) => ({ secret: parseWith(secretSchema, doc, { path: [file], code: 'InvalidCluster' }), file }));
}

/** Sorted by namespace/name, as the apiserver lists them. */
export function sortSecrets(secrets: readonly SecretFromFile[]): SecretFromFile[] {
  return [...secrets].sort((a, b) => compareSecrets(a.secret, b.secret));
}

export function clustersFromSecrets(secrets: readonly SecretFromFile[]): Cluster[] {
  return secrets
    .filter(({ secret }) => secretType(secret) === 'cluster')
    .map(({ secret, file }) => clusterFromSecret(secret, file));
}

/** A ClusterSource over a folder, read once on first use. A missing folder holds no clusters. */
export function fileClusterSource(dir: string | undefined): ClusterSource {
  let loaded: Promise<readonly Cluster[]> | undefined;
  return {
    list() {
      loaded ??= dir === undefined ? Promise.resolve([]) : readSecretsDir(dir).then(clustersFromSecrets);
      return loaded;
    },
  };
}

function unwrapList(doc: unknown): unknown[] {
  if (isPlainObject(doc) && doc.kind === 'List' && Array.isArray(doc.items)) return doc.items as unknown[];
  return [doc];
}

function compareSecrets(a: Secret, b: Secret): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Every `*.yaml` / `*.yml` file below `dir`, sorted. */
export async function yamlFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch((err: unknown) => {
    throw new SpokesError('Io', `cannot read clusters folder: ${(err as Error).message}`, { path: [dir] });
  });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
