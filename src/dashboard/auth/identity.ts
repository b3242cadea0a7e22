/**
 * Who is signing in. A bearer token is checked with the hub's TokenReview API (the apiserver's own
 * authenticators decide: service-account tokens, OIDC, static tokens, webhooks); the standalone
 * command may also sign a browser in as its kubeconfig's identity, found with SelfSubjectReview.
 * Tokens are never logged and never stored anywhere but the session that holds them.
 */
import type { KubeClient } from '../../kube/client.ts';

export interface User {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
  /** True for the kubeconfig's own identity: its rights are asked with SelfSubjectAccessReview. */
  readonly self?: boolean;
}

interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

interface TokenReview {
  status?: { authenticated?: boolean; user?: UserInfo; error?: string };
}

function userOf(info: UserInfo | undefined, self: boolean): User | undefined {
  if (info?.username === undefined || info.username === '') return undefined;
  return {
    username: info.username,
    ...(info.uid ? { uid: info.uid } : {}),
    groups: info.groups ?? [],
    ...(info.extra ? { extra: info.extra } : {}),
    ...(self ? { self: true } : {}),
  };
}

/** The user a token authenticates as, or undefined when the hub does not accept it. */
export async function reviewToken(hub: KubeClient, token: string): Promise<User | undefined> {
  const review = await hub.request<TokenReview>('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
  });
  if (review.status?.authenticated !== true) return undefined;
  const user = userOf(review.status.user, false);
  // Anonymous is never a dashboard user, whatever the apiserver allows it.
  if (user === undefined || user.username === 'system:anonymous') return undefined;
  return user;
}

/** The identity the hub client itself authenticates as (SelfSubjectReview, Kubernetes >= 1.28). */
export async function whoAmI(hub: KubeClient): Promise<User> {
  const review = await hub.request<{ status?: { userInfo?: UserInfo } }>(
    'POST',
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } },
  );
  return userOf(review.status?.userInfo, true) ?? { username: '(kubeconfig)', groups: [], self: true };
}
