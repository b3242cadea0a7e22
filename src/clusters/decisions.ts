/**
 * What the clusterDecisionResource generator reads: a ConfigMap naming a duck-typed resource
 * (apiVersion, kind as its plural resource name, statusListKey, matchKey), and the objects of that
 * resource in the control-plane namespace. From the hub in the controller; from a YAML file of
 * the same objects offline (`spokes generate --cluster-decisions FILE`).
 */
import type { LabelSelector } from '../api/selector.ts';

/** A resource as Argo CD's dynamic client addresses it: group, version and plural name. */
export interface DuckResource {
  readonly group: string;
  readonly version: string;
  /** The plural resource name, e.g. `placementdecisions` (the ConfigMap's `kind`). */
  readonly resource: string;
}

/** One object of the duck-typed resource: only its name, labels and status matter. */
export interface DuckObject {
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly status?: unknown;
}

/** Either one object by name, or every object matching a label selector. */
export type DuckSelection = { readonly name: string } | { readonly labelSelector: LabelSelector };

export interface ClusterDecisionSource {
  /** The data of a ConfigMap in the control-plane namespace; undefined when there is none. */
  configMap(name: string): Promise<Readonly<Record<string, string>> | undefined>;
  /** The selected objects of `resource` in the control-plane namespace, sorted by name. */
  list(resource: DuckResource, selection: DuckSelection): Promise<readonly DuckObject[]>;
}
