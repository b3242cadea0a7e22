/**
 * The repository's own files at one side of a diff, read from git objects through the RepoSource
 * (never a checkout): the ApplicationSets in the YAML files under the given paths, and the cluster
 * Secrets of a folder. A YAML file that holds no ApplicationSet is skipped without being parsed
 * (Helm templates are not YAML); one that mentions `kind: ApplicationSet` must parse.
 */
import { parseApplicationSet, type ApplicationSet } from '../api/applicationset.ts';
import { secretsInYaml, sortSecrets, type SecretFromFile } from '../clusters/file-source.ts';
import { SpokesError } from '../errors.ts';
import type { RepoRevision, RepoSource, TreeEntry } from '../git/types.ts';
import { isPlainObject } from '../params.ts';
import { parseYamlDocuments } from '../yaml.ts';

const YAML_FILE = /\.ya?ml$/i;
const SYMLINK_MODE = '120000';
/** A cheap test before parsing: could this file hold an ApplicationSet? */
const MENTIONS_APPSET = /^\s*kind:\s*["']?ApplicationSet["']?\s*(#.*)?$/m;

/** One ApplicationSet and the file (repository-relative) it came from. */
export interface AppSetFromFile {
  readonly appSet: ApplicationSet;
  readonly file: string;
}

/**
 * A repository path as given on the command line, relative to the root: `''` for the whole
 * repository; `./a/b/` → `a/b`. Paths leaving the repository are a usage error.
 */
export function normalizeRepoPath(path: string): string {
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (path.startsWith('/') || segments.includes('..')) {
    throw new SpokesError('Usage', `path "${path}" must be relative to the repository root, inside it`);
  }
  return segments.join('/');
}

function under(path: string, prefix: string): boolean {
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

/** True when the tree has `path` as a file or folder. */
export function treeHas(tree: readonly TreeEntry[], path: string): boolean {
  return path === '' || tree.some((entry) => under(entry.path, path));
}

/** The YAML files under any of `paths` (normalised), symlinks and submodules left out, sorted. */
export function yamlFilesUnder(tree: readonly TreeEntry[], paths: readonly string[]): string[] {
  return tree
    .filter((e) => e.type === 'blob' && e.mode !== SYMLINK_MODE && YAML_FILE.test(e.path))
    .map((e) => e.path)
    .filter((path) => paths.some((prefix) => under(path, prefix)))
    .sort();
}

/** Every ApplicationSet in the files, in file order then document order. */
export async function readAppSetsAt(
  repos: RepoSource,
  at: RepoRevision,
  files: readonly string[],
): Promise<AppSetFromFile[]> {
  const out: AppSetFromFile[] = [];
  for (const file of files) {
    const text = (await repos.readFile(at, file)).toString('utf8');
    out.push(...appSetsInText(text, file));
  }
  return out;
}

/** The ApplicationSets of one file's text; none when the file never mentions the kind. */
export function appSetsInText(text: string, file: string): AppSetFromFile[] {
  if (!MENTIONS_APPSET.test(text)) return [];
  return parseYamlDocuments(text, file)
    .filter((doc) => isPlainObject(doc) && doc.kind === 'ApplicationSet')
    .map((doc) => ({ appSet: parseApplicationSet(doc, file), file }));
}

/** The Secrets in the YAML files below `dir` at the revision, sorted like the apiserver lists them. */
export async function readSecretsAt(
  repos: RepoSource,
  at: RepoRevision,
  tree: readonly TreeEntry[],
  dir: string,
): Promise<SecretFromFile[]> {
  const out: SecretFromFile[] = [];
  for (const file of yamlFilesUnder(tree, [dir])) {
    out.push(...secretsInYaml((await repos.readFile(at, file)).toString('utf8'), file));
  }
  return sortSecrets(out);
}
