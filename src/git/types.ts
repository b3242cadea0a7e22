/** One entry of a git tree listing, with the path relative to the repository root. */
export interface TreeEntry {
  readonly path: string;
  readonly type: 'blob' | 'tree' | 'commit';
  /** Git file mode: 100644, 100755, 120000 (symlink), 040000 (tree), 160000 (submodule). */
  readonly mode: string;
  /** The object id (for a submodule: the commit it pins). */
  readonly oid: string;
}

/** A repository revision resolved to one commit, as `RepoSource.resolve` returns it. */
export interface RepoRevision {
  readonly repoURL: string;
  /** As written in the spec: a branch, tag, full or short SHA, or HEAD. */
  readonly revision: string;
  /** The full commit SHA the revision resolved to. */
  readonly commit: string;
}

export interface ListTreeOptions {
  /** List directories (tree entries) only: far less to read in a large repository. */
  readonly directoriesOnly?: boolean;
}

/**
 * Read access to git repositories, as the generators need it. A revision is resolved to a commit
 * first, so a generator sees one consistent tree; errors name the repository, revision and path.
 */
export interface RepoSource {
  /** Resolves a branch, tag, full or short SHA, or HEAD of `repoURL` to a commit. */
  resolve(repoURL: string, revision: string): Promise<RepoRevision>;
  /** Every entry of the tree at the commit, recursively, in git's order. */
  listTree(at: RepoRevision, options?: ListTreeOptions): Promise<readonly TreeEntry[]>;
  /**
   * A file's bytes at the commit, following symlinks inside the repository. Refuses paths and
   * symlinks that leave the repository, and files over the size limit.
   */
  readFile(at: RepoRevision, path: string): Promise<Buffer>;
}
