/**
 * Real git repositories for tests, built in temp dirs with `git fast-import` (fast even for 100k
 * files): one branch per tree, the first branch checked out, optional tags, and symlinks either
 * inline or from a folder's `.symlinks.yaml` (`link: target` pairs). Commits are deterministic.
 */
import { execFile, spawn } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';

const exec = promisify(execFile);

/** A file's content, a symlink (`{ symlink: target }`) or an executable file. */
export type FileSpec =
  string | Buffer | { readonly symlink: string } | { readonly executable: string | Buffer };

/** A folder to commit (its `.symlinks.yaml` applied), or the files inline: path → content. */
export type TreeSpec = string | Readonly<Record<string, FileSpec>>;

export interface GitRepoOptions {
  /** branch → tree; the first branch is checked out. */
  readonly branches: Readonly<Record<string, TreeSpec>>;
  /** tag → branch it points at; `annotated` makes an annotated tag. */
  readonly tags?: Readonly<Record<string, string | { readonly branch: string; readonly annotated: boolean }>>;
  /** Create the repository here instead of a new temp dir. */
  readonly dir?: string;
  /** Check the first branch out into the work tree (default true). */
  readonly checkout?: boolean;
  /** Create a bare repository (no work tree). */
  readonly bare?: boolean;
}

export interface GitRepo {
  readonly path: string;
  /** The commit SHA a branch or tag points to. */
  revParse(revision: string): Promise<string>;
  /** Adds a commit on `branch` changing `files` (null deletes a path); returns its SHA. */
  commit(branch: string, files: Readonly<Record<string, FileSpec | null>>): Promise<string>;
  cleanup(): Promise<void>;
}

const SYMLINKS_FILE = '.symlinks.yaml';
let clock = 1_700_000_000;

export async function createGitRepo(options: GitRepoOptions): Promise<GitRepo> {
  const path = options.dir ?? (await mkdtemp(join(tmpdir(), 'spokes-git-')));
  await mkdir(path, { recursive: true });
  const branches = Object.entries(options.branches);
  const first = branches[0]?.[0] ?? 'main';
  await git(path, ['init', '--quiet', ...(options.bare ? ['--bare'] : []), '--initial-branch', first, '.']);
  const chunks: Buffer[] = [];
  for (const [branch, tree] of branches) {
    chunks.push(commitHeader(branch, `${branch} tree`), ...fileCommands(await filesOf(tree)));
  }
  for (const [tag, target] of Object.entries(options.tags ?? {})) chunks.push(tagCommands(tag, target));
  await fastImport(path, Buffer.concat(chunks));
  if (!options.bare && options.checkout !== false && branches.length > 0) {
    await git(path, ['reset', '--quiet', '--hard', first]);
  }
  return repoHandle(path);
}

/** Builds one repository per entry of a conformance case's `repos.yaml`; returns repoURL → path. */
export async function createCaseRepos(caseDir: string, dir: string): Promise<Map<string, string>> {
  const spec = parseYaml(await readFile(join(caseDir, 'repos.yaml'), 'utf8')) as Record<
    string,
    string | Record<string, string>
  >;
  const out = new Map<string, string>();
  let i = 0;
  for (const [url, trees] of Object.entries(spec)) {
    const byBranch = typeof trees === 'string' ? { main: trees } : trees;
    const branches = Object.fromEntries(
      Object.entries(byBranch).map(([branch, folder]) => [branch, join(caseDir, 'repos', folder)]),
    );
    const repoDir = join(dir, `repo-${i++}`);
    out.set(url, (await createGitRepo({ branches, dir: repoDir })).path);
  }
  return out;
}

function repoHandle(path: string): GitRepo {
  return {
    path,
    revParse: async (revision) => (await git(path, ['rev-parse', '--verify', `${revision}^{commit}`])).trim(),
    async commit(branch, files) {
      const parent = (await git(path, ['rev-parse', '--verify', `refs/heads/${branch}`])).trim();
      const commands: Buffer[] = [commitHeader(branch, 'change', parent)];
      for (const [file, spec] of Object.entries(files)) {
        commands.push(spec === null ? Buffer.from(`D ${file}\n`) : fileCommand(file, spec));
      }
      await fastImport(path, Buffer.concat(commands));
      return (await git(path, ['rev-parse', `refs/heads/${branch}`])).trim();
    },
    cleanup: () => rm(path, { recursive: true, force: true }),
  };
}

function commitHeader(branch: string, message: string, parent?: string): Buffer {
  const when = clock++;
  const from = parent === undefined ? '' : `from ${parent}\n`;
  return Buffer.from(
    `commit refs/heads/${branch}\ncommitter Spokes Test <test@spokes.invalid> ${when} +0000\n` +
      `data ${Buffer.byteLength(message)}\n${message}\n${from}`,
  );
}

function tagCommands(tag: string, target: string | { branch: string; annotated: boolean }): Buffer {
  const { branch, annotated } = typeof target === 'string' ? { branch: target, annotated: false } : target;
  if (!annotated) return Buffer.from(`reset refs/tags/${tag}\nfrom refs/heads/${branch}\n\n`);
  const message = `tag ${tag}`;
  return Buffer.from(
    `tag ${tag}\nfrom refs/heads/${branch}\ntagger Spokes Test <test@spokes.invalid> ${clock++} +0000\n` +
      `data ${Buffer.byteLength(message)}\n${message}\n`,
  );
}

function fileCommands(files: ReadonlyMap<string, FileSpec>): Buffer[] {
  return [...files].map(([path, spec]) => fileCommand(path, spec));
}

function fileCommand(path: string, spec: FileSpec): Buffer {
  const [mode, content] =
    typeof spec === 'string' || Buffer.isBuffer(spec)
      ? ['100644', Buffer.from(spec)]
      : 'symlink' in spec
        ? ['120000', Buffer.from(spec.symlink)]
        : ['100755', Buffer.from(spec.executable)];
  return Buffer.concat([
    Buffer.from(`M ${mode} inline ${quotePath(path)}\ndata ${content.length}\n`),
    content,
    Buffer.from('\n'),
  ]);
}

/** fast-import takes a path as is unless it starts with a quote or holds a newline. */
function quotePath(path: string): string {
  return path.startsWith('"') || path.includes('\n') ? JSON.stringify(path) : path;
}

async function filesOf(tree: TreeSpec): Promise<Map<string, FileSpec>> {
  if (typeof tree !== 'string') return new Map(Object.entries(tree));
  const files = new Map<string, FileSpec>();
  await walk(tree, tree, files);
  const links = await readFile(join(tree, SYMLINKS_FILE), 'utf8').catch(() => undefined);
  if (links !== undefined) {
    for (const [link, target] of Object.entries(parseYaml(links) as Record<string, string>)) {
      files.set(link, { symlink: target });
    }
  }
  return files;
}

async function walk(root: string, dir: string, files: Map<string, FileSpec>): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const path = relative(root, full);
    if (path === SYMLINKS_FILE) continue;
    if (entry.isDirectory()) await walk(root, full, files);
    else if (entry.isSymbolicLink()) files.set(path, { symlink: await readlink(full) });
    else if (((await lstat(full)).mode & 0o111) !== 0) {
      files.set(path, { executable: await readFile(full) });
    } else files.set(path, await readFile(full));
  }
}

function fastImport(path: string, stream: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet', '--force'], {
      cwd: path,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`git fast-import failed (${code}): ${stderr}`)),
    );
    child.stdin.end(stream);
  });
}

async function git(cwd: string, args: readonly string[]): Promise<string> {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1' };
  return (await exec('git', [...args], { cwd, env, maxBuffer: 256 * 1024 * 1024 })).stdout;
}
