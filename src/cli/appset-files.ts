/**
 * The ApplicationSets a command line names: files, or folders searched recursively for `.yaml` /
 * `.yml` files (in code-point order of their paths, hidden folders left out), every document read.
 * Documents of other kinds are skipped and counted by kind (an AppProject or an Application next
 * to the ApplicationSets is normal in an app-of-apps folder); a file or document that cannot be read
 * is a failure of its own, so one bad file never hides the others.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseApplicationSet, type ApplicationSet } from '../api/applicationset.ts';
import { locate, SpokesError } from '../errors.ts';
import { isPlainObject } from '../params.ts';
import { parseYamlDocuments } from '../yaml.ts';

const YAML_FILE = /\.ya?ml$/;

export interface AppSetFile {
  readonly appSet: ApplicationSet;
  readonly file: string;
}

export interface LoadedAppSets {
  readonly appSets: AppSetFile[];
  /** Documents that are not ApplicationSets, counted by kind (`(no kind)` when they have none). */
  readonly skipped: Map<string, number>;
  /** One per file or document that could not be read as an ApplicationSet. */
  readonly failures: SpokesError[];
}

/** Why a path cannot be read, in words (never a raw ENOENT / EISDIR / EACCES). */
function unreadable(path: string, err: unknown): SpokesError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'ENOTDIR'
          ? 'not a directory'
          : (err as Error).message;
  return new SpokesError('Io', `cannot read: ${why}`, { path: [path] });
}

/** The YAML files below `dir`, recursively, sorted; hidden folders (`.git`) left out. */
async function yamlFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && YAML_FILE.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter(
      (path) =>
        !path
          .slice(dir.length)
          .split('/')
          .some((seg) => seg.startsWith('.') && seg !== '.'),
    )
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Each path as the files to read: a file itself, a folder's YAML files; unreadable paths as failures. */
export async function expandPaths(
  paths: readonly string[],
): Promise<{ files: string[]; failures: SpokesError[] }> {
  const files: string[] = [];
  const failures: SpokesError[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (!info.isDirectory()) files.push(path);
      else files.push(...(await yamlFilesIn(path)));
    } catch (err) {
      failures.push(unreadable(path, err));
    }
  }
  return { files, failures };
}

/** The ApplicationSets of one file's text, the kinds it skipped, and its failures. */
export function appSetsInFile(text: string, file: string, into: LoadedAppSets): void {
  let docs: unknown[];
  try {
    docs = parseYamlDocuments(text, file);
  } catch (err) {
    into.failures.push(err instanceof SpokesError ? err : locate(err, 'InvalidYaml', file));
    return;
  }
  for (const doc of docs) {
    const kind = isPlainObject(doc) && typeof doc.kind === 'string' ? doc.kind : '(no kind)';
    if (kind !== 'ApplicationSet') {
      into.skipped.set(kind, (into.skipped.get(kind) ?? 0) + 1);
      continue;
    }
    try {
      into.appSets.push({ appSet: parseApplicationSet(doc, file), file });
    } catch (err) {
      into.failures.push(err instanceof SpokesError ? err : locate(err, 'InvalidSpec', file));
    }
  }
}

/** Every ApplicationSet in the paths, in path order, with what was skipped and what failed. */
export async function loadAppSets(paths: readonly string[]): Promise<LoadedAppSets> {
  const { files, failures } = await expandPaths(paths);
  const loaded: LoadedAppSets = { appSets: [], skipped: new Map(), failures };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      loaded.failures.push(unreadable(file, err));
      continue;
    }
    appSetsInFile(text, file, loaded);
  }
  return loaded;
}

/** One stderr note per skipped kind. */
export function skippedNotes(command: string, skipped: ReadonlyMap<string, number>): string {
  return [...skipped]
    .map(
      ([kind, n]) =>
        `spokes ${command}: note: skipped ${n} ${kind} document${n === 1 ? '' : 's'} (not an ApplicationSet)\n`,
    )
    .join('');
}
