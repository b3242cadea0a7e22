/**
 * AppProject checks made before anything is applied, with Argo CD's messages: the sources'
 * repositories, the destination, and every rendered resource's group/kind.
 */
import type { ApplicationSource } from '../api/application.ts';
import type { AppProjectSpec } from '../api/appproject.ts';
import {
  isDestinationPermitted,
  isResourcePermitted,
  isSourcePermitted,
  type Destination,
} from './project.ts';
import type { Target } from './targets.ts';

/** Argo CD's built-in `default` project when none is defined: everything is allowed. */
export const DEFAULT_PROJECT: AppProjectSpec = {
  sourceRepos: ['*'],
  destinations: [{ server: '*', name: '*', namespace: '*' }],
  clusterResourceWhitelist: [{ group: '*', kind: '*' }],
};

/** Why the sources or destination are not permitted, or undefined when they are. */
export function checkProject(
  project: AppProjectSpec,
  projectName: string,
  sources: readonly ApplicationSource[],
  dest: Destination,
): string | undefined {
  for (const source of sources) {
    if (!isSourcePermitted(project, source.repoURL)) {
      return `application repo ${source.repoURL} is not permitted in project '${projectName}'`;
    }
  }
  if (!isDestinationPermitted(project, dest)) {
    const where = dest.name !== '' ? `name ${dest.name}` : `server ${dest.server}`;
    return `application destination {${where} ${dest.namespace}} is not permitted in project '${projectName}'`;
  }
  return undefined;
}

/** Why some rendered resources are not permitted, or undefined when all are. */
export function checkResources(
  project: AppProjectSpec,
  projectName: string,
  targets: readonly Target[],
): string | undefined {
  const denied = targets
    .filter(
      (t) =>
        !isResourcePermitted(project, {
          group: t.type.group,
          kind: t.type.kind,
          name: t.obj.metadata.name,
          namespaced: t.type.namespaced,
        }),
    )
    .map((t) => `${t.type.group}/${t.type.kind}:${t.obj.metadata.name}`);
  if (denied.length === 0) return undefined;
  return `resource ${denied.join(', ')} ${denied.length === 1 ? 'is' : 'are'} not permitted in project '${projectName}'`;
}
