/**
 * The git generator: param sets from a repository at one revision.
 * - `directories`: every directory (not the root, not hidden ones) matching an include glob and no
 *   `exclude: true` glob; globs are Go path.Match patterns (`*` stays inside one segment).
 * - `files`: every file matching an include pattern and no exclude pattern, parsed as YAML/JSON;
 *   patterns are git pathspecs by default (`*` crosses `/`, like Argo CD's `git ls-files`), or
 *   strict doublestar globs with `fileGlobbing: 'strict'` (Argo CD's opt-in new globbing).
 * All reads go through `ctx.repos`, so symlinks and paths leaving the repository are refused
 * there. Any error fails the whole generator: it never returns a partial result.
 */
import { z } from 'zod';
import { SpokesError } from '../src/errors.ts';
import { compileDoublestar } from '../src/git/glob/doublestar.ts';
import { BadPatternError, compileGoPathPattern, type PathMatcher } from '../src/git/glob/go-path.ts';
import { compilePathspec } from '../src/git/glob/pathspec.ts';
import { describeRevision, type RepoRevision } from '../src/git/index.ts';
import type { Params } from '../src/params.ts';
import { directoryParams, fileParams, parseParamsFile, type PathParamOptions } from './git-params.ts';
import type { Generator, GeneratorContext } from './types.ts';
import { withValues } from './values.ts';

const itemSchema = z.strictObject({
  path: z.string(),
  exclude: z.boolean().nullish(),
});

const gitSpecSchema = z.strictObject({
  repoURL: z.string().min(1),
  /** Branch, tag, SHA or HEAD; empty means HEAD. */
  revision: z.string().nullish(),
  directories: z.array(itemSchema).nullish(),
  files: z.array(itemSchema).nullish(),
  pathParamPrefix: z.string().nullish(),
  values: z.record(z.string(), z.string()).nullish(),
  requeueAfterSeconds: z.number().int().min(0).nullish(),
});

export type GitSpec = z.infer<typeof gitSpecSchema>;
type Item = z.infer<typeof itemSchema>;

export interface GitGeneratorOptions {
  /** `git` (default): Argo CD's `git ls-files` pathspecs; `strict`: doublestar globs. */
  readonly fileGlobbing?: 'git' | 'strict';
  /** List directories whose name starts with `.` (Argo CD's repo-server option; default false). */
  readonly includeHiddenDirectories?: boolean;
}

export function createGitGenerator(options: GitGeneratorOptions = {}): Generator<GitSpec> {
  const compileFileGlob = options.fileGlobbing === 'strict' ? compileDoublestar : compilePathspec;
  return {
    name: 'git',
    schema: gitSpecSchema,
    async generate(spec, ctx) {
      const directories = spec.directories ?? [];
      const files = spec.files ?? [];
      if (directories.length > 0 && files.length > 0) {
        throw new SpokesError('InvalidSpec', 'set either directories or files, not both');
      }
      if (directories.length === 0 && files.length === 0) {
        throw new SpokesError('InvalidSpec', 'one of directories or files is required');
      }
      const pathOptions = {
        goTemplate: ctx.renderer.mode.goTemplate,
        prefix: spec.pathParamPrefix ?? '',
      };
      const at = await ctx.repos.resolve(spec.repoURL, spec.revision || 'HEAD');
      const params =
        directories.length > 0
          ? await directoryParamSets(at, ctx, { items: directories, pathOptions, options })
          : await fileParamSets(at, ctx, { items: files, pathOptions, compile: compileFileGlob });
      return params.map((p) => withValues(p, spec.values, ctx.renderer));
    },
    requeueAfterSeconds(spec, pollSeconds) {
      const seconds = spec.requeueAfterSeconds ?? pollSeconds;
      return seconds > 0 ? seconds : undefined;
    },
  };
}

export const gitGenerator: Generator<GitSpec> = createGitGenerator();

interface DirectoryJob {
  readonly items: readonly Item[];
  readonly pathOptions: PathParamOptions;
  readonly options: GitGeneratorOptions;
}

async function directoryParamSets(
  at: RepoRevision,
  ctx: GeneratorContext,
  job: DirectoryJob,
): Promise<Params[]> {
  const filter = itemFilter(job.items, 'directories', compileGoPathPattern);
  const entries = await ctx.repos.listTree(at, { directoriesOnly: true });
  const hidden = job.options.includeHiddenDirectories ? () => false : isHidden;
  const dirs = entries
    .filter((entry) => entry.type === 'tree' && !hidden(entry.path))
    .map((entry) => entry.path)
    .sort(compareWalkOrder);
  return dirs.filter(filter).map((dir) => directoryParams(dir, job.pathOptions));
}

interface FileJob {
  readonly items: readonly Item[];
  readonly pathOptions: PathParamOptions;
  readonly compile: (pattern: string) => PathMatcher;
}

async function fileParamSets(at: RepoRevision, ctx: GeneratorContext, job: FileJob): Promise<Params[]> {
  const filter = itemFilter(job.items, 'files', job.compile);
  const entries = await ctx.repos.listTree(at);
  const files = entries
    .filter((entry) => entry.type !== 'tree' && filter(entry.path))
    .map((entry) => entry.path)
    .sort(compareBytes);
  const contents = await Promise.all(files.map((file) => ctx.repos.readFile(at, file)));
  return files.flatMap((file, i) => {
    const where = `${describeRevision(at)}: "${file}"`;
    return fileParams(file, parseParamsFile(contents[i]!.toString('utf8'), where), job.pathOptions);
  });
}

/** A path passes when it matches an include item and no `exclude: true` item. */
function itemFilter(
  items: readonly Item[],
  field: string,
  compile: (pattern: string) => PathMatcher,
): PathMatcher {
  const compiled = items.map((item, i) => {
    try {
      return { exclude: item.exclude === true, match: compile(item.path) };
    } catch (err) {
      if (!(err instanceof BadPatternError)) throw err;
      throw new SpokesError('InvalidSpec', `${field}[${i}].path: ${err.message}`);
    }
  });
  const include = compiled.filter((c) => !c.exclude).map((c) => c.match);
  const exclude = compiled.filter((c) => c.exclude).map((c) => c.match);
  return (path) => include.some((match) => match(path)) && !exclude.some((match) => match(path));
}

/** Argo CD's repo-server skips directories named `.something` and everything below them. */
function isHidden(path: string): boolean {
  return path.startsWith('.') || path.includes('/.');
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** The order of a depth-first walk with entries sorted by name (Go's filepath.WalkDir). */
function compareWalkOrder(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const order = compareBytes(as[i]!, bs[i]!);
    if (order !== 0) return order;
  }
  return as.length - bs.length;
}

/** Go's string order: by UTF-8 bytes, which is code point order (UTF-16 order but for surrogates). */
function compareBytes(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const diff = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
}
