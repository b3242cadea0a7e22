/**
 * Argo CD's repo-server git metrics (reposerver/metrics), fed by the repository cache's events.
 * Spokes adds `status` (`ok` | `error`) to `argocd_git_request_total`: queries that do not name it
 * still select every request. `revision` on the failure counters is the revision asked for (a
 * branch, tag or commit from a spec), as in Argo CD.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { GitEvents } from '../git/index.ts';

export function createGitMetrics(registry: Registry): GitEvents {
  const requests = new Counter({
    name: 'argocd_git_request_total',
    help: 'Number of git requests performed by repo server',
    labelNames: ['repo', 'request_type', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'argocd_git_request_duration_seconds',
    help: 'Git requests duration seconds.',
    labelNames: ['repo', 'request_type'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 10, 20],
    registers: [registry],
  });
  const fetchFailures = new Counter({
    name: 'argocd_git_fetch_fail_total',
    help: 'Number of git fetch requests failures by repo server',
    labelNames: ['repo', 'revision'],
    registers: [registry],
  });
  const lsRemoteFailures = new Counter({
    name: 'argocd_git_lsremote_fail_total',
    help: 'Number of git ls-remote requests failures by repo server',
    labelNames: ['repo', 'revision'],
    registers: [registry],
  });
  return {
    onRequest(repo, type) {
      const started = performance.now();
      return ({ ok, revision }) => {
        requests.inc({ repo, request_type: type, status: ok ? 'ok' : 'error' });
        duration.observe({ repo, request_type: type }, (performance.now() - started) / 1000);
        if (!ok) (type === 'fetch' ? fetchFailures : lsRemoteFailures).inc({ repo, revision });
      };
    },
  };
}
