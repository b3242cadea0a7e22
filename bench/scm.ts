/**
 * `npm run bench:scm`: 100 ApplicationSets on one GitHub organisation (50 repositories, a
 * pathsExist filter) and one repository's pull requests, against a server replaying GitHub's
 * REST v3 answers with ETags. Prints the calls made and the time taken: with the shared
 * cache (what the controller does), when every answer has gone stale (a webhook, or after
 * --scm-cache-seconds: revalidated with If-None-Match, answered 304), and without sharing (a
 * client per ApplicationSet, as Argo CD makes one per reconcile).
 */
import { parseApplicationSet, type ApplicationSet } from '../src/api/applicationset.ts';
import { expand } from '../src/expand.ts';
import { staticObjectReader } from '../src/kube/objects.ts';
import { ScmHttp } from '../src/scm/http.ts';
import { liveScmSource } from '../src/scm/source.ts';
import { noRepos, staticClusters } from '../test/support/expand.ts';
import { startReplayServer, type ReplayServer } from '../test/support/replay-server.ts';

const APPSETS = 100;
const REPOS = 50;

function githubOrg(server: ReplayServer): void {
  const repos = Array.from({ length: REPOS }, (_, i) => ({
    id: 1000 + i,
    name: `svc-${i}`,
    owner: { login: 'acme' },
    default_branch: 'main',
    ssh_url: `git@github.com:acme/svc-${i}.git`,
    clone_url: `https://github.com/acme/svc-${i}.git`,
    topics: ['team-a'],
  }));
  server.answer('/api/v3/orgs/acme/repos?per_page=100', { body: repos, etag: '"org-1"' });
  for (const repo of repos) {
    server.answer(`/api/v3/repos/acme/${repo.name}/branches/main`, {
      body: { name: 'main', commit: { sha: `${repo.id}`.padEnd(40, '0') } },
      etag: `"b-${repo.id}"`,
    });
    if (repo.id % 2 === 0)
      server.answer(`/api/v3/repos/acme/${repo.name}/contents/deploy?ref=main`, {
        body: [],
        etag: `"c-${repo.id}"`,
      });
  }
  const pulls = Array.from({ length: 20 }, (_, i) => ({
    number: i + 1,
    title: `PR ${i + 1}`,
    head: { ref: `feature-${i}`, sha: `${i}`.padEnd(40, 'a') },
    base: { ref: 'main' },
    labels: [{ name: 'preview' }],
    user: { login: 'dev' },
  }));
  server.answer('/api/v3/repos/acme/web/pulls?per_page=100', { body: pulls, etag: '"pulls-1"' });
}

function appSets(api: string): ApplicationSet[] {
  return Array.from({ length: APPSETS }, (_, i) =>
    parseApplicationSet(
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'ApplicationSet',
        metadata: { name: `team-${i}`, namespace: 'argocd' },
        spec: {
          goTemplate: true,
          generators: [
            { scmProvider: { github: { organization: 'acme', api }, filters: [{ pathsExist: ['deploy'] }] } },
            { pullRequest: { github: { owner: 'acme', repo: 'web', api, labels: ['preview'] } } },
          ],
          template: {
            metadata: { name: `t${i}-{{ .repository | default (print "pr-" .number) }}` },
            spec: {
              project: 'default',
              source: { repoURL: 'https://github.com/acme/x.git', targetRevision: 'HEAD', path: '.' },
              destination: { server: 'https://kubernetes.default.svc', namespace: 'default' },
            },
          },
        },
      },
      'bench',
    ),
  );
}

async function round(
  sets: readonly ApplicationSet[],
  httpFor: () => ScmHttp,
): Promise<{ ms: number; apps: number }> {
  const objects = staticObjectReader([]);
  const started = performance.now();
  const results = await Promise.all(
    sets.map((set) =>
      expand(set, {
        clusters: staticClusters([]),
        repos: noRepos,
        scm: liveScmSource({ http: httpFor(), objects }),
      }),
    ),
  );
  return { ms: performance.now() - started, apps: results.reduce((n, apps) => n + apps.length, 0) };
}

const server = await startReplayServer();
githubOrg(server);
const sets = appSets(server.url);
const shared = new ScmHttp({ freshSeconds: 60 });
const rows: string[] = [];
const measure = async (name: string, httpFor: () => ScmHttp): Promise<void> => {
  const before = server.requests.length;
  const { ms, apps } = await round(sets, httpFor);
  const made = server.requests.slice(before);
  const notModified = made.filter((r) => r.status === 304).length;
  rows.push(`| ${name} | ${apps} | ${made.length} | ${notModified} | ${ms.toFixed(0)} ms |`);
};
await measure('shared cache, cold', () => shared);
await measure('shared cache, within --scm-cache-seconds', () => shared);
shared.invalidate();
await measure('shared cache, all stale (webhook or expiry): revalidated', () => shared);
await measure('no sharing (a client per ApplicationSet)', () => new ScmHttp({ freshSeconds: 0 }));
await server.close();

console.log(
  `${APPSETS} ApplicationSets × (scmProvider over ${REPOS} repositories + pullRequest on one repository)\n`,
);
console.log('| run | Applications | HTTP requests | of them 304 | time |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
