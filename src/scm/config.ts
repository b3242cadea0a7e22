/**
 * The provider blocks of Argo CD's pullRequest and scmProvider generators, field for field
 * (argoproj.io/v1alpha1 PullRequestGenerator*, SCMProviderGenerator*), and which one a spec names.
 * Providers Spokes does not talk to yet are still parsed, so a spec using them gets a clear
 * "not supported" error instead of an unknown-field one.
 */
import { z } from 'zod';

export const secretRefSchema = z.strictObject({ secretName: z.string(), key: z.string() });
export type SecretRef = z.infer<typeof secretRefSchema>;

export const configMapKeyRefSchema = z.strictObject({ configMapName: z.string(), key: z.string() });
export type ConfigMapKeyRef = z.infer<typeof configMapKeyRefSchema>;

const basicAuthSchema = z.strictObject({ username: z.string(), passwordRef: secretRefSchema });
const bearerTokenSchema = z.strictObject({ tokenRef: secretRefSchema });
const labelsSchema = z.array(z.string()).nullish();

// Pull request providers.

export const githubPullRequestSchema = z.strictObject({
  owner: z.string(),
  repo: z.string(),
  api: z.string().nullish(),
  tokenRef: secretRefSchema.nullish(),
  appSecretName: z.string().nullish(),
  labels: labelsSchema,
});

export const gitlabPullRequestSchema = z.strictObject({
  project: z.string(),
  api: z.string().nullish(),
  tokenRef: secretRefSchema.nullish(),
  labels: labelsSchema,
  pullRequestState: z.string().nullish(),
  insecure: z.boolean().nullish(),
  caRef: configMapKeyRefSchema.nullish(),
});

export const giteaPullRequestSchema = z.strictObject({
  owner: z.string(),
  repo: z.string(),
  api: z.string(),
  tokenRef: secretRefSchema.nullish(),
  insecure: z.boolean().nullish(),
  labels: labelsSchema,
});

export const bitbucketServerPullRequestSchema = z.strictObject({
  project: z.string(),
  repo: z.string(),
  api: z.string(),
  basicAuth: basicAuthSchema.nullish(),
  bearerToken: bearerTokenSchema.nullish(),
  insecure: z.boolean().nullish(),
  caRef: configMapKeyRefSchema.nullish(),
});

const bitbucketCloudPullRequestSchema = z.strictObject({
  owner: z.string(),
  repo: z.string(),
  api: z.string().nullish(),
  basicAuth: basicAuthSchema.nullish(),
  bearerToken: bearerTokenSchema.nullish(),
});

const azureDevOpsPullRequestSchema = z.strictObject({
  organization: z.string(),
  project: z.string(),
  repo: z.string(),
  api: z.string().nullish(),
  tokenRef: secretRefSchema.nullish(),
  labels: labelsSchema,
});

/** The provider keys of a pullRequest generator, in the order Argo CD picks the first one set. */
export const pullRequestProviderSchemas = {
  github: githubPullRequestSchema,
  gitlab: gitlabPullRequestSchema,
  gitea: giteaPullRequestSchema,
  bitbucketServer: bitbucketServerPullRequestSchema,
  bitbucket: bitbucketCloudPullRequestSchema,
  azuredevops: azureDevOpsPullRequestSchema,
} as const;

export type GithubPullRequestSpec = z.infer<typeof githubPullRequestSchema>;
export type GitlabPullRequestSpec = z.infer<typeof gitlabPullRequestSchema>;
export type GiteaPullRequestSpec = z.infer<typeof giteaPullRequestSchema>;
export type BitbucketServerPullRequestSpec = z.infer<typeof bitbucketServerPullRequestSchema>;

/** The one provider a pullRequest generator talks to. */
export type PullRequestProvider =
  | { readonly kind: 'github'; readonly spec: GithubPullRequestSpec }
  | { readonly kind: 'gitlab'; readonly spec: GitlabPullRequestSpec }
  | { readonly kind: 'gitea'; readonly spec: GiteaPullRequestSpec }
  | { readonly kind: 'bitbucketServer'; readonly spec: BitbucketServerPullRequestSpec };

// SCM (repository discovery) providers.

export const githubScmSchema = z.strictObject({
  organization: z.string(),
  api: z.string().nullish(),
  tokenRef: secretRefSchema.nullish(),
  appSecretName: z.string().nullish(),
  allBranches: z.boolean().nullish(),
  excludeArchivedRepos: z.boolean().nullish(),
});

export const gitlabScmSchema = z.strictObject({
  group: z.string(),
  includeSubgroups: z.boolean().nullish(),
  api: z.string().nullish(),
  tokenRef: secretRefSchema.nullish(),
  allBranches: z.boolean().nullish(),
  insecure: z.boolean().nullish(),
  includeSharedProjects: z.boolean().nullish(),
  topic: z.string().nullish(),
  caRef: configMapKeyRefSchema.nullish(),
  includeArchivedRepos: z.boolean().nullish(),
});

export const giteaScmSchema = z.strictObject({
  owner: z.string(),
  api: z.string(),
  tokenRef: secretRefSchema.nullish(),
  allBranches: z.boolean().nullish(),
  insecure: z.boolean().nullish(),
  excludeArchivedRepos: z.boolean().nullish(),
});

export const bitbucketServerScmSchema = z.strictObject({
  project: z.string(),
  api: z.string(),
  basicAuth: basicAuthSchema.nullish(),
  allBranches: z.boolean().nullish(),
  bearerToken: bearerTokenSchema.nullish(),
  insecure: z.boolean().nullish(),
  caRef: configMapKeyRefSchema.nullish(),
});

const bitbucketCloudScmSchema = z.strictObject({
  owner: z.string(),
  user: z.string(),
  appPasswordRef: secretRefSchema.nullish(),
  allBranches: z.boolean().nullish(),
});

const azureDevOpsScmSchema = z.strictObject({
  organization: z.string(),
  api: z.string().nullish(),
  teamProject: z.string(),
  accessTokenRef: secretRefSchema.nullish(),
  allBranches: z.boolean().nullish(),
});

const awsCodeCommitScmSchema = z.strictObject({
  tagFilters: z.array(z.strictObject({ key: z.string(), value: z.string().nullish() })).nullish(),
  role: z.string().nullish(),
  region: z.string().nullish(),
  allBranches: z.boolean().nullish(),
});

/** The provider keys of an scmProvider generator, in the order Argo CD picks the first one set. */
export const scmProviderSchemas = {
  github: githubScmSchema,
  gitlab: gitlabScmSchema,
  gitea: giteaScmSchema,
  bitbucketServer: bitbucketServerScmSchema,
  azureDevOps: azureDevOpsScmSchema,
  bitbucket: bitbucketCloudScmSchema,
  awsCodeCommit: awsCodeCommitScmSchema,
} as const;

export type GithubScmSpec = z.infer<typeof githubScmSchema>;
export type GitlabScmSpec = z.infer<typeof gitlabScmSchema>;
export type GiteaScmSpec = z.infer<typeof giteaScmSchema>;
export type BitbucketServerScmSpec = z.infer<typeof bitbucketServerScmSchema>;

/** The one provider an scmProvider generator talks to. */
export type ScmProviderConfig =
  | { readonly kind: 'github'; readonly spec: GithubScmSpec }
  | { readonly kind: 'gitlab'; readonly spec: GitlabScmSpec }
  | { readonly kind: 'gitea'; readonly spec: GiteaScmSpec }
  | { readonly kind: 'bitbucketServer'; readonly spec: BitbucketServerScmSpec };

/** The kinds Spokes talks to; the other keys parse but are refused as not supported yet. */
export const SUPPORTED_PROVIDERS = ['github', 'gitlab', 'gitea', 'bitbucketServer'] as const;

/** The custom API URL of a provider block (Argo's CustomApiUrl), for --allowed-scm-providers. */
export function customApiUrl(provider: PullRequestProvider | ScmProviderConfig): string {
  return 'api' in provider.spec ? (provider.spec.api ?? '') : '';
}
