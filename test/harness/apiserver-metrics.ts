/** What an apiserver's own /metrics say it was asked (`apiserver_request_total`), for benchmarks and "writes nothing" checks. */
import type { Cluster } from './cluster.ts';
import { httpRequest } from './http.ts';

export interface RequestCount {
  readonly verb: string;
  readonly resource: string;
  readonly dryRun: boolean;
  readonly count: number;
}

const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY']);

/** Every `apiserver_request_total` series of the cluster (summed over codes and scopes). */
export async function apiserverRequests(cluster: Cluster): Promise<RequestCount[]> {
  const { body } = await httpRequest({
    url: `${cluster.server}/metrics`,
    ca: cluster.caPem,
    token: cluster.users.admin.token,
  });
  const counts: RequestCount[] = [];
  for (const line of body.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'));
    counts.push({
      verb: /(?:^|,)verb="([^"]*)"/.exec(labels)?.[1] ?? '',
      resource: /(?:^|,)resource="([^"]*)"/.exec(labels)?.[1] ?? '',
      dryRun: /dry_run="All"/.test(labels),
      count: Number(line.slice(line.lastIndexOf(' ') + 1)),
    });
  }
  return counts;
}

/** Writes (not dry runs) summed by resource. */
export async function writesByResource(cluster: Cluster): Promise<Map<string, number>> {
  const byResource = new Map<string, number>();
  for (const { verb, resource, dryRun, count } of await apiserverRequests(cluster)) {
    if (!WRITE_VERBS.has(verb) || dryRun) continue;
    byResource.set(resource, (byResource.get(resource) ?? 0) + count);
  }
  return byResource;
}

/** Writes to these resources between two readings. */
export function writesBetween(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  resources: readonly string[],
): Record<string, number> {
  return Object.fromEntries(
    resources.map((resource) => [resource, (after.get(resource) ?? 0) - (before.get(resource) ?? 0)]),
  );
}
