/** What the `spokes cluster` subcommands share: where the Secrets are, NAME checks, usage errors. */
import { SpokesError } from '../../errors.ts';
import { openKubeconfig, checkReachable } from './kubeconfig.ts';
import { DirStore, HubStore, type ClusterStore } from './store.ts';

export const DEFAULT_NAMESPACE = 'argocd';

export function usage(detail: string): SpokesError {
  return new SpokesError('Usage', detail);
}

/** The options every subcommand but add takes to say where the cluster Secrets are. */
export const storeOptions = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  clusters: { type: 'string' },
  namespace: { type: 'string', short: 'n', default: DEFAULT_NAMESPACE },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export type StoreSpec =
  | {
      readonly kind: 'hub';
      readonly kubeconfig: string;
      readonly context?: string;
      readonly namespace: string;
    }
  | { readonly kind: 'dir'; readonly dir: string; readonly namespace: string };

export function storeSpec(values: {
  kubeconfig?: string;
  context?: string;
  clusters?: string;
  namespace: string;
}): StoreSpec {
  if (values.namespace === '') throw usage('--namespace must not be empty');
  if (values.kubeconfig !== undefined && values.clusters !== undefined)
    throw usage('give either --kubeconfig (a hub) or --clusters (a folder), not both');
  if (values.clusters !== undefined) {
    if (values.context !== undefined) throw usage('--context goes with --kubeconfig, not --clusters');
    return { kind: 'dir', dir: values.clusters, namespace: values.namespace };
  }
  if (values.kubeconfig === undefined)
    throw usage('say where the clusters are: --kubeconfig FILE (the hub) or --clusters DIR');
  return {
    kind: 'hub',
    kubeconfig: values.kubeconfig,
    ...(values.context === undefined ? {} : { context: values.context }),
    namespace: values.namespace,
  };
}

/** Opens the store; a hub must answer before anything else happens. */
export async function openStore(spec: StoreSpec, options: { forAdd?: boolean } = {}): Promise<ClusterStore> {
  if (spec.kind === 'dir')
    return new DirStore(spec.dir, spec.namespace, { mayBeMissing: options.forAdd === true });
  const hub = await openKubeconfig(spec.kubeconfig, spec.context);
  await checkReachable(hub, 'hub');
  return new HubStore(hub, spec.namespace);
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** NAME must make a valid Secret name `cluster-NAME` (and file name `NAME.yaml`). */
export function checkClusterName(name: string): void {
  if (!DNS_SUBDOMAIN.test(name) || name.length > 245) {
    throw new SpokesError(
      'InvalidSpec',
      `cluster name "${name}": use lowercase letters, digits, "-" and "." (at most 245), starting and ending with a letter or digit`,
    );
  }
}

/** Exactly one positional NAME (or the given count). */
export function onePositional(positionals: readonly string[], what: string): string {
  if (positionals.length === 0) throw usage(`name the ${what}`);
  if (positionals.length > 1)
    throw usage(`expected one ${what}, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0]!;
}
