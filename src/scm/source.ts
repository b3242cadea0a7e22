/**
 * The SCM providers the controller talks to: each generator's provider block becomes a client
 * over the process's one shared HTTP cache, with its token read from the Secret it names (in the
 * ApplicationSet's namespace, as Argo CD reads it) and its CA bundle from the ConfigMap `caRef`
 * names. Argo CD's controller switches apply: `--enable-scm-providers=false` refuses them all,
 * `--allowed-scm-providers` limits custom `api` URLs, `--token-ref-strict-mode` accepts only
 * Secrets labelled `argocd.argoproj.io/secret-type: scm-creds`.
 */
import { SECRET_TYPE_LABEL } from '../api/secret.ts';
import { SpokesError } from '../errors.ts';
import type { ObjectReader } from '../kube/objects.ts';
import {
  customApiUrl,
  type ConfigMapKeyRef,
  type PullRequestProvider,
  type ScmProviderConfig,
  type SecretRef,
} from './config.ts';
import type { ScmHttp } from './http.ts';
import {
  bitbucketServerClient,
  bitbucketServerPullRequests,
  bitbucketServerScm,
  type BitbucketAuth,
} from './providers/bitbucket-server.ts';
import { giteaClient, giteaPullRequests, giteaScm } from './providers/gitea.ts';
import { githubClient, githubPullRequests, githubScm } from './providers/github.ts';
import { gitlabClient, gitlabPullRequests, gitlabScm } from './providers/gitlab.ts';
import type { PullRequestService, ScmProviderService, ScmSource } from './types.ts';

export interface LiveScmOptions {
  readonly http: ScmHttp;
  readonly objects: ObjectReader;
  /** Argo CD's --enable-scm-providers (default true). */
  readonly enabled?: boolean;
  /** Argo CD's --allowed-scm-providers: the custom API URLs allowed; empty allows any. */
  readonly allowedProviders?: readonly string[];
  /** Argo CD's --token-ref-strict-mode. */
  readonly tokenRefStrictMode?: boolean;
}

export const SCM_CREDS_TYPE = 'scm-creds';

export function liveScmSource(options: LiveScmOptions): ScmSource {
  const refs = secretRefReader(options);
  const checkAllowed = (provider: PullRequestProvider | ScmProviderConfig): void => {
    if (options.enabled === false) throw new SpokesError('NotSupported', 'scm providers are disabled');
    const url = customApiUrl(provider);
    const allowed = options.allowedProviders ?? [];
    if (url !== '' && allowed.length > 0 && !allowed.includes(url)) {
      throw new SpokesError(
        'InvalidSpec',
        `scm provider not allowed: scm provider "${url}" not allowed, must use one of the following: ${allowed.join(', ')}`,
      );
    }
  };
  return {
    async pullRequests(provider, namespace) {
      checkAllowed(provider);
      return pullRequestService(provider, namespace, refs, options.http);
    },
    async scmProvider(provider, namespace) {
      checkAllowed(provider);
      return scmService(provider, namespace, refs, options.http);
    },
  };
}

interface RefReader {
  secret(ref: SecretRef | null | undefined, namespace: string): Promise<string>;
  configMap(ref: ConfigMapKeyRef | null | undefined, namespace: string): Promise<string | undefined>;
}

async function pullRequestService(
  provider: PullRequestProvider,
  namespace: string,
  refs: RefReader,
  http: ScmHttp,
): Promise<PullRequestService> {
  switch (provider.kind) {
    case 'github': {
      refuseGithubApp(provider.spec.appSecretName);
      const token = await refs.secret(provider.spec.tokenRef, namespace);
      return githubPullRequests(githubClient(http, provider.spec.api, token), provider.spec);
    }
    case 'gitlab': {
      const ca = await refs.configMap(provider.spec.caRef, namespace);
      const token = await refs.secret(provider.spec.tokenRef, namespace);
      return gitlabPullRequests(gitlabClient(http, provider.spec, token, ca), provider.spec);
    }
    case 'gitea': {
      const token = await refs.secret(provider.spec.tokenRef, namespace);
      return giteaPullRequests(giteaClient(http, provider.spec, token), provider.spec);
    }
    case 'bitbucketServer': {
      const ca = await refs.configMap(provider.spec.caRef, namespace);
      const auth = await bitbucketAuth(provider.spec, namespace, refs);
      return bitbucketServerPullRequests(bitbucketServerClient(http, provider.spec, auth, ca), provider.spec);
    }
  }
}

async function scmService(
  provider: ScmProviderConfig,
  namespace: string,
  refs: RefReader,
  http: ScmHttp,
): Promise<ScmProviderService> {
  switch (provider.kind) {
    case 'github': {
      refuseGithubApp(provider.spec.appSecretName);
      const token = await refs.secret(provider.spec.tokenRef, namespace);
      return githubScm(githubClient(http, provider.spec.api, token), provider.spec);
    }
    case 'gitlab': {
      const ca = await refs.configMap(provider.spec.caRef, namespace);
      const token = await refs.secret(provider.spec.tokenRef, namespace);
      return gitlabScm(gitlabClient(http, provider.spec, token, ca), provider.spec);
    }
    case 'gitea': {
      const token = await refs.secret(provider.spec.tokenRef, namespace);
      return giteaScm(giteaClient(http, provider.spec, token), provider.spec);
    }
    case 'bitbucketServer': {
      const ca = await refs.configMap(provider.spec.caRef, namespace);
      const auth = await bitbucketAuth(provider.spec, namespace, refs);
      return bitbucketServerScm(bitbucketServerClient(http, provider.spec, auth, ca), provider.spec);
    }
  }
}

function refuseGithubApp(appSecretName: string | null | undefined): void {
  if (appSecretName) {
    throw new SpokesError(
      'NotSupported',
      'github.appSecretName: GitHub App authentication is not supported by Spokes yet; use tokenRef',
    );
  }
}

/** Bearer token first, then basic auth, else anonymous (Argo CD's order). */
async function bitbucketAuth(
  spec: {
    readonly bearerToken?: { readonly tokenRef: SecretRef } | null;
    readonly basicAuth?: { readonly username: string; readonly passwordRef: SecretRef } | null;
  },
  namespace: string,
  refs: RefReader,
): Promise<BitbucketAuth> {
  if (spec.bearerToken)
    return { kind: 'bearer', token: await refs.secret(spec.bearerToken.tokenRef, namespace) };
  if (spec.basicAuth) {
    return {
      kind: 'basic',
      username: spec.basicAuth.username,
      password: await refs.secret(spec.basicAuth.passwordRef, namespace),
    };
  }
  return { kind: 'none' };
}

function secretRefReader(options: LiveScmOptions): RefReader {
  return {
    async secret(ref, namespace) {
      if (!ref) return '';
      const where = `${namespace}/${ref.secretName}`;
      const secret = await options.objects.secret(namespace, ref.secretName);
      if (secret === undefined)
        throw new SpokesError('ObjectNotFound', `error fetching secret ${where}: not found`);
      if (options.tokenRefStrictMode && secret.labels[SECRET_TYPE_LABEL] !== SCM_CREDS_TYPE) {
        throw new SpokesError(
          'InvalidSpec',
          `secret ${where} is not a valid SCM creds secret (label ${SECRET_TYPE_LABEL}: ${SCM_CREDS_TYPE} required)`,
        );
      }
      const value = secret.data.reveal()[ref.key];
      if (value === undefined)
        throw new SpokesError('ObjectNotFound', `key "${ref.key}" in secret ${where} not found`);
      return value;
    },
    async configMap(ref, namespace) {
      if (!ref) return undefined;
      const data = await options.objects.configMap(namespace, ref.configMapName);
      if (data === undefined)
        throw new SpokesError(
          'ObjectNotFound',
          `error fetching CA certificates: ConfigMap ${namespace}/${ref.configMapName} not found`,
        );
      const value = data[ref.key];
      if (value === undefined)
        throw new SpokesError('ObjectNotFound', `key ${ref.key} not found in ConfigMap ${ref.configMapName}`);
      return value;
    },
  };
}
