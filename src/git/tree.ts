/**
 * A commit's tree, listed once with `git ls-tree -r -t -z` and indexed by path: what the
 * generators match globs against and what safe path resolution walks.
 */
import type { TreeEntry } from './types.ts';

export class Tree {
  readonly entries: readonly TreeEntry[];
  #byPath: Map<string, TreeEntry> | undefined;

  constructor(entries: readonly TreeEntry[]) {
    this.entries = entries;
  }

  get(path: string): TreeEntry | undefined {
    if (this.#byPath === undefined) {
      this.#byPath = new Map();
      for (const entry of this.entries) this.#byPath.set(entry.path, entry);
    }
    return this.#byPath.get(path);
  }
}

/** `ls-tree -r -t -z` arguments for a commit or tree (`-d`: trees only). */
export function lsTreeArgs(treeish: string, directoriesOnly: boolean): string[] {
  return ['ls-tree', '-r', directoriesOnly ? '-d' : '-t', '-z', '--full-tree', treeish];
}

/** Parses `<mode> SP <type> SP <oid> TAB <path> NUL` records. */
export function parseLsTree(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let start = 0;
  while (start < output.length) {
    let end = output.indexOf('\0', start);
    if (end < 0) end = output.length;
    const tab = output.indexOf('\t', start);
    if (tab < 0 || tab > end) throw new Error(`unexpected ls-tree output: ${output.slice(start, end)}`);
    const firstSpace = output.indexOf(' ', start);
    const secondSpace = output.indexOf(' ', firstSpace + 1);
    entries.push({
      mode: output.slice(start, firstSpace),
      type: output.slice(firstSpace + 1, secondSpace) as TreeEntry['type'],
      oid: output.slice(secondSpace + 1, tab),
      path: output.slice(tab + 1, end),
    });
    start = end + 1;
  }
  return entries;
}

export const SYMLINK_MODE = '120000';
