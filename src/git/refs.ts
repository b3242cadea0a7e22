/**
 * A repository's refs (`git show-ref --head --dereference`), and how a revision names one:
 * HEAD, a branch, a tag (annotated tags peeled to their commit) or a full ref name. SHAs are left
 * to git (see repo.ts), since a short SHA needs the object database.
 */

/** Ref name → the commit it points to (tags peeled). */
export type Refs = ReadonlyMap<string, string>;

export const SHOW_REFS_ARGS = ['show-ref', '--head', '--dereference'];

export function parseRefs(output: string): Refs {
  const refs = new Map<string, string>();
  for (const line of output.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const oid = line.slice(0, space);
    const name = line.slice(space + 1);
    // "refs/tags/v1^{}" is the commit an annotated tag points to: it replaces the tag object.
    if (name.endsWith('^{}')) refs.set(name.slice(0, -3), oid);
    else if (!refs.has(name)) refs.set(name, oid);
  }
  return refs;
}

/**
 * The commit a symbolic revision names, or undefined. `head` is the ref that stands for the
 * remote's HEAD. A branch wins over a tag of the same name, as in Argo CD.
 */
export function resolveRef(refs: Refs, revision: string, head: string): string | undefined {
  if (revision === '' || revision === 'HEAD') return refs.get(head);
  return (
    refs.get(`refs/heads/${revision}`) ??
    refs.get(`refs/tags/${revision}`) ??
    (revision.startsWith('refs/') ? refs.get(revision) : undefined)
  );
}

/** Could be a (short) commit SHA. */
export function looksLikeSHA(revision: string): boolean {
  return /^[0-9a-f]{4,64}$/i.test(revision);
}
