/**
 * One repository's state: its refs (re-read, and for a mirror re-fetched, at most once per
 * refresh interval, one sync at a time however many callers ask), its commit trees (a small LRU,
 * one listing per commit), and its object reader. Errors here name the path; the caller adds the
 * repository and revision.
 */
import type { LimitFunction } from 'p-limit';
import { SpokesError } from '../errors.ts';
import { ObjectReader } from './cat-file.ts';
import { exportCommit } from './export.ts';
import { looksLikeSHA, parseRefs, resolveRef, SHOW_REFS_ARGS, type Refs } from './refs.ts';
import { GitCommandError, type GitRunner } from './runner.ts';
import { resolveFile } from './safe-path.ts';
import { lsTreeArgs, parseLsTree, Tree } from './tree.ts';
import type { TreeEntry } from './types.ts';
import type { GitEvents } from './options.ts';

export interface RepoSettings {
  readonly runner: GitRunner;
  /** Bounds git commands across all repositories. */
  readonly limit: LimitFunction;
  readonly minRefreshMs: number;
  readonly maxFileBytes: number;
  readonly now: () => number;
  readonly events?: GitEvents;
}

export interface RepoInit {
  readonly gitDir: string;
  /** The ref standing for the remote's HEAD. */
  readonly head: string;
  /** Fetches from the remote (mirrors); `force` ignores the refresh interval. None for local repos. */
  readonly update?: (force: boolean) => Promise<void>;
  /** A folder of the repository that stands as its root (a `--repo` path inside a repository). */
  readonly root?: string;
  /** The repository's URL as metrics and spans name it (no credentials). */
  readonly label: string;
}

const TREE_CACHE_SIZE = 8;
const MAX_SYMLINK_BYTES = 4096;

export class Repo {
  readonly #init: RepoInit;
  readonly #settings: RepoSettings;
  #refs: Refs | undefined;
  #syncedAt = Number.NEGATIVE_INFINITY;
  #stale = false;
  #syncing: Promise<Refs> | undefined;
  readonly #shas = new Map<string, Promise<string | undefined>>();
  readonly #trees = new Map<string, Promise<Tree>>();
  #reader: ObjectReader | undefined;

  constructor(init: RepoInit, settings: RepoSettings) {
    this.#init = init;
    this.#settings = settings;
  }

  /** The next read syncs, whatever the interval (after a push). */
  markStale(): void {
    this.#stale = true;
  }

  close(): void {
    this.#reader?.close();
    this.#reader = undefined;
  }

  /**
   * The commit a revision names, or undefined; `cached` when the refs came from memory, without
   * a sync (a fetch for a mirror) started or waited for.
   */
  async resolve(revision: string): Promise<{ commit: string | undefined; cached: boolean }> {
    const cached = this.#refsAreFresh();
    const refs = await this.#freshRefs(revision);
    const named = resolveRef(refs, revision, this.#init.head);
    if (named !== undefined || !looksLikeSHA(revision)) return { commit: named, cached };
    return { commit: await this.#commitOf(revision), cached };
  }

  #commitOf(revision: string): Promise<string | undefined> {
    const key = revision.toLowerCase();
    let commit = this.#shas.get(key);
    if (commit === undefined) {
      commit = this.#revParse(key);
      this.#shas.set(key, commit);
      const forget = (): void => void this.#shas.delete(key);
      commit.then((sha) => sha === undefined && forget(), forget);
    }
    return commit;
  }

  /** The commit's tree; a listing of directories only when that is all the caller needs. */
  async tree(commit: string, directoriesOnly: boolean): Promise<Tree> {
    const full = this.#trees.get(`${commit}:all`);
    if (full !== undefined) {
      if (!directoriesOnly) return full;
      return new Tree((await full).entries.filter((entry) => entry.type === 'tree'));
    }
    const key = `${commit}:${directoriesOnly ? 'dirs' : 'all'}`;
    let tree = this.#trees.get(key);
    if (tree === undefined) {
      tree = this.#listTree(commit, directoriesOnly);
      this.#remember(key, tree);
    }
    return tree;
  }

  /** Writes the commit's files into `dest` (see export.ts). */
  async exportTo(commit: string, dest: string): Promise<void> {
    const treeish = this.#treeish(commit);
    await this.#settings.limit(() => exportCommit(this.#settings.runner, this.#init.gitDir, treeish, dest));
  }

  /** A regular file's bytes, symlinks followed inside the tree. */
  async readFile(commit: string, path: string): Promise<Buffer> {
    const tree = await this.tree(commit, false);
    const resolved = await resolveFile(tree, path, (entry) => this.#readLink(entry));
    if (!resolved.ok) {
      throw new SpokesError(resolved.outside ? 'PathOutsideRepo' : 'FileNotFound', resolved.reason);
    }
    const limit = this.#settings.maxFileBytes;
    const object = await this.#reader_().read(resolved.entry.oid, limit);
    if (object === undefined) {
      throw new SpokesError('FileNotFound', `"${path}": object ${resolved.entry.oid} is missing`);
    }
    if ('tooLarge' in object) {
      throw new SpokesError(
        'FileTooLarge',
        `"${path}" is ${formatBytes(object.size)}, over the ${formatBytes(limit)} limit`,
      );
    }
    return object.data;
  }

  #refsAreFresh(): boolean {
    const age = this.#settings.now() - this.#syncedAt;
    return (
      this.#syncing === undefined &&
      this.#refs !== undefined &&
      !this.#stale &&
      age < this.#settings.minRefreshMs
    );
  }

  #freshRefs(revision: string): Promise<Refs> {
    if (this.#syncing !== undefined) {
      if (!this.#stale) return this.#syncing;
      // A push arrived after this sync began, so its refs may predate the pushed commit: wait for
      // it, then sync again (the first caller back starts that sync, the rest join it).
      return this.#syncing.then(
        () => this.#freshRefs(revision),
        () => this.#freshRefs(revision),
      );
    }
    if (this.#refsAreFresh()) return Promise.resolve(this.#refs!);
    const force = this.#stale;
    this.#stale = false;
    this.#syncing = this.#settings.limit(() => this.#sync(force, revision));
    void this.#syncing.then(
      () => (this.#syncing = undefined),
      () => (this.#syncing = undefined),
    );
    return this.#syncing;
  }

  /** Learns where the refs point (Argo's ls-remote), fetching first for a mirror (Argo's fetch). */
  async #sync(force: boolean, revision: string): Promise<Refs> {
    const events = this.#settings.events;
    const lsRemote = events?.onRequest(this.#init.label, 'ls-remote');
    try {
      if (this.#init.update !== undefined) {
        const fetch = events?.onRequest(this.#init.label, 'fetch');
        await this.#init.update(force).then(
          () => fetch?.({ ok: true, revision }),
          (err: unknown) => {
            fetch?.({ ok: false, revision });
            throw err;
          },
        );
      }
      const refs = parseRefs(await this.#showRefs());
      this.#refs = refs;
      this.#syncedAt = this.#settings.now();
      lsRemote?.({ ok: true, revision });
      return refs;
    } catch (err) {
      lsRemote?.({ ok: false, revision });
      throw err;
    }
  }

  async #showRefs(): Promise<string> {
    try {
      return await this.#settings.runner.run(this.#init.gitDir, SHOW_REFS_ARGS);
    } catch (err) {
      // show-ref exits 1, silently, when there are no refs at all.
      if (!(err instanceof GitCommandError) || err.stderr.trim() !== '') throw err;
      return '';
    }
  }

  async #revParse(sha: string): Promise<string | undefined> {
    const args = ['rev-parse', '--verify', '--quiet', '--end-of-options', `${sha}^{commit}`];
    try {
      const out = await this.#settings.limit(() => this.#settings.runner.run(this.#init.gitDir, args));
      return out.trim() || undefined;
    } catch (err) {
      if (err instanceof GitCommandError && /ambiguous/i.test(err.stderr)) {
        throw new SpokesError('UnknownRevision', `short SHA "${sha}" is ambiguous: give more digits`);
      }
      return undefined;
    }
  }

  async #listTree(commit: string, directoriesOnly: boolean): Promise<Tree> {
    const args = lsTreeArgs(this.#treeish(commit), directoriesOnly);
    const output = await this.#settings
      .limit(() => this.#settings.runner.run(this.#init.gitDir, args))
      .catch((err: unknown) => {
        if (this.#init.root !== undefined && err instanceof GitCommandError) {
          throw new SpokesError(
            'FileNotFound',
            `folder "${this.#init.root}" (the --repo root) is not in this commit`,
          );
        }
        throw err;
      });
    return new Tree(parseLsTree(output));
  }

  /** The commit, or its root folder's tree when the repository is rooted in a folder. */
  #treeish(commit: string): string {
    return this.#init.root === undefined ? commit : `${commit}:${this.#init.root}`;
  }

  #remember(key: string, tree: Promise<Tree>): void {
    this.#trees.set(key, tree);
    tree.catch(() => this.#trees.get(key) === tree && this.#trees.delete(key));
    while (this.#trees.size > TREE_CACHE_SIZE) this.#trees.delete(this.#trees.keys().next().value!);
  }

  async #readLink(entry: TreeEntry): Promise<string> {
    const object = await this.#reader_().read(entry.oid, MAX_SYMLINK_BYTES);
    if (object === undefined || 'tooLarge' in object) {
      throw new SpokesError('FileNotFound', `symlink "${entry.path}" has no readable target`);
    }
    return object.data.toString('utf8');
  }

  #reader_(): ObjectReader {
    this.#reader ??= new ObjectReader({
      gitDir: this.#init.gitDir,
      binary: this.#settings.runner.binary,
      env: this.#settings.runner.env,
    });
    return this.#reader;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
}
