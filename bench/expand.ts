/**
 * Benchmark: a matrix of the clusters generator (100 cluster Secrets) × a list of N elements,
 * expanded by the pure core. Each size runs in its own process so peak RSS is its own.
 *
 *   node bench/expand.ts            # 100 × 100 = 10,000 and 100 × 1,000 = 100,000 Applications
 *   node bench/expand.ts --one 100  # a single run with a list of 100 (used by the above)
 *
 * Targets: 10,000 in under 1 s, 100,000 in under 10 s, under 1 GiB RSS.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { parseApplicationSet } from '../src/api/applicationset.ts';
import { expand } from '../src/expand.ts';
import { cluster, noRepos, staticClusters } from '../test/support/expand.ts';

const CLUSTERS = 100;

function appSet(listSize: number): unknown {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'bench', namespace: 'argocd' },
    spec: {
      generators: [
        {
          matrix: {
            generators: [
              {
                clusters: {
                  selector: { matchLabels: { fleet: 'bench' } },
                  values: { branch: '{{metadata.labels.region}}' },
                },
              },
              {
                list: {
                  elements: Array.from({ length: listSize }, (_, i) => ({
                    app: `app-${i}`,
                    team: `team-${i % 7}`,
                  })),
                },
              },
            ],
          },
        },
      ],
      template: {
        metadata: {
          name: '{{app}}-{{nameNormalized}}',
          labels: { team: '{{team}}', region: '{{metadata.labels.region}}', cluster: '{{name}}' },
          annotations: { 'spokes.dev/source': 'bench' },
        },
        spec: {
          project: 'default',
          source: {
            repoURL: 'https://git.example.com/mono.git',
            targetRevision: '{{values.branch}}',
            path: 'apps/{{app}}/overlays/{{metadata.labels.env}}',
          },
          destination: { server: '{{server}}', namespace: '{{team}}-{{app}}' },
          syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
        },
      },
    },
  };
}

async function runOnce(listSize: number): Promise<void> {
  const clusters = Array.from({ length: CLUSTERS }, (_, i) =>
    cluster({
      name: `cluster-${i}`,
      labels: { fleet: 'bench', region: `r${i % 5}`, env: i % 2 ? 'prod' : 'dev' },
    }),
  );
  const set = parseApplicationSet(appSet(listSize), 'bench');
  const ctx = { clusters: staticClusters(clusters), repos: noRepos };
  const start = performance.now();
  const apps = await expand(set, ctx);
  const seconds = (performance.now() - start) / 1000;
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({
      applications: apps.length,
      seconds: +seconds.toFixed(3),
      appsPerSecond: Math.round(apps.length / seconds),
      peakRssMiB: Math.round(rssMiB),
    }),
  );
}

const { values } = parseArgs({ options: { one: { type: 'string' } } });
if (values.one !== undefined) {
  await runOnce(Number(values.one));
} else {
  console.log(`expand: matrix(clusters × list), ${CLUSTERS} cluster Secrets, node ${process.version}`);
  for (const [listSize, target] of [
    [100, 1],
    [1000, 10],
  ] as const) {
    const out = execFileSync(process.execPath, [import.meta.filename, '--one', String(listSize)], {
      encoding: 'utf8',
    });
    const r = JSON.parse(out) as {
      applications: number;
      seconds: number;
      appsPerSecond: number;
      peakRssMiB: number;
    };
    const ok = r.seconds < target && r.peakRssMiB < 1024 ? 'ok' : 'MISSED';
    console.log(
      `${String(r.applications).padStart(7)} Applications: ${r.seconds.toFixed(3)} s, ${r.appsPerSecond.toLocaleString('en')} apps/s, peak RSS ${r.peakRssMiB} MiB  (target < ${target} s, < 1024 MiB: ${ok})`,
    );
  }
}
