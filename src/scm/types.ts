/**
 * What SCM providers answer, in Argo CD's provider-neutral shapes: pull requests for the
 * pullRequest generator, repositories (one per branch) for the scmProvider generator. Both
 * generators see only these interfaces, so the same code runs against live providers (the
 * controller) and recorded answers (`spokes generate --scm-fixture`).
 */
import type { PullRequestProvider, ScmProviderConfig } from './config.ts';

/** One open pull (merge) request. */
export interface PullRequest {
  readonly number: number;
  readonly title: string;
  /** The source branch. */
  readonly branch: string;
  readonly targetBranch: string;
  readonly headSHA: string;
  readonly labels: readonly string[];
  readonly author: string;
}

/** A repository at one branch (the default branch, or each branch with `allBranches`). */
export interface Repository {
  readonly organization: string;
  readonly repository: string;
  /** The clone URL for the generator's `cloneProtocol`. */
  readonly url: string;
  readonly branch: string;
  /** Empty until the branch is resolved (`getBranches`). */
  readonly sha: string;
  /** Topics (GitHub, GitLab) or repository labels (Gitea). */
  readonly labels: readonly string[];
  /** The provider's repository id: a number for GitHub, GitLab, Gitea and Bitbucket Server. */
  readonly repositoryId: unknown;
}

export interface PullRequestService {
  /** Open pull requests, already filtered by the provider's own `labels` (and GitLab's state). */
  list(): Promise<readonly PullRequest[]>;
}

export interface ScmProviderService {
  /** The organisation's repositories at their default branch (sha not yet known). */
  listRepos(cloneProtocol: string): Promise<readonly Repository[]>;
  /** The repository at each branch to consider: the default one, or all with `allBranches`. */
  getBranches(repo: Repository): Promise<readonly Repository[]>;
  /** Whether a file or directory exists at `path` on the repository's branch. */
  repoHasPath(repo: Repository, path: string): Promise<boolean>;
}

/** Where the SCM generators get their providers: live APIs in the controller, a fixture offline. */
export interface ScmSource {
  /** The provider of a pullRequest generator; `namespace` is the ApplicationSet's (token Secrets live there). */
  pullRequests(provider: PullRequestProvider, namespace: string): Promise<PullRequestService>;
  /** The provider of an scmProvider generator. */
  scmProvider(provider: ScmProviderConfig, namespace: string): Promise<ScmProviderService>;
}
