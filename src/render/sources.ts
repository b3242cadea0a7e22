/**
 * All of an Application's sources rendered as Argo CD combines them: `spec.sources` in order (else
 * `spec.source`), each source's objects appended; a source that only lends its files to others
 * (`ref` without `path` or `chart`) renders nothing but still reports its revision. The result
 * carries one revision per source, in order, as `status.sync.revisions` lists them.
 */
import type { ApplicationSource } from '../api/application.ts';
import { SpokesError } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';
import { checkSource, type Renderer, type SourceType } from './index.ts';
import { refSourcesOf } from './refs.ts';

export interface SourcesRequest {
  readonly sources: readonly ApplicationSource[];
  /** The sources come from `spec.sources` (even just one): `$name/...` files name ref sources. */
  readonly multiSource: boolean;
  readonly appName: string;
  readonly namespace?: string;
  readonly noCache?: boolean;
  /** The Application's project, for `$ARGOCD_APP_PROJECT_NAME` in substituted options. */
  readonly project?: string;
}

export interface RenderedApp {
  readonly objects: KubeObject[];
  /** One per source, in order. */
  readonly revisions: string[];
  /** The type of each rendering source ('' for ref-only ones). */
  readonly types: (SourceType | '')[];
}

/** True for a source that renders nothing itself and only provides `$ref` files. */
export function isRefOnly(source: ApplicationSource): boolean {
  return source.ref !== undefined && source.ref !== '' && !source.path && !source.chart;
}

/** `spec.sources[1] (https://charts.example.com chart cert-manager)`: a source named in errors. */
export function describeSource(source: ApplicationSource, index: number, multiple: boolean): string {
  const what = source.chart
    ? `chart ${source.chart}`
    : source.path
      ? `path ${source.path}`
      : source.ref
        ? `ref ${source.ref}`
        : '';
  return `${multiple ? `spec.sources[${index}]` : 'spec.source'} (${source.repoURL}${what ? ` ${what}` : ''})`;
}

/** Every source checked before anything is fetched; the first bad one is the error, named. */
export function checkSources(sources: readonly ApplicationSource[], multiSource: boolean): void {
  const refSources = multiSource ? refSourcesOf(sources) : undefined;
  sources.forEach((source, index) => {
    try {
      checkSource(source, refSources);
    } catch (err) {
      if (!(err instanceof SpokesError)) throw err;
      throw new SpokesError(err.code, `${describeSource(source, index, multiSource)}: ${err.detail}`, {
        cause: err,
      });
    }
  });
}

export async function renderSources(renderer: Renderer, request: SourcesRequest): Promise<RenderedApp> {
  const multiple = request.multiSource;
  // As in Argo CD, only a multi-source Application's `$name/...` value files name ref sources.
  const refSources = multiple ? refSourcesOf(request.sources) : undefined;
  checkSources(request.sources, multiple);
  const results = await Promise.all(
    request.sources.map(async (source, index) => {
      try {
        if (isRefOnly(source)) {
          return {
            revision: await renderer.resolveRevision(source, request.noCache),
            type: '' as const,
            objects: [],
          };
        }
        return await renderer.render({
          source,
          appName: request.appName,
          ...(request.namespace ? { namespace: request.namespace } : {}),
          ...(refSources ? { refSources } : {}),
          ...(request.noCache ? { noCache: true } : {}),
          ...(request.project ? { project: request.project } : {}),
        });
      } catch (err) {
        const where = describeSource(source, index, multiple);
        if (err instanceof SpokesError) {
          // A network failure says so in words, whichever layer found it.
          const unreachable =
            err.code === 'RepoUnreachable' && !/unreachable/i.test(err.detail) ? 'unreachable: ' : '';
          throw new SpokesError(err.code, `${where}: ${unreachable}${err.detail}`, { cause: err });
        }
        throw new SpokesError(
          'RenderFailed',
          `${where}: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
    }),
  );
  return {
    objects: results.flatMap((r) => [...r.objects]),
    revisions: results.map((r) => r.revision),
    types: results.map((r) => r.type),
  };
}
