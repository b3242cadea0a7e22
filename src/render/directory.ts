/**
 * A plain directory source, read straight from git objects (no checkout): the manifest files
 * (`.yaml`, `.yml`, `.json`) directly under the application's path, or under it at any depth with
 * `directory.recurse`, filtered by the `include` / `exclude` globs (matched against the path
 * relative to the application's directory), in the order Argo CD's directory walk visits them.
 * Files marking themselves `+argocd:skip-file-rendering` are left out; symlinks inside the
 * repository are followed, dangling ones skipped, ones leaving it refused.
 */
import type { KubeObject } from '../kube/types.ts';
import type { RepoRevision, RepoSource, TreeEntry } from '../git/types.ts';
import { SpokesError } from '../errors.ts';
import { compileGlob, type Matcher } from './glob.ts';
import { parseManifestFile } from './manifests.ts';

export interface DirectoryOptions {
  readonly recurse?: boolean;
  readonly include?: string;
  readonly exclude?: string;
}

const MANIFEST_FILE = /\.(yaml|yml|json|jsonnet)$/;
const SKIP_MARKER = '+argocd:skip-file-rendering';

/** The application path as a tree prefix: '' for the repository root. */
export function normalizeAppPath(path: string | undefined): string {
  const segments = (path ?? '').split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..'))
    throw new SpokesError('PathOutsideRepo', `path "${path}" leaves the repository`);
  return segments.join('/');
}

/** Argo's walk order: names compared segment by segment, so a directory's files follow its name. */
function walkOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

interface Filter {
  readonly prefix: string;
  readonly recurse: boolean;
  readonly include?: Matcher;
  readonly exclude?: Matcher;
}

/** The path relative to the app directory when the entry is a candidate manifest, else undefined. */
function candidate(entry: TreeEntry, filter: Filter): string | undefined {
  if (entry.type !== 'blob') return undefined;
  if (filter.prefix !== '' && !entry.path.startsWith(`${filter.prefix}/`)) return undefined;
  const rel = filter.prefix === '' ? entry.path : entry.path.slice(filter.prefix.length + 1);
  if (!filter.recurse && rel.includes('/')) return undefined;
  if (!MANIFEST_FILE.test(rel.slice(rel.lastIndexOf('/') + 1))) return undefined;
  if (filter.exclude?.(rel) === true) return undefined;
  if (filter.include !== undefined && !filter.include(rel)) return undefined;
  return rel;
}

async function readCandidate(
  repo: RepoSource,
  at: RepoRevision,
  entry: TreeEntry,
): Promise<string | undefined> {
  try {
    return (await repo.readFile(at, entry.path)).toString('utf8');
  } catch (err) {
    // A dangling symlink is skipped, as Argo CD does; any other failure is the render's.
    if (entry.mode === '120000' && err instanceof SpokesError && err.code === 'FileNotFound')
      return undefined;
    throw err;
  }
}

function filterFor(path: string | undefined, options: DirectoryOptions): Filter {
  const filter: Filter = { prefix: normalizeAppPath(path), recurse: options.recurse === true };
  const include = options.include ?? '';
  const exclude = options.exclude ?? '';
  return {
    ...filter,
    ...(include === '' ? {} : { include: compileGlob(include) }),
    ...(exclude === '' ? {} : { exclude: compileGlob(exclude) }),
  };
}

/** Every object of the plain directory `path` at the resolved revision. */
export async function renderDirectory(
  repo: RepoSource,
  at: RepoRevision,
  path: string | undefined,
  options: DirectoryOptions = {},
): Promise<KubeObject[]> {
  const filter = filterFor(path, options);
  const tree = await repo.listTree(at);
  if (filter.prefix !== '' && !tree.some((e) => e.type === 'tree' && e.path === filter.prefix)) {
    throw new SpokesError('FileNotFound', `path "${filter.prefix}" does not exist in the repository`);
  }
  const files = tree
    .filter((e) => candidate(e, filter) !== undefined)
    .sort((a, b) => walkOrder(a.path, b.path));
  const jsonnet = files.find((e) => e.path.endsWith('.jsonnet'));
  if (jsonnet !== undefined) {
    // Argo CD evaluates Jsonnet files here; Spokes does not, and says so rather than skip them.
    throw new SpokesError(
      'NotSupported',
      `${jsonnet.path}: Jsonnet is not rendered by Spokes (render it to YAML in git, or exclude it with directory.exclude)`,
    );
  }
  const texts = await Promise.all(files.map((entry) => readCandidate(repo, at, entry)));
  const objects: KubeObject[] = [];
  files.forEach((entry, i) => {
    const text = texts[i];
    if (text === undefined || text.includes(SKIP_MARKER)) return;
    objects.push(...parseManifestFile(text, entry.path));
  });
  return objects;
}
