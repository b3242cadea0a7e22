/** Test helpers: expand an ApplicationSet written as YAML against in-memory clusters. */
import { parseApplicationSet } from '../../src/api/applicationset.ts';
import type { Application } from '../../src/api/application.ts';
import { secretSchema } from '../../src/api/secret.ts';
import { clusterFromSecret } from '../../src/clusters/from-secret.ts';
import type { Cluster, ClusterSource } from '../../src/clusters/types.ts';
import { SpokesError } from '../../src/errors.ts';
import { expand } from '../../src/expand.ts';
import type { RepoSource } from '../../src/git/types.ts';
import { parseYamlDocuments } from '../../src/yaml.ts';

export interface ClusterSpec {
  readonly name: string;
  readonly server?: string;
  readonly project?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly secretName?: string;
}

/** A cluster as a Secret would give it (with a fake bearer token in its config). */
export function cluster(spec: ClusterSpec): Cluster {
  const secret = secretSchema.parse({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: spec.secretName ?? `cluster-${spec.name}`,
      namespace: 'argocd',
      labels: { 'argocd.argoproj.io/secret-type': 'cluster', ...spec.labels },
      ...(spec.annotations ? { annotations: spec.annotations } : {}),
    },
    stringData: {
      name: spec.name,
      server: spec.server ?? `https://${spec.name}.example.com`,
      ...(spec.project === undefined ? {} : { project: spec.project }),
      config: JSON.stringify({ bearerToken: `secret-token-of-${spec.name}` }),
    },
  });
  return clusterFromSecret(secret, 'test');
}

export function staticClusters(clusters: readonly Cluster[]): ClusterSource {
  return { list: () => Promise.resolve(clusters) };
}

export const noRepos: RepoSource = {
  resolve: (url) => Promise.reject(new SpokesError('RepoNotFound', `no repository ${url}`)),
  listTree: (at) => Promise.reject(new SpokesError('RepoNotFound', `no repository ${at.repoURL}`)),
  readFile: (at) => Promise.reject(new SpokesError('RepoNotFound', `no repository ${at.repoURL}`)),
};

export async function expandYaml(
  yaml: string,
  options: { clusters?: readonly Cluster[]; repos?: RepoSource } = {},
): Promise<Application[]> {
  const [doc] = parseYamlDocuments(yaml, 'appset.yaml');
  return expand(parseApplicationSet(doc, 'appset.yaml'), {
    clusters: staticClusters(options.clusters ?? []),
    repos: options.repos ?? noRepos,
  });
}

/** An ApplicationSet's YAML from a generators block and an optional template (indented 2 under spec). */
export function appSetYaml(generators: string, extra = ''): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: test, namespace: argocd}
spec:
${extra}
  generators:
${generators}
  template:
    metadata: {name: '{{name}}'}
    spec:
      project: default
      source: {repoURL: https://example.com/repo.git, path: '{{name}}'}
      destination: {server: https://kubernetes.default.svc, namespace: default}
`;
}

/** Awaits a promise that must reject with a SpokesError; returns it. */
export async function spokesError(promise: Promise<unknown>): Promise<SpokesError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SpokesError) return err;
    throw err;
  }
  throw new Error('expected a SpokesError, but nothing was thrown');
}
