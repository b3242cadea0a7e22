/**
 * The git repository cache: `createRepoSource` gives the RepoSource the generators read through.
 * Only this folder talks to git.
 */
export { createRepoSource, describeRevision, type GitRepoSource } from './source.ts';
export {
  DEFAULT_MAX_FILE_BYTES,
  defaultCacheDir,
  type CredentialSecrets,
  type GitEvents,
  type GitRequestType,
  type RepoSourceOptions,
} from './options.ts';
export type { ListTreeOptions, RepoRevision, RepoSource, TreeEntry } from './types.ts';
