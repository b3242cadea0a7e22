/** Helpers for hub e2e tests: a Spokes client on a harness cluster, namespaces, an in-process controller. */
import { readFileSync } from 'node:fs';
import type { ApplicationsSyncPolicy } from '../../../src/api/applicationset.ts';
import { HubController } from '../../../src/hub/controller.ts';
import { KubeClient } from '../../../src/kube/client.ts';
import {
  APPLICATIONS,
  APPLICATION_SETS,
  NAMESPACES,
  SECRETS,
  type KubeObject,
} from '../../../src/kube/types.ts';
import { createLogger, silentLogger } from '../../../src/log.ts';
import { parseYamlDocuments } from '../../../src/yaml.ts';
import type { Cluster } from '../../harness/index.ts';

export function clientFor(cluster: Cluster): KubeClient {
  return new KubeClient(cluster.kubeConfig('admin'));
}

export async function createNamespace(client: KubeClient, name: string): Promise<void> {
  await client
    .create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
    .catch(() => undefined);
}

export interface ControllerHandle {
  readonly controller: HubController;
  stop(): Promise<void>;
}

export async function startController(
  client: KubeClient,
  namespace: string,
  options: {
    policy?: ApplicationsSyncPolicy;
    localRepos?: ReadonlyMap<string, string>;
    appSetNamespaces?: string[];
  } = {},
): Promise<ControllerHandle> {
  const controller = new HubController({
    client,
    namespace,
    appSetNamespaces: options.appSetNamespaces ?? [],
    policy: options.policy ?? 'sync',
    concurrency: 4,
    defaultRequeueSeconds: 180,
    repoCache: { localRepos: options.localRepos ?? new Map<string, string>() },
    log: process.env.SPOKES_E2E_LOG ? createLogger({ level: 'debug' }) : silentLogger,
  });
  await controller.start();
  return { controller, stop: () => controller.stop() };
}

/** The YAML documents of a file, each placed in `namespace`. */
export function yamlIn(file: string, namespace: string): KubeObject[] {
  return parseYamlDocuments(readFileSync(file, 'utf8'), file).map((doc) => {
    const obj = doc as KubeObject;
    return { ...obj, metadata: { ...obj.metadata, namespace } };
  });
}

export async function createAll(client: KubeClient, objects: readonly KubeObject[]): Promise<void> {
  for (const obj of objects) {
    const type =
      obj.kind === 'Secret' ? SECRETS : obj.kind === 'ApplicationSet' ? APPLICATION_SETS : APPLICATIONS;
    await client.create(type, obj);
  }
}

/**
 * The Applications in `namespace`, leaving out those being deleted: without the sync controller
 * their resources finalizer is never removed, so "deleted" means "deletion started" here.
 */
export async function listApps(client: KubeClient, namespace: string): Promise<KubeObject[]> {
  return (await client.list(APPLICATIONS, { namespace })).items.filter(
    (app) => app.metadata.deletionTimestamp === undefined,
  );
}

export function appNames(apps: readonly KubeObject[]): string[] {
  return apps.map((a) => a.metadata.name).sort();
}
