/**
 * Typed errors with a stable `code`, a location `path` and a chained `cause`.
 *
 * The path reads outside-in, e.g. `["ApplicationSet argocd/my-set", "spec.generators[1].git", "files[0]"]`,
 * and is printed joined by " › " in front of the detail. Tests assert the code; messages stay short.
 */
export type ErrorCode =
  | 'InvalidYaml'
  | 'InvalidSpec'
  | 'UnknownGenerator'
  | 'GeneratorFailed'
  | 'NotAString'
  | 'MatrixChildren'
  | 'MatrixConflict'
  | 'MergeChildren'
  | 'MergeNoKeys'
  | 'MergeNotUnique'
  | 'InvalidSelector'
  | 'TemplateParse'
  | 'TemplateExec'
  | 'TemplatePatch'
  | 'DuplicateName'
  | 'InvalidCluster'
  | 'RepoNotFound'
  | 'RepoUnreachable'
  | 'UnknownRevision'
  | 'PathOutsideRepo'
  | 'FileNotFound'
  | 'FileTooLarge'
  | 'FileParse'
  | 'InvalidManifest'
  | 'RenderFailed'
  | 'ToolNotFound'
  | 'Usage'
  | 'Io'
  | 'ClusterNotFound'
  | 'ClusterExists'
  | 'InvalidLabel'
  | 'ClusterUnreachable'
  | 'Timeout'
  | 'SourceUnavailable'
  | 'NotSupported'
  | 'ObjectNotFound'
  | 'ScmRequestFailed'
  | 'ScmNotFound'
  | 'RateLimited'
  | 'PluginFailed'
  | 'ResponseTooLarge'
  | 'ChartNotFound'
  | 'VersionNotFound'
  | 'Unauthorized'
  | 'ShardFenced';

export interface SpokesErrorOptions {
  readonly path?: readonly string[];
  readonly cause?: unknown;
}

export class SpokesError extends Error {
  override readonly name = 'SpokesError';
  readonly code: ErrorCode;
  readonly path: readonly string[];
  /** The message without the path, as first raised. */
  readonly detail: string;

  constructor(code: ErrorCode, detail: string, options: SpokesErrorOptions = {}) {
    const path = options.path ?? [];
    super(formatMessage(path, detail), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = path;
    this.detail = detail;
  }

  /** The same error, located one level further out (`outer` is prepended to the path). */
  at(...outer: readonly string[]): SpokesError {
    return new SpokesError(this.code, this.detail, { path: [...outer, ...this.path], cause: this.cause });
  }
}

function formatMessage(path: readonly string[], detail: string): string {
  return path.length === 0 ? detail : `${path.join(' › ')}: ${detail}`;
}

/** Locates any thrown value under `outer`; non-Spokes errors become `fallback`-coded errors. */
export function locate(err: unknown, fallback: ErrorCode, ...outer: readonly string[]): SpokesError {
  if (err instanceof SpokesError) return err.at(...outer);
  const detail = err instanceof Error ? err.message : String(err);
  return new SpokesError(fallback, detail, { path: outer, cause: err });
}
