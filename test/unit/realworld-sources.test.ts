// The published corpus (../shared/realworld: 142 Applications, 212 ApplicationSets from 67
// public repositories) against source rendering, with no network: every Application, and every
// one its ApplicationSets generate offline, whose sources are git, Helm-repository, OCI or `$ref`
// sources passes the checks made before anything is fetched, then fails only for want of a
// repository or chart, with an "unreachable" error naming the source; config management plugins
// and sourceHydrator are refused by name. "No network" is real: git and the chart client go
// through a proxy on a closed port, so every connection is refused at once.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applicationSchema, type Application, type ApplicationSource } from '../../src/api/application.ts';
import { parseApplicationSet } from '../../src/api/applicationset.ts';
import { createChartSource, type ChartSourceWithStats } from '../../src/charts/index.ts';
import { fileClusterSource } from '../../src/clusters/file-source.ts';
import { SpokesError } from '../../src/errors.ts';
import { expand } from '../../src/expand.ts';
import { createRepoSource, type GitRepoSource } from '../../src/git/index.ts';
import { checkSources, createRenderer, renderSources, type Renderer } from '../../src/render/index.ts';
import { parseYamlDocuments } from '../../src/yaml.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/realworld');
const DEAD_PROXY = 'http://127.0.0.1:9';
/** A repoURL that is a URL (`scheme://…` or `user@host:path`), not a placeholder like `<REPO_URL>`. */
const IS_URL = /^([a-z][a-z0-9+.-]*:\/\/[^\s<>{}$]+|[\w.-]+@[\w.-]+:[^\s<>{}$]+)$/i;
/** Spec errors Argo CD reports itself (util/argo's validation), with its message. */
const ARGO_REFUSES = /spec\.source\.targetRevision is required if the manifest source is a helm chart/;

interface Found {
  readonly app: Application;
  readonly from: string;
}

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await yamlFiles(full)));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

const multi = (app: Application): boolean => (app.spec.sources?.length ?? 0) > 0;

function sourcesOf(app: Application): ApplicationSource[] {
  return app.spec.sources?.length ? app.spec.sources : app.spec.source ? [app.spec.source] : [];
}

const refused = (app: Application): string | undefined =>
  (app.spec as { sourceHydrator?: unknown }).sourceHydrator !== undefined
    ? 'sourceHydrator'
    : sourcesOf(app).some((s) => s.plugin !== undefined)
      ? 'plugin'
      : undefined;

describe(
  'real-world Applications: accepted, planned, and unreachable only for want of the network',
  {
    skip: existsSync(CORPUS) ? false : `no corpus at ${CORPUS}`,
  },
  () => {
    let work: string;
    let repos: GitRepoSource;
    let charts: ChartSourceWithStats;
    let renderer: Renderer;
    const apps: Found[] = [];
    const notGenerated: string[] = [];

    before(async () => {
      work = await mkdtemp(path.join(tmpdir(), 'spokes-realworld-'));
      repos = createRepoSource({
        cacheDir: path.join(work, 'repos'),
        sshCommand: 'false',
        env: {
          PATH: process.env['PATH'],
          HOME: work,
          https_proxy: DEAD_PROXY,
          http_proxy: DEAD_PROXY,
          ALL_PROXY: DEAD_PROXY,
        },
        timeoutSeconds: 20,
      });
      charts = createChartSource({ cacheDir: path.join(work, 'charts'), proxy: DEAD_PROXY });
      renderer = createRenderer({ repos, charts, tools: { searchPath: '' } });
      const clusters = fileClusterSource(path.join(CORPUS, 'clusters'));
      const single = fileClusterSource(path.join(CORPUS, 'clusters-single', 'in-cluster'));
      for (const file of await yamlFiles(path.join(CORPUS, 'corpus'))) {
        const from = path.relative(CORPUS, file);
        let docs: unknown[];
        try {
          docs = parseYamlDocuments(await readFile(file, 'utf8'), from);
        } catch {
          continue;
        }
        for (const doc of docs) {
          const kind = (doc as { kind?: unknown } | null)?.kind;
          if (kind === 'Application') {
            const parsed = applicationSchema.safeParse(doc);
            if (parsed.success) apps.push({ app: parsed.data, from });
          } else if (kind === 'ApplicationSet') {
            let appSet;
            try {
              appSet = parseApplicationSet(doc, from);
            } catch {
              continue;
            }
            // Generators reading git (no network here) cannot run offline; duplicate names over three
            // clusters get one more try over one.
            if (JSON.stringify(appSet.spec.generators).includes('"git":')) {
              notGenerated.push(from);
              continue;
            }
            const generated =
              (await expand(appSet, { clusters, repos }).catch(() => undefined)) ??
              (await expand(appSet, { clusters: single, repos }).catch(() => []));
            for (const app of generated) apps.push({ app, from: `${from} → ${app.metadata.name}` });
          }
        }
      }
    });

    after(async () => {
      repos?.close();
      await charts?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    test('the corpus yields Applications from files and from ApplicationSets', () => {
      assert.ok(apps.length >= 300, `only ${apps.length} Applications found`);
      const kinds = new Set(
        apps.flatMap(({ app }) =>
          sourcesOf(app).map((s) => (s.chart ? 'chart' : s.ref && !s.path ? 'ref' : 'git')),
        ),
      );
      assert.deepEqual([...kinds].sort(), ['chart', 'git', 'ref']);
      console.log(
        `${apps.length} Applications (${notGenerated.length} ApplicationSets use git generators: not run offline)`,
      );
    });

    test('CMP and sourceHydrator Applications are refused with the feature named', () => {
      const refusedApps = apps.filter(({ app }) => refused(app) === 'plugin');
      assert.ok(refusedApps.length > 0);
      for (const { app, from } of refusedApps) {
        assert.throws(
          () => checkSources(sourcesOf(app), multi(app)),
          (err: unknown) =>
            err instanceof SpokesError && err.code === 'NotSupported' && /source\.plugin/.test(err.message),
          from,
        );
      }
      assert.ok(
        apps.some(({ app }) => refused(app) === 'sourceHydrator'),
        'the corpus has sourceHydrator Applications',
      );
    });

    test('every git, Helm-repository, OCI and $ref source passes the checks made before fetching', () => {
      const failures: string[] = [];
      for (const { app, from } of apps) {
        if (refused(app) !== undefined || sourcesOf(app).length === 0) continue;
        try {
          checkSources(sourcesOf(app), multi(app));
        } catch (err) {
          // Argo CD refuses these too, with the same words.
          if (ARGO_REFUSES.test((err as Error).message)) continue;
          failures.push(`${from}: ${(err as Error).message}`);
        }
      }
      assert.deepEqual(failures, []);
    });

    test('rendering with no network fails only as unreachable, naming the repository', async () => {
      const failures: string[] = [];
      let unreachable = 0;
      let placeholders = 0;
      const candidates = apps.filter(({ app }) => {
        if (refused(app) !== undefined || sourcesOf(app).length === 0) return false;
        try {
          checkSources(sourcesOf(app), multi(app));
          return true;
        } catch {
          return false; // refused by Argo CD too (previous test)
        }
      });
      await Promise.all(
        candidates.map(async ({ app, from }) => {
          const sources = sourcesOf(app);
          try {
            await renderSources(renderer, {
              sources,
              multiSource: multi(app),
              appName: app.metadata.name,
              namespace: app.spec.destination.namespace ?? '',
            });
            failures.push(`${from}: rendered without the network`);
          } catch (err) {
            const message = (err as Error).message;
            const named = sources.some((s) => message.includes(s.repoURL.replace(/^oci:\/\//, '')));
            const code = err instanceof SpokesError ? err.code : '';
            // Placeholders left in published files (`<GITOPS_REPO_URL>`, `${repo}`) name no server
            // to reach: git finds no such repository.
            const placeholder = code === 'RepoNotFound' && sources.some((s) => !IS_URL.test(s.repoURL));
            const ok = named && ((code === 'RepoUnreachable' && /unreachable/i.test(message)) || placeholder);
            if (ok && placeholder) placeholders++;
            else if (ok) unreachable++;
            else failures.push(`${from}: ${err instanceof SpokesError ? err.code : 'Error'}: ${message}`);
          }
        }),
      );
      assert.deepEqual(failures, []);
      assert.equal(unreachable + placeholders, candidates.length);
      assert.ok(placeholders < candidates.length / 10, `${placeholders} placeholder repoURLs`);
      console.log(
        `${candidates.length} Applications: ${unreachable} unreachable, each naming its repository; ${placeholders} name placeholder repoURLs (not found)`,
      );
    });
  },
);
