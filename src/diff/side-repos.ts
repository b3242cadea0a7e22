/**
 * The repositories one side of a diff reads. The repository under review ("self") is read at the
 * side's commit whatever revision a generator or Application names, since a PR changes the files
 * the branch will hold once merged; every other repoURL goes to the shared source unchanged
 * (`--repo URL=PATH` or the mirror cache).
 */
import type { GitRepoSource, ListTreeOptions, RepoRevision, TreeEntry } from '../git/index.ts';
import { normalizeRepoURL, splitURLCredentials } from '../git/url.ts';
import type { RenderRepos } from '../render/index.ts';

/**
 * URLs compared as Argo CD does, also ignoring trailing slashes and credentials:
 * `https://token@Host/org/repo.git/` = `https://host/org/repo`.
 */
export function sameRepoURL(a: string, b: string): boolean {
  return canonicalRepoURL(a) === canonicalRepoURL(b);
}

export function canonicalRepoURL(url: string): string {
  const trimmed = splitURLCredentials(url.trim()).url.replace(/\/+$/, '');
  return normalizeRepoURL(trimmed).replace(/\/+$/, '');
}

export interface SelfRepo {
  /** The URL generators name this repository by (`--self-url`, else origin's), if known. */
  readonly url: string | undefined;
  /** The key the shared source knows this repository by (mapped to its root folder). */
  readonly key: string;
}

/** Does `repoURL` name the repository under review? */
export function isSelfRepo(repoURL: string, self: SelfRepo): boolean {
  return sameRepoURL(repoURL, self.key) || (self.url !== undefined && sameRepoURL(repoURL, self.url));
}

/** A RepoSource for one side: self at `commit`, the rest through `shared`. */
export function sideRepos(shared: GitRepoSource, self: SelfRepo, commit: string): RenderRepos {
  const isSelf = (repoURL: string): boolean => isSelfRepo(repoURL, self);
  const inner = (at: RepoRevision): RepoRevision => (isSelf(at.repoURL) ? { ...at, repoURL: self.key } : at);
  return {
    async resolve(repoURL, revision) {
      if (isSelf(repoURL)) return { repoURL, revision, commit };
      return shared.resolve(repoURL, revision);
    },
    listTree(at: RepoRevision, options?: ListTreeOptions): Promise<readonly TreeEntry[]> {
      return shared.listTree(inner(at), options);
    },
    readFile(at, path) {
      return shared.readFile(inner(at), path);
    },
    exportTree(at, dest) {
      return shared.exportTree(inner(at), dest);
    },
  };
}
