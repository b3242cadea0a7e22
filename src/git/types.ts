/** One entry of a git tree listing, with the path relative to the repository root. */
export interface TreeEntry {
  readonly path: string;
  readonly type: 'blob' | 'tree' | 'commit';
  /** Git file mode: 100644, 100755, 120000 (symlink), 040000 (tree), 160000 (submodule). */
  readonly mode: string;
}

/**
 * Read access to git repositories, as the generators need it. Implementations resolve the
 * revision to a commit first, so a generator sees one consistent tree.
 */
export interface RepoSource {
  /** Resolves a branch, tag, full or short SHA, or HEAD of `repoURL` to a commit SHA. */
  resolve(repoURL: string, revision: string): Promise<string>;
  /** Every entry of the tree at `commit`, recursively, sorted by path. */
  listTree(repoURL: string, commit: string): Promise<readonly TreeEntry[]>;
  /** A file's bytes at `commit`. Refuses paths or symlinks that leave the repository and files over the size limit. */
  readFile(repoURL: string, commit: string, path: string): Promise<Buffer>;
}
