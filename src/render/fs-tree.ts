/**
 * A folder on disk read through the same interface as a git commit (an extracted OCI artifact),
 * so directory rendering and source-type discovery work on it unchanged. Symlinks are listed as
 * such and followed only while they stay inside the folder.
 */
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { SpokesError } from '../errors.ts';
import type { RepoRevision, RepoSource, TreeEntry } from '../git/types.ts';

async function walk(root: string, dir: string, out: TreeEntry[]): Promise<void> {
  const names = (await readdir(join(root, dir))).sort();
  for (const name of names) {
    const path = dir === '' ? name : `${dir}/${name}`;
    const info = await lstat(join(root, path));
    if (info.isSymbolicLink()) out.push({ path, type: 'blob', mode: '120000', oid: '' });
    else if (info.isDirectory()) {
      out.push({ path, type: 'tree', mode: '040000', oid: '' });
      await walk(root, path, out);
    } else if (info.isFile()) out.push({ path, type: 'blob', mode: '100644', oid: '' });
  }
}

/** A RepoSource over the files under `root`; every revision reads the same files. */
export function folderSource(root: string, maxFileBytes = 64 * 1024 * 1024): RepoSource {
  return {
    resolve: (repoURL, revision) => Promise.resolve({ repoURL, revision, commit: revision }),
    async listTree(_at: RepoRevision): Promise<readonly TreeEntry[]> {
      const out: TreeEntry[] = [];
      await walk(root, '', out);
      return out;
    },
    async readFile(_at: RepoRevision, path: string): Promise<Buffer> {
      let real: string;
      try {
        real = await realpath(join(root, path));
      } catch {
        throw new SpokesError('FileNotFound', `"${path}" does not exist`);
      }
      const rel = relative(await realpath(root), real);
      if (rel.startsWith('..') || rel.startsWith(sep)) {
        throw new SpokesError('PathOutsideRepo', `"${path}" leaves the artifact`);
      }
      const info = await lstat(real);
      if (info.size > maxFileBytes)
        throw new SpokesError('FileTooLarge', `"${path}" is larger than ${maxFileBytes} bytes`);
      return readFile(real);
    },
  };
}
