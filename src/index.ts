/**
 * The public API of the `spokes` package. Everything a user may import is re-exported here, and
 * test/unit/public-api.test.ts pins the list.
 */
export { expand, type ExpandContext } from './expand.ts';
export { builtinGenerators, createRegistry, type GeneratorRegistry } from '../generators/index.ts';
export type { AnyGenerator, Generator, GeneratorContext } from '../generators/types.ts';
export { SpokesError, type ErrorCode } from './errors.ts';
export type { Params } from './params.ts';
export {
  parseApplicationSet,
  type ApplicationSet,
  type ApplicationSetTemplate,
} from './api/applicationset.ts';
export type { Application, ApplicationSpec } from './api/application.ts';
export type { Cluster, ClusterConfig, ClusterSource } from './clusters/types.ts';
export { fileClusterSource } from './clusters/file-source.ts';
export type { RepoSource, TreeEntry } from './git/types.ts';
export type { ExternalSources } from './external.ts';
export type { ClusterDecisionSource, DuckObject, DuckResource, DuckSelection } from './clusters/decisions.ts';
export type { PluginRequest, PluginSource } from './plugin/types.ts';
export type {
  PullRequest,
  PullRequestService,
  Repository,
  ScmProviderService,
  ScmSource,
} from './scm/types.ts';
export type { PullRequestProvider, ScmProviderConfig } from './scm/config.ts';
export type { Renderer, TemplateMode } from './template/render.ts';
export { Redacted } from './redact.ts';
