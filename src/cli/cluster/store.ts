/**
 * Where cluster Secrets live for `spokes cluster`: on a hub (a namespace's Secrets) or in a folder
 * of YAML files. Both answer the same small interface; lookups by NAME are shared.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { secretData, secretSchema, SECRET_TYPE_LABEL, type Secret } from '../../api/secret.ts';
import {
  editSecretFile,
  removeSecretFromFile,
  scanClusterSecrets,
  type KeyEdit,
  type SecretLocation,
} from '../../clusters/secret-file-edit.ts';
import { SpokesError } from '../../errors.ts';
import type { Application } from '../../api/application.ts';
import { isAlreadyExists, isNotFound } from '../../kube/errors.ts';
import { APPLICATIONS, NAMESPACES, SECRETS, type KubeObject } from '../../kube/types.ts';
import { toYamlStream } from '../../yaml.ts';
import { unreachable, type KubeconfigTarget } from './kubeconfig.ts';
import type { LabelChanges } from './labels.ts';

/** The data keys `cluster add` writes; --upsert rewrites these and keeps the others. */
export const CLUSTER_DATA_KEYS = ['name', 'server', 'project', 'config'] as const;

export interface ClusterRecord {
  readonly secret: Secret;
  /** `Secret argocd/cluster-x` on a hub, the file offline. */
  readonly where: string;
  readonly location?: SecretLocation;
}

export interface ClusterStore {
  /** `hub https://… (namespace argocd)` or `folder DIR`. */
  readonly description: string;
  readonly namespace: string;
  /** Every cluster Secret, by Secret name. */
  list(): Promise<ClusterRecord[]>;
  /** Fails when a new Secret for `name` could not be created (a file in the way). */
  checkCreate(name: string): Promise<void>;
  create(name: string, secret: Secret): Promise<string>;
  update(existing: ClusterRecord, secret: Secret): Promise<string>;
  label(existing: ClusterRecord, changes: LabelChanges): Promise<void>;
  remove(existing: ClusterRecord): Promise<string>;
  /** The Applications the store knows (hub: every namespace; undefined without the Application API). */
  applications?(): Promise<Application[] | undefined>;
}

export const secretNameFor = (name: string): string => `cluster-${name}`;

/** The Secret `cluster add` writes (plain values in stringData). */
export function newClusterSecret(options: {
  readonly name: string;
  readonly namespace: string;
  readonly server: string;
  readonly project: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly config: unknown;
}): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secretNameFor(options.name),
      namespace: options.namespace,
      labels: { [SECRET_TYPE_LABEL]: 'cluster', ...options.labels },
    },
    type: 'Opaque',
    stringData: {
      name: options.name,
      server: options.server,
      ...(options.project === undefined ? {} : { project: options.project }),
      config: JSON.stringify(options.config),
    },
  };
}

const clusterNameOf = (secret: Secret): string => secretData(secret).name ?? '';

/** The existing Secret `cluster add NAME` would collide with: same data.name or Secret name. */
export function existingCluster(records: readonly ClusterRecord[], name: string): ClusterRecord | undefined {
  return (
    records.find((r) => r.secret.metadata.name === secretNameFor(name)) ??
    records.find((r) => clusterNameOf(r.secret) === name)
  );
}

/** The one cluster NAME means: its name, its Secret's name (with or without `cluster-`), or its server URL. */
export function findCluster(
  records: readonly ClusterRecord[],
  name: string,
  store: ClusterStore,
): ClusterRecord {
  const matches = records.filter((r) => {
    const data = secretData(r.secret);
    const secretName = r.secret.metadata.name;
    return (
      data.name === name ||
      secretName === name ||
      secretName === secretNameFor(name) ||
      (data.server !== undefined && data.server.replace(/\/+$/, '') === name.replace(/\/+$/, ''))
    );
  });
  if (matches.length === 0) {
    const known = records.map((r) => clusterNameOf(r.secret) || r.secret.metadata.name).join(', ') || 'none';
    throw new SpokesError(
      'ClusterNotFound',
      `no cluster "${name}" in ${store.description} (clusters: ${known})`,
    );
  }
  if (matches.length > 1) {
    throw new SpokesError(
      'ClusterNotFound',
      `"${name}" names ${matches.length} clusters in ${store.description}: ${matches.map((m) => m.where).join(', ')}`,
    );
  }
  return matches[0]!;
}

// ---------------------------------------------------------------------------------------------
// On a hub

const toData = (values: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));

export class HubStore implements ClusterStore {
  readonly description: string;
  readonly namespace: string;
  readonly #hub: KubeconfigTarget;

  constructor(hub: KubeconfigTarget, namespace: string) {
    this.#hub = hub;
    this.namespace = namespace;
    this.description = `hub ${hub.server} (namespace ${namespace})`;
  }

  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw unreachable(this.#hub, 'hub', err);
    }
  }

  #where(name: string): string {
    return `Secret ${this.namespace}/${name}`;
  }

  async list(): Promise<ClusterRecord[]> {
    const { items } = await this.#call(() =>
      this.#hub.client.list(SECRETS, {
        namespace: this.namespace,
        labelSelector: `${SECRET_TYPE_LABEL}=cluster`,
      }),
    );
    return items
      .map((item) => secretSchema.safeParse(item))
      .filter((r) => r.success)
      .map((r) => ({ secret: r.data, where: this.#where(r.data.metadata.name) }))
      .sort((a, b) => (a.secret.metadata.name < b.secret.metadata.name ? -1 : 1));
  }

  async checkCreate(): Promise<void> {}

  async create(_name: string, secret: Secret): Promise<string> {
    const client = this.#hub.client;
    await this.#call(async () => {
      if ((await client.get(NAMESPACES, undefined, this.namespace)) === undefined) {
        const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } };
        await client.create(NAMESPACES, namespace).catch((err: unknown) => {
          if (!isAlreadyExists(err)) throw err;
        });
      }
      const { stringData, ...rest } = secret;
      await client.create(SECRETS, { ...rest, data: toData(stringData ?? {}) });
    });
    return `${this.#where(secret.metadata.name)} on ${this.description}`;
  }

  async update(existing: ClusterRecord, secret: Secret): Promise<string> {
    const live = existing.secret;
    const data = { ...secretData(live) };
    for (const key of CLUSTER_DATA_KEYS) delete data[key];
    Object.assign(data, secret.stringData);
    const replaced = {
      ...live,
      metadata: { ...live.metadata, labels: secret.metadata.labels },
      data: toData(data),
      stringData: undefined,
    } as KubeObject;
    await this.#call(() => this.#hub.client.replace(SECRETS, replaced));
    return `${existing.where} on ${this.description}`;
  }

  async label(existing: ClusterRecord, changes: LabelChanges): Promise<void> {
    const labels = Object.fromEntries(changes);
    const { name, resourceVersion } = existing.secret.metadata;
    await this.#call(() =>
      this.#hub.client.patch(
        SECRETS,
        { namespace: this.namespace, name },
        { metadata: { resourceVersion, labels } },
        { type: 'merge' },
      ),
    );
  }

  async applications(): Promise<Application[] | undefined> {
    return this.#call(async () => {
      try {
        return (await this.#hub.client.list<KubeObject>(APPLICATIONS)).items as unknown as Application[];
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
  }

  async remove(existing: ClusterRecord): Promise<string> {
    const { name, uid } = existing.secret.metadata as { name: string; uid?: string };
    await this.#call(() =>
      this.#hub.client.delete(
        SECRETS,
        this.namespace,
        name,
        uid === undefined ? {} : { preconditions: { uid } },
      ),
    );
    return `${existing.where} on ${this.description}`;
  }
}

// ---------------------------------------------------------------------------------------------
// In a folder

/** The edits that turn `old` into `secret` for --upsert: labels and the cluster data keys. */
function upsertEdits(old: Secret, secret: Secret): KeyEdit[] {
  const labels = secret.metadata.labels ?? {};
  const oldLabels = old.metadata.labels ?? {};
  const edits: KeyEdit[] = [];
  for (const key of Object.keys(oldLabels))
    if (!(key in labels)) edits.push({ path: ['metadata', 'labels', key], value: null });
  for (const [key, value] of Object.entries(labels))
    if (oldLabels[key] !== value) edits.push({ path: ['metadata', 'labels', key], value });
  for (const key of CLUSTER_DATA_KEYS) {
    if (old.data?.[key] !== undefined) edits.push({ path: ['data', key], value: null });
    const value = secret.stringData?.[key] ?? null;
    if (value !== null || old.stringData?.[key] !== undefined)
      edits.push({ path: ['stringData', key], value });
  }
  return edits;
}

export class DirStore implements ClusterStore {
  readonly description: string;
  readonly namespace: string;
  readonly #dir: string;
  readonly #mayBeMissing: boolean;

  /** `mayBeMissing`: a folder that does not exist holds no clusters (cluster add creates it). */
  constructor(dir: string, namespace: string, options: { mayBeMissing?: boolean } = {}) {
    this.#dir = dir;
    this.#mayBeMissing = options.mayBeMissing ?? false;
    this.namespace = namespace;
    this.description = `folder ${dir}`;
  }

  fileFor(name: string): string {
    return join(this.#dir, `${name}.yaml`);
  }

  async list(): Promise<ClusterRecord[]> {
    const exists = await stat(this.#dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!exists) {
      if (this.#mayBeMissing) return [];
      throw new SpokesError('Io', 'no such folder', { path: [this.#dir] });
    }
    const found = await scanClusterSecrets(this.#dir);
    return found
      .map(({ secret, location }) => ({ secret, where: location.file, location }))
      .sort((a, b) => (a.secret.metadata.name < b.secret.metadata.name ? -1 : 1));
  }

  async checkCreate(name: string): Promise<void> {
    const file = this.fileFor(name);
    const taken = await stat(file).then(
      () => true,
      () => false,
    );
    if (taken)
      throw new SpokesError(
        'ClusterExists',
        `${file} already exists and holds no Secret for cluster "${name}"`,
      );
  }

  async create(name: string, secret: Secret): Promise<string> {
    const file = this.fileFor(name);
    const header =
      `# Argo CD cluster Secret written by \`spokes cluster add ${name}\`.\n` +
      '# It holds a bearer token for the cluster: keep this file out of git.\n';
    await mkdir(this.#dir, { recursive: true });
    await writeFile(file, header + toYamlStream([secret]), { mode: 0o600, flag: 'wx' }).catch(
      (err: unknown) => {
        throw new SpokesError('Io', `cannot write: ${(err as Error).message}`, { path: [file] });
      },
    );
    return file;
  }

  async update(existing: ClusterRecord, secret: Secret): Promise<string> {
    await editSecretFile(existing.location!, upsertEdits(existing.secret, secret));
    return existing.where;
  }

  async label(existing: ClusterRecord, changes: LabelChanges): Promise<void> {
    const edits = [...changes].map(([key, value]) => ({ path: ['metadata', 'labels', key], value }));
    await editSecretFile(existing.location!, edits);
  }

  async remove(existing: ClusterRecord): Promise<string> {
    const what = await removeSecretFromFile(existing.location!);
    return what === 'file' ? `${existing.where} (file removed)` : existing.where;
  }
}
