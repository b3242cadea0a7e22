/**
 * Argo CD's own ApplicationSet code as an oracle (`npm run oracle:argo`): builds the team's
 * argo-oracle (../shared/argo-oracle, Argo CD v3.5.7 compiled from the Go module proxy) once,
 * then compares it with `spokes generate` (its diff.py) on three sets of cases:
 *
 *   conformance  ../shared/conformance/cases and test/conformance/cases (cases that need an
 *                external system's recorded answer are left out: the oracle cannot ask one)
 *   argo         Argo CD's own examples and documentation snippets (make_argo_cases.py)
 *   generated    a seeded random corpus (gen_corpus.py SEED N)
 *
 * Prints agree/differ counts per set, each difference, and apart from them the ApplicationSets
 * only kube-apiserver's admission of Argo's CRD refuses (offline CRD validation is tracked on its
 * own). Exits 1 on any other difference.
 *
 *   node test/oracle/argo/run.ts [--sets conformance,argo,generated] [--seed 1] [--count 320] [-j 2]
 *
 * Environment: ARGO_ORACLE_SRC (default ../shared/argo-oracle), SPOKES_DIR (the Spokes checkout
 * whose `spokes generate` is compared, default this one), SPOKES_CACHE_DIR (default
 * ~/.cache/spokes; the binary is kept in its go/bin and rebuilt only when the oracle's sources or
 * the Go version change), GOMODCACHE / GOCACHE (default under SPOKES_CACHE_DIR/go). The first
 * build downloads and compiles Argo CD's module graph: long (see docs/go-template.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildGoProgram, GO_ENV, goBinaryPath } from '../go.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SRC = resolve(process.env.ARGO_ORACLE_SRC ?? join(ROOT, '..', 'shared', 'argo-oracle'));
const BIN = goBinaryPath('argo-oracle');
const SETS = ['conformance', 'argo', 'generated'] as const;
type SetName = (typeof SETS)[number];

const { values: args } = parseArgs({
  options: {
    sets: { type: 'string', default: SETS.join(',') },
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '320' },
    j: { type: 'string', short: 'j', default: '2' },
  },
});

function fail(message: string): never {
  console.error(`oracle:argo: ${message}`);
  process.exit(2);
}

/** The oracle binary, built when its sources or the Go toolchain changed since the last build. */
function oracleBinary(): string {
  if (!existsSync(join(SRC, 'main.go'))) fail(`no argo-oracle sources at ${SRC} (set ARGO_ORACLE_SRC)`);
  const hash = createHash('sha256');
  hash.update(execFileSync('go', ['version'], { env: GO_ENV }));
  for (const file of readdirSync(SRC)
    .filter((f) => /\.go$|^go\.(mod|sum)$/.test(f))
    .sort()) {
    hash.update(file).update(readFileSync(join(SRC, file)));
  }
  const stamp = hash.digest('hex');
  const stampFile = `${BIN}.stamp`;
  if (existsSync(BIN) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return BIN;
  console.log(`building argo-oracle from ${SRC} (the first build takes long) ...`);
  const started = Date.now();
  buildGoProgram(SRC, 'argo-oracle');
  writeFileSync(stampFile, stamp);
  console.log(`built ${BIN} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return BIN;
}

function python(script: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const run = spawnSync('python3', [join(SRC, script), ...argv], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (run.status !== 0) fail(`${script} ${argv.join(' ')} failed (exit ${run.status})`);
}

/** Conformance cases the oracle can render: no recorded answers of external systems. */
function conformanceCases(work: string): string[] {
  const dirs = [
    join(ROOT, '..', 'shared', 'conformance', 'cases'),
    join(ROOT, 'test', 'conformance', 'cases'),
  ];
  const external = ['cluster-decisions.yaml', 'plugins', 'scm-fixture.yaml'];
  const cases = dirs
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => readdirSync(dir).map((name) => join(dir, name)))
    .filter((dir) => existsSync(join(dir, 'appset.yaml')) && !external.some((f) => existsSync(join(dir, f))));
  writeFileSync(join(work, 'conformance.list'), cases.join('\n'));
  return cases;
}

function casesOf(set: SetName, work: string): string[] {
  if (set === 'conformance') return conformanceCases(work);
  const out = join(work, set);
  if (set === 'argo') python('make_argo_cases.py', [out], GO_ENV);
  else python('gen_corpus.py', [args.seed, args.count, out]);
  return [out];
}

interface Result {
  readonly case: string;
  readonly verdict: 'agree' | 'DIFFER';
  readonly kind: string;
  readonly lines: readonly string[];
}

function compare(set: SetName, cases: readonly string[], bin: string, work: string): Result[] {
  const json = join(work, `${set}.json`);
  const run = spawnSync('python3', [join(SRC, 'diff.py'), '-j', args.j, '--json', json, ...cases], {
    cwd: ROOT,
    env: { ...GO_ENV, ARGO_ORACLE_BIN: bin, SPOKES_DIR: process.env.SPOKES_DIR ?? ROOT },
    // diff.py's line per case shows progress; the summary below is built from its JSON.
    stdio: ['ignore', process.stderr, 'inherit'],
    maxBuffer: 1 << 28,
  });
  if (run.status !== 0 || !existsSync(json)) fail(`diff.py on the ${set} cases failed (exit ${run.status})`);
  return JSON.parse(readFileSync(json, 'utf8')) as Result[];
}

const sets = args.sets.split(',').map((s) => {
  if (!(SETS as readonly string[]).includes(s)) fail(`unknown set ${s} (known: ${SETS.join(', ')})`);
  return s as SetName;
});
const bin = oracleBinary();
const work = mkdtempSync(join(tmpdir(), 'spokes-oracle-argo-'));
let differences = 0;
const summary: string[] = [];
try {
  for (const set of sets) {
    const results = compare(set, casesOf(set, work), bin, work);
    const admission = results.filter((r) => r.kind === 'argo-admission-error');
    const differ = results.filter((r) => r.verdict === 'DIFFER' && r.kind !== 'argo-admission-error');
    const agree = results.length - admission.length - differ.length;
    differences += differ.length;
    for (const r of differ) console.log(`DIFFER ${set} ${r.case} [${r.kind}]\n    ${r.lines.join('\n    ')}`);
    for (const r of admission) console.log(`admission ${set} ${r.case}\n    ${r.lines[0] ?? ''}`);
    summary.push(
      `${set}: ${agree}/${results.length} agree, ${differ.length} differ, ` +
        `${admission.length} refused only by Argo CD's CRD admission`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
for (const line of summary) console.log(line);
process.exit(differences === 0 ? 0 : 1);
