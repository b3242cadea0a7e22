/**
 * Benchmark: the git generator on a generated monorepo of 100,000 files in 5,000 directories
 * (1,000 apps × {app, overlays, overlays/dev|staging|prod} × 20 files), served over file://.
 *
 *   (a) Spokes: directory discovery for `apps/*\/overlays/*` (3,000 matches) and files discovery
 *       for `**\/config.json` (2,000 matches, read and parsed) through the mirror cache — cold (first
 *       clone), warm (mirror on disk, a fresh RepoSource, nothing in memory) and hot (same source).
 *   (b) Baseline, what a checkout-based design pays: a full `git clone` plus fast-glob over the
 *       checkout (and reading + parsing the matched files).
 *
 *   node bench/git.ts [--runs 5]
 *
 * Targets: warm directories < 300 ms, warm files < 1 s, both ≥ 10× faster than the baseline.
 * The monorepo is built once with `git fast-import` and kept in the temp dir for later runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fg from 'fast-glob';
import { createGitGenerator } from '../generators/git.ts';
import type { GeneratorContext } from '../generators/types.ts';
import { createRepoSource, type GitRepoSource } from '../src/git/index.ts';
import { createRenderer } from '../src/template/render.ts';
import { staticClusters } from '../test/support/expand.ts';
import { withExternalDefaults } from '../src/external.ts';

const APPS = 1000;
const FILES_PER_DIR = 20;
const ENVS = ['dev', 'staging', 'prod'];
const CONFIG_ENVS = new Set(['dev', 'prod']);
const DIRS_GLOB = 'apps/*/overlays/*';
const FILES_GLOB = '**/config.json';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);

const generator = createGitGenerator();
const context = (repos: GitRepoSource): GeneratorContext => ({
  appSet: { name: 'bench', namespace: 'argocd' },
  renderer: createRenderer({ goTemplate: false, goTemplateOptions: [] }),
  clusters: staticClusters([]),
  repos,
  ...withExternalDefaults({}),
  path: 'spec.generators[0].git',
  generateChild: () => Promise.reject(new Error('unused')),
});

function monorepoStream(): Buffer {
  const parts: string[] = [
    'commit refs/heads/main\ncommitter Bench <bench@spokes.invalid> 1700000000 +0000\ndata 9\nmonorepo\n',
  ];
  const file = (path: string, body: string): void => {
    parts.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(body)}\n${body}\n`);
  };
  for (let a = 0; a < APPS; a++) {
    const app = `app-${String(a).padStart(4, '0')}`;
    const dirs = [`apps/${app}`, `apps/${app}/overlays`, ...ENVS.map((env) => `apps/${app}/overlays/${env}`)];
    for (const dir of dirs) {
      const env = dir.split('/')[3];
      const withConfig = env !== undefined && CONFIG_ENVS.has(env);
      for (let f = 0; f < FILES_PER_DIR; f++) {
        if (withConfig && f === 0) {
          file(
            `${dir}/config.json`,
            JSON.stringify({ app, env, replicas: a % 5, cluster: { name: `${env}-${a % 10}` } }),
          );
        } else {
          file(
            `${dir}/resource-${f}.yaml`,
            `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${app}-${f}\n  path: ${dir}\n`,
          );
        }
      }
    }
  }
  return Buffer.from(parts.join(''));
}

/** The bare "remote", built once and kept in the temp dir. */
function monorepo(): string {
  const dir = join(tmpdir(), `spokes-bench-monorepo-${APPS}x${FILES_PER_DIR}.git`);
  if (existsSync(join(dir, 'bench-complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch', 'main', dir]);
  const result = spawnSync('git', ['fast-import', '--quiet'], {
    cwd: dir,
    input: monorepoStream(),
    maxBuffer: 1 << 30,
  });
  if (result.status !== 0) throw new Error(`fast-import failed: ${String(result.stderr)}`);
  writeFileSync(join(dir, 'bench-complete'), '');
  console.log(`built the monorepo in ${ms(performance.now() - started)}`);
  return dir;
}

async function time<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

const directories = (repos: GitRepoSource, url: string) =>
  generator.generate({ repoURL: url, revision: 'main', directories: [{ path: DIRS_GLOB }] }, context(repos));
const files = (repos: GitRepoSource, url: string) =>
  generator.generate({ repoURL: url, revision: 'main', files: [{ path: FILES_GLOB }] }, context(repos));

/** Median over RUNS of `work` with a fresh RepoSource on the warm cache each time. */
async function warm(
  cacheDir: string,
  url: string,
  work: typeof directories,
): Promise<{ ms: number; count: number }> {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS; i++) {
    const repos = createRepoSource({ cacheDir });
    const run = await time(() => work(repos, url));
    times.push(run.ms);
    count = run.result.length;
    repos.close();
  }
  return { ms: median(times), count };
}

async function hot(cacheDir: string, url: string, work: typeof directories): Promise<number> {
  const repos = createRepoSource({ cacheDir });
  await work(repos, url);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push((await time(() => work(repos, url))).ms);
  repos.close();
  return median(times);
}

/** A checkout-based design: clone, then glob the work tree (and read the matched files). */
interface Baseline {
  readonly clone: number;
  /** Globbing (and reading) alone, on a checkout already there. */
  readonly dirsGlob: number;
  readonly filesGlob: number;
  readonly dirs: number;
  readonly files: number;
}

function baseline(remote: string, scratch: string): Baseline {
  const checkout = join(scratch, `checkout-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  execFileSync('git', ['clone', '--quiet', `file://${remote}`, checkout]);
  const clone = performance.now() - started;
  let t = performance.now();
  const dirs = fg.sync(DIRS_GLOB, { cwd: checkout, onlyDirectories: true });
  const dirsGlob = performance.now() - t;
  t = performance.now();
  const matched = fg.sync(FILES_GLOB, { cwd: checkout, onlyFiles: true });
  for (const file of matched) JSON.parse(readFileSync(join(checkout, file), 'utf8'));
  const filesGlob = performance.now() - t;
  rmSync(checkout, { recursive: true, force: true });
  if (dirs.length !== 3000 || matched.length !== 2000)
    throw new Error(`baseline found ${dirs.length} / ${matched.length}`);
  return { clone, dirsGlob, filesGlob, dirs: clone + dirsGlob, files: clone + filesGlob };
}

async function main(): Promise<void> {
  const remote = monorepo();
  const url = `file://${remote}`;
  const scratch = mkdtempSync(join(tmpdir(), 'spokes-bench-git-'));
  try {
    const cacheDir = join(scratch, 'cache');
    const cold = await time(() => directories(createRepoSource({ cacheDir }), url));
    const warmDirs = await warm(cacheDir, url, directories);
    const warmFiles = await warm(cacheDir, url, files);
    if (warmDirs.count !== 3000 || warmFiles.count !== 2000) {
      throw new Error(`expected 3000 directories and 2000 files, got ${warmDirs.count} / ${warmFiles.count}`);
    }
    const hotDirs = await hot(cacheDir, url, directories);
    const hotFiles = await hot(cacheDir, url, files);
    const base = [baseline(remote, scratch), baseline(remote, scratch)];
    const baseDirs = median(base.map((b) => b.dirs));
    const baseFiles = median(base.map((b) => b.files));
    const baseClone = median(base.map((b) => b.clone));
    const globDirs = median(base.map((b) => b.dirsGlob));
    const globFiles = median(base.map((b) => b.filesGlob));

    console.log(
      `monorepo: ${APPS * 5 * FILES_PER_DIR} files in ${APPS * 5} directories; median of ${RUNS} runs`,
    );
    console.log(`spokes cold (mirror clone + directories):     ${ms(cold.ms)}`);
    console.log(`spokes warm directories ${DIRS_GLOB} (3000): ${ms(warmDirs.ms)}   hot: ${ms(hotDirs)}`);
    console.log(`spokes warm files ${FILES_GLOB} (2000):      ${ms(warmFiles.ms)}   hot: ${ms(hotFiles)}`);
    console.log(`baseline git clone (checkout):                ${ms(baseClone)}`);
    console.log(`baseline clone + fast-glob directories:       ${ms(baseDirs)}`);
    console.log(`baseline clone + fast-glob + read files:      ${ms(baseFiles)}`);
    console.log(`(glob alone on an existing checkout: directories ${ms(globDirs)}, files ${ms(globFiles)})`);
    console.log(`ratio directories (baseline / spokes warm):   ${(baseDirs / warmDirs.ms).toFixed(1)}×`);
    console.log(`ratio files (baseline / spokes warm):         ${(baseFiles / warmFiles.ms).toFixed(1)}×`);
    const ok =
      warmDirs.ms < 300 &&
      warmFiles.ms < 1000 &&
      baseDirs / warmDirs.ms >= 10 &&
      baseFiles / warmFiles.ms >= 10;
    console.log(ok ? 'targets met' : 'TARGETS MISSED');
    process.exitCode = ok ? 0 : 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
