/**
 * `$ref/path` Helm value files: a multi-source Application's source with `ref: name` lends its
 * repository's files to the Helm sources, which name them `$name/path/values.yaml`. Files are
 * read from git objects at the ref source's revision (no checkout) and written into the render's
 * scratch folder; paths may not leave the repository. The errors are Argo CD's.
 */
import { writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { ApplicationSource } from '../api/application.ts';
import { SpokesError } from '../errors.ts';
import type { RepoRevision, RepoSource } from '../git/types.ts';
import { normalizeRepoURL } from '../git/url.ts';

/** Ref sources by variable: `$values` → its source. */
export type RefSources = ReadonlyMap<string, ApplicationSource>;

/** The ref sources of an Application's `spec.sources`, keyed `$name`. */
export function refSourcesOf(sources: readonly ApplicationSource[]): Map<string, ApplicationSource> {
  const refs = new Map<string, ApplicationSource>();
  for (const source of sources) if (source.ref) refs.set(`$${source.ref}`, source);
  return refs;
}

/** `$values/envs/prod.yaml` → `$values`; '' for a file that names no ref. */
export function refVariable(file: string): string {
  if (!file.startsWith('$')) return '';
  const slash = file.indexOf('/');
  return slash < 0 ? file : file.slice(0, slash);
}

/** The ref source a `$ref/...` file names, or Argo CD's error for a bad reference. */
export function refSourceFor(file: string, refs: RefSources): ApplicationSource {
  const variable = refVariable(file);
  const source = refs.get(variable);
  if (source === undefined) {
    if (refs.size === 0) {
      throw new SpokesError(
        'InvalidSpec',
        `source referenced "${variable}", but no source has a 'ref' field defined`,
      );
    }
    const names = [...refs.keys()].sort().join(', ');
    throw new SpokesError(
      'InvalidSpec',
      `source referenced "${variable}", which is not one of the available sources (${names})`,
    );
  }
  if (source.chart) {
    throw new SpokesError(
      'InvalidSpec',
      "source has a 'chart' field defined, but Helm charts are not yet not supported for 'ref' sources",
    );
  }
  return source;
}

/** Resolves every ref source the files name, once each. */
export class RefResolver {
  readonly #repos: RepoSource;
  readonly #refs: RefSources;
  readonly #resolved = new Map<string, Promise<RepoRevision>>();

  constructor(repos: RepoSource, refs: RefSources) {
    this.#repos = repos;
    this.#refs = refs;
  }

  /** The commit a ref source's revision resolves to. */
  revisionOf(variable: string): Promise<RepoRevision> {
    let at = this.#resolved.get(variable);
    if (at === undefined) {
      const source = refSourceFor(`${variable}/`, this.#refs);
      at = this.#repos.resolve(source.repoURL, source.targetRevision || 'HEAD');
      this.#resolved.set(variable, at);
    }
    return at;
  }

  /** The commits of the refs `files` name, as `$name=commit` (for cache keys); validates them. */
  async commitsFor(files: readonly string[]): Promise<string[]> {
    const variables = [...new Set(files.map(refVariable).filter((v) => v !== ''))].sort();
    for (const v of variables) refSourceFor(`${v}/`, this.#refs);
    return Promise.all(variables.map(async (v) => `${v}=${(await this.revisionOf(v)).commit}`));
  }

  /**
   * Refuses a ref to the repository a git Helm source renders from at another commit, as Argo CD
   * does (one repository is checked out at one revision).
   */
  async checkSameRepository(files: readonly string[], source: RepoRevision): Promise<void> {
    for (const v of new Set(files.map(refVariable).filter((x) => x !== ''))) {
      const ref = refSourceFor(`${v}/`, this.#refs);
      if (normalizeRepoURL(ref.repoURL) !== normalizeRepoURL(source.repoURL)) continue;
      const at = await this.revisionOf(v);
      if (at.commit !== source.commit) {
        throw new SpokesError(
          'InvalidSpec',
          `cannot reference a different revision of the same repository (${v} references "${ref.targetRevision ?? ''}" which resolves to "${at.commit}" while the application references "${source.revision}" which resolves to "${source.commit}")`,
        );
      }
    }
  }

  /**
   * Writes the file a `$ref/path` names into `scratch` and returns its path there; undefined when
   * the repository has no such file.
   */
  async materialize(file: string, scratch: string, index: number): Promise<string | undefined> {
    const variable = refVariable(file);
    const at = await this.revisionOf(variable);
    const inRepo = posix.normalize(file.slice(variable.length + 1));
    if (inRepo === '..' || inRepo.startsWith('../') || posix.isAbsolute(inRepo)) {
      throw new SpokesError(
        'PathOutsideRepo',
        `helm value file "${file}" is outside the repository of ${variable}`,
      );
    }
    let bytes: Buffer;
    try {
      bytes = await this.#repos.readFile(at, inRepo);
    } catch (err) {
      if (err instanceof SpokesError && err.code === 'FileNotFound') return undefined;
      throw err;
    }
    const path = join(scratch, `ref-${index}-${posix.basename(inRepo)}`);
    await writeFile(path, bytes);
    return path;
  }
}
