/**
 * Cluster decision resources on the hub, for clusterDecisionResource: the ConfigMap is read by
 * name; the duck-typed resource it names gets an informer in the control-plane namespace the
 * first time a generator asks for it, so later reads come from the cache and every change to
 * those objects (a new placement decision) re-runs the ApplicationSets at once. Until the
 * informer is in step (and whenever it loses the apiserver), reads go to the apiserver, so a
 * missing resource type fails the generation instead of reading as "no decisions".
 */
import type { ClusterDecisionSource, DuckObject, DuckResource } from '../clusters/decisions.ts';
import type { KubeClient } from '../kube/client.ts';
import { Informer } from '../kube/informer.ts';
import type { ObjectReader } from '../kube/objects.ts';
import type { KubeObject, ResourceType } from '../kube/types.ts';
import { SpokesError } from '../errors.ts';
import { matchesSelector } from '../labels.ts';
import type { Logger } from '../log.ts';

export interface DecisionWatchOptions {
  readonly client: KubeClient;
  readonly objects: ObjectReader;
  readonly namespace: string;
  readonly log: Logger;
  /** Called on every add, update or delete of a watched object. */
  readonly onChange: () => void;
}

export class DecisionWatch implements ClusterDecisionSource {
  readonly #options: DecisionWatchOptions;
  readonly #informers = new Map<string, Informer<KubeObject>>();
  /** Informers whose first list is in their cache. */
  readonly #synced = new Set<string>();
  #stopped = false;

  constructor(options: DecisionWatchOptions) {
    this.#options = options;
  }

  configMap(name: string): Promise<Readonly<Record<string, string>> | undefined> {
    return this.#options.objects.configMap(this.#options.namespace, name);
  }

  async list(
    resource: DuckResource,
    selection: Parameters<ClusterDecisionSource['list']>[1],
  ): Promise<readonly DuckObject[]> {
    const type = resourceType(resource);
    const key = informerKey(type);
    const informer = this.#informers.get(key);
    const inStep = informer !== undefined && this.#synced.has(key) && !informer.failing;
    const objects = inStep ? informer.list() : await this.#listAndWatch(type);
    return objects
      .filter((o) =>
        'name' in selection
          ? o.metadata.name === selection.name
          : matchesSelector(selection.labelSelector, o.metadata.labels ?? {}),
      )
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  }

  /** Watched resource types, for status and tests. */
  get watching(): readonly string[] {
    return [...this.#informers.keys()];
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
  }

  async #listAndWatch(type: ResourceType): Promise<KubeObject[]> {
    const { client, namespace } = this.#options;
    let items: KubeObject[];
    try {
      items = (await client.list<KubeObject>(type, { namespace })).items;
    } catch (err) {
      throw new SpokesError(
        'GeneratorFailed',
        `failed to get dynamic resources ${type.plural}.${type.group}/${type.version} in ${namespace}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const key = informerKey(type);
    if (!this.#informers.has(key) && !this.#stopped) {
      const informer = new Informer<KubeObject>(client, type, { namespace }, this.#options.log);
      let synced = false;
      const changed = (): void => {
        if (synced) this.#options.onChange();
      };
      informer.on({ add: changed, update: changed, delete: changed });
      // Changes between the direct list above and the informer's own first list would otherwise
      // be missed: re-run once when it is in step.
      void informer.synced.then(() => {
        synced = true;
        this.#synced.add(key);
        this.#options.onChange();
      });
      informer.start();
      this.#informers.set(key, informer);
    }
    return items;
  }
}

function informerKey(type: ResourceType): string {
  return `${type.plural}.${type.group}/${type.version}`;
}

function resourceType(resource: DuckResource): ResourceType {
  return {
    group: resource.group,
    version: resource.version,
    // Only the plural is used in API paths; the kind is not known from the ConfigMap.
    kind: resource.resource,
    plural: resource.resource,
    namespaced: true,
  };
}
