/**
 * Resolves a path inside a commit's tree the way a checkout would, following symlinks, but never
 * leaving the repository: `..` above the root, absolute paths and symlinks whose target resolves
 * outside the tree are refused. Everything happens in the git object tree; no file system is read.
 */
import type { Tree } from './tree.ts';
import { SYMLINK_MODE } from './tree.ts';
import type { TreeEntry } from './types.ts';

/** Like Linux's MAXSYMLINKS. */
const MAX_SYMLINK_HOPS = 40;

export type Resolved =
  | { readonly ok: true; readonly entry: TreeEntry }
  | { readonly ok: false; readonly outside: boolean; readonly reason: string };

/** Reads a symlink entry's target (the blob's text). */
export type ReadLink = (entry: TreeEntry) => Promise<string>;

/**
 * The path's segments after removing `.` and empty segments and applying `..`; undefined when the
 * path is absolute or climbs above the root.
 */
export function splitRepoPath(path: string): string[] | undefined {
  if (path.startsWith('/') || path.includes('\0')) return undefined;
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(segment);
  }
  return out;
}

/** The regular file `path` names, after following symlinks inside the tree. */
export async function resolveFile(tree: Tree, path: string, readLink: ReadLink): Promise<Resolved> {
  const start = splitRepoPath(path);
  if (start === undefined) return outside(`"${path}" is outside the repository`);
  // A regular file listed under exactly this path has no symlink on its way (git stores no
  // entries below a symlink), so there is nothing to follow.
  const direct = tree.get(start.join('/'));
  if (direct?.type === 'blob' && direct.mode !== SYMLINK_MODE) return { ok: true, entry: direct };
  const walk: Walk = { path, todo: [...start], done: [], hops: 0, via: '' };
  while (walk.todo.length > 0) {
    const problem = await step(tree, walk, readLink);
    if (problem !== undefined) return problem;
  }
  const entry = walk.done.length === 0 ? undefined : tree.get(walk.done.join('/'));
  if (entry?.type !== 'blob') return refused(`"${path}" is a directory`);
  return { ok: true, entry };
}

interface Walk {
  readonly path: string;
  /** Segments still to resolve, and those resolved (a real path in the tree, no symlinks). */
  readonly todo: string[];
  readonly done: string[];
  hops: number;
  /** The last symlink followed, for messages. */
  via: string;
}

/** Resolves the next segment; a problem ends the walk. */
async function step(tree: Tree, walk: Walk, readLink: ReadLink): Promise<Resolved | undefined> {
  const segment = walk.todo.shift()!;
  if (segment === '' || segment === '.') return undefined;
  if (segment === '..') {
    if (walk.done.length === 0) return outside(`"${walk.path}" resolves outside the repository${walk.via}`);
    walk.done.pop();
    return undefined;
  }
  const current = [...walk.done, segment].join('/');
  const entry = tree.get(current);
  if (entry === undefined) return refused(`"${current}" does not exist`);
  if (entry.mode === SYMLINK_MODE) return follow(entry, current, walk, readLink);
  if (entry.type === 'commit') return refused(`"${current}" is a submodule`);
  if (entry.type === 'blob' && walk.todo.some((s) => s !== '' && s !== '.')) {
    return refused(`"${current}" is not a directory`);
  }
  walk.done.push(segment);
  return undefined;
}

async function follow(
  entry: TreeEntry,
  current: string,
  walk: Walk,
  readLink: ReadLink,
): Promise<Resolved | undefined> {
  if (++walk.hops > MAX_SYMLINK_HOPS) return refused(`too many levels of symbolic links at "${current}"`);
  const target = await readLink(entry);
  if (target.startsWith('/'))
    return outside(`"${current}" is a symlink to "${target}", outside the repository`);
  walk.via = ` through the symlink "${current}" -> "${target}"`;
  walk.todo.unshift(...target.split('/'));
  return undefined;
}

function outside(reason: string): Resolved {
  return { ok: false, outside: true, reason };
}

function refused(reason: string): Resolved {
  return { ok: false, outside: false, reason };
}
