/**
 * What `cluster add` installs on the target cluster, as `argocd cluster add` does for
 * argocd-manager: a ServiceAccount, a ClusterRole allowed everything, its binding, and a
 * service-account-token Secret whose token the cluster's token controller fills in.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SpokesError } from '../../errors.ts';
import type { KubeClient } from '../../kube/client.ts';
import { SECRETS, type KubeObject, type ResourceType } from '../../kube/types.ts';

export const MANAGER_NAMESPACE = 'kube-system';
export const MANAGER_SERVICE_ACCOUNT = 'spokes-manager';
export const MANAGER_ROLE = 'spokes-manager-role';
export const MANAGER_ROLE_BINDING = 'spokes-manager-role-binding';
export const MANAGER_TOKEN_SECRET = 'spokes-manager-token';
export const FIELD_MANAGER = 'spokes-cluster-add';

const RBAC = 'rbac.authorization.k8s.io';
const SERVICE_ACCOUNTS: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  namespaced: true,
};
const CLUSTER_ROLES: ResourceType = {
  group: RBAC,
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  namespaced: false,
};
const CLUSTER_ROLE_BINDINGS: ResourceType = {
  group: RBAC,
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  namespaced: false,
};

/** The objects, in the order they are applied. */
export function managerObjects(): [ResourceType, KubeObject][] {
  const labels = { 'app.kubernetes.io/managed-by': 'spokes' };
  return [
    [
      SERVICE_ACCOUNTS,
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: MANAGER_SERVICE_ACCOUNT, namespace: MANAGER_NAMESPACE, labels },
      },
    ],
    [
      CLUSTER_ROLES,
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRole',
        metadata: { name: MANAGER_ROLE, labels },
        rules: [
          { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
          { nonResourceURLs: ['*'], verbs: ['*'] },
        ],
      },
    ],
    [
      CLUSTER_ROLE_BINDINGS,
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRoleBinding',
        metadata: { name: MANAGER_ROLE_BINDING, labels },
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: MANAGER_ROLE },
        subjects: [{ kind: 'ServiceAccount', name: MANAGER_SERVICE_ACCOUNT, namespace: MANAGER_NAMESPACE }],
      },
    ],
    [
      SECRETS,
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: {
          name: MANAGER_TOKEN_SECRET,
          namespace: MANAGER_NAMESPACE,
          labels,
          annotations: { 'kubernetes.io/service-account.name': MANAGER_SERVICE_ACCOUNT },
        },
      },
    ],
  ];
}

/** Server-side applies every object (a dry run first checks permissions without changing anything). */
export async function applyManager(client: KubeClient, options: { dryRun: boolean }): Promise<void> {
  for (const [type, obj] of managerObjects()) {
    const { name, namespace } = obj.metadata;
    try {
      await client.patch(type, { namespace, name }, obj, {
        type: 'apply',
        fieldManager: FIELD_MANAGER,
        force: true,
        dryRun: options.dryRun,
      });
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new SpokesError(
        'ClusterUnreachable',
        `cannot ${options.dryRun ? 'create (dry run)' : 'create'} ${type.kind} ${name}: ${detail}`,
        { cause: err },
      );
    }
  }
}

export interface ManagerToken {
  /** The bearer token (plain). */
  readonly token: string;
  /** The cluster CA the token controller put in ca.crt (base64 PEM, as stored). */
  readonly caData: string;
}

/** Waits until the token controller has filled the token Secret (data.token and data.ca.crt). */
export async function waitForToken(client: KubeClient, timeoutMs: number): Promise<ManagerToken> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const secret = await client.get<KubeObject & { data?: Record<string, string> }>(
      SECRETS,
      MANAGER_NAMESPACE,
      MANAGER_TOKEN_SECRET,
    );
    const token = secret?.data?.['token'];
    const caData = secret?.data?.['ca.crt'];
    if (token && caData) return { token: Buffer.from(token, 'base64').toString('utf8'), caData };
    if (Date.now() >= deadline) {
      throw new SpokesError(
        'Timeout',
        `Secret ${MANAGER_NAMESPACE}/${MANAGER_TOKEN_SECRET} got no token in ${timeoutMs / 1000} s ` +
          '(is the service-account token controller of kube-controller-manager running?)',
      );
    }
    await sleep(250);
  }
}
