/**
 * Authorisation by the hub's own RBAC: every read and action asks a SubjectAccessReview for the
 * signed-in user on the objects involved (a SelfSubjectAccessReview for the kubeconfig's own
 * identity). Answers are cached briefly, as the apiserver's webhook authoriser does, so a fleet
 * page asks once per namespace, not once per Application; a revoked right stops working within
 * the cache's lifetime.
 */
import type { KubeClient } from '../../kube/client.ts';
import type { User } from './identity.ts';

export interface ResourceAttributes {
  readonly verb: 'get' | 'list' | 'watch' | 'update' | 'patch';
  readonly group: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
}

export interface Authorizer {
  allowed(user: User, attrs: ResourceAttributes): Promise<boolean>;
}

interface AccessReview {
  status?: { allowed?: boolean };
}

const ARGO = 'argoproj.io';

/** The checks the dashboard makes, in one place (docs/dashboard.md lists them). */
export const can = {
  getApp: (namespace: string, name?: string): ResourceAttributes => ({
    verb: 'get',
    group: ARGO,
    resource: 'applications',
    namespace,
    ...(name ? { name } : {}),
  }),
  updateApp: (namespace: string, name: string): ResourceAttributes => ({
    verb: 'update',
    group: ARGO,
    resource: 'applications',
    namespace,
    name,
  }),
  /** Resuming a stopped rollout writes the ApplicationSet (its resume annotation). */
  updateAppSet: (namespace: string, name: string): ResourceAttributes => ({
    verb: 'update',
    group: ARGO,
    resource: 'applicationsets',
    namespace,
    name,
  }),
  getAppSet: (namespace: string, name?: string): ResourceAttributes => ({
    verb: 'get',
    group: ARGO,
    resource: 'applicationsets',
    namespace,
    ...(name ? { name } : {}),
  }),
  /**
   * A cluster's non-secret fields: `get` on `clusters.argoproj.io`, a resource no API serves but
   * RBAC can grant (as Argo CD's own RBAC has a `clusters` resource). Reading the cluster Secret
   * itself would also reveal its credentials, so viewers are not asked to hold that right.
   */
  getCluster: (namespace: string, name?: string): ResourceAttributes => ({
    verb: 'get',
    group: ARGO,
    resource: 'clusters',
    namespace,
    ...(name ? { name } : {}),
  }),
  listEvents: (namespace: string): ResourceAttributes => ({
    verb: 'list',
    group: '',
    resource: 'events',
    namespace,
  }),
};

export class AccessReviewer implements Authorizer {
  readonly #hub: KubeClient;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { at: number; answer: Promise<boolean> }>();

  constructor(hub: KubeClient, options: { ttlMs?: number } = {}) {
    this.#hub = hub;
    this.#ttlMs = options.ttlMs ?? 10_000;
  }

  allowed(user: User, attrs: ResourceAttributes): Promise<boolean> {
    const key = JSON.stringify([user.username, user.uid, user.groups, user.self === true, attrs]);
    const now = Date.now();
    const cached = this.#cache.get(key);
    if (cached !== undefined && now - cached.at < this.#ttlMs) return cached.answer;
    if (this.#cache.size > 50_000) this.#cache.clear();
    const answer = this.#review(user, attrs);
    this.#cache.set(key, { at: now, answer });
    // A failed review is not remembered: the next request asks again.
    answer.catch(() => this.#cache.delete(key));
    return answer;
  }

  async #review(user: User, attrs: ResourceAttributes): Promise<boolean> {
    const resourceAttributes = { ...attrs };
    const review = user.self
      ? await this.#hub.request<AccessReview>(
          'POST',
          '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
          {
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: { resourceAttributes },
            },
          },
        )
      : await this.#hub.request<AccessReview>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: {
              user: user.username,
              ...(user.uid ? { uid: user.uid } : {}),
              groups: user.groups,
              ...(user.extra ? { extra: user.extra } : {}),
              resourceAttributes,
            },
          },
        });
    return review.status?.allowed === true;
  }
}
