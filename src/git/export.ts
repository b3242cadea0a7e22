/**
 * A commit's files written out to a folder, for tools that need a working tree (kustomize, helm).
 * The tree goes through `git archive` into a scratch tarball and is unpacked there, so neither the
 * mirror nor a `--repo` repository's own index or work tree is touched. Symlinks that point outside the
 * exported tree are refused (as Argo CD refuses them), so a tool can never be led out of it.
 */
import { mkdir, mkdtemp, readdir, readlink, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SpokesError } from '../errors.ts';
import type { GitRunner } from './runner.ts';

const exec = promisify(execFile);

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

async function realOrNull(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
}

/** Throws PathOutsideRepo for the first symlink under `root` whose target leaves it. */
export async function checkSymlinks(root: string): Promise<void> {
  const realRoot = await realpath(root);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isSymbolicLink()) continue;
    const link = join(entry.parentPath, entry.name);
    const target = resolve(dirname(link), await readlink(link));
    const real = await realOrNull(link);
    if (!inside(root, target) || (real !== null && !inside(realRoot, real))) {
      throw new SpokesError(
        'PathOutsideRepo',
        `symlink "${relative(root, link)}" points outside the repository`,
      );
    }
  }
}

/** Writes the tree of `treeish` (a commit, or `commit:folder`) into `dest` (created if missing). */
export async function exportCommit(
  runner: GitRunner,
  gitDir: string,
  treeish: string,
  dest: string,
): Promise<void> {
  await mkdir(dest, { recursive: true });
  const scratch = await mkdtemp(join(tmpdir(), 'spokes-archive-'));
  const archive = join(scratch, 'tree.tar');
  try {
    await runner.run(gitDir, ['archive', '--format=tar', `--output=${archive}`, treeish]);
    await exec('tar', ['-x', '-f', archive, '-C', dest]);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  await checkSymlinks(dest);
}
