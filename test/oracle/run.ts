/**
 * The one script behind the differential oracle.
 *
 *   node test/oracle/run.ts update   regenerate corpus/generated.json, run every case through Go
 *                                    (test/oracle/main.go) and rewrite golden/*.json
 *   node test/oracle/run.ts check    the same, but fail if the generated corpus or Go's results
 *                                    differ from what is committed, or if our engine disagrees
 *
 * Go's module and build caches live under ${SPOKES_CACHE_DIR:-~/.cache/spokes}/go unless
 * GOMODCACHE / GOCACHE are already set, so repeated runs are fast.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CORPUS_DIR,
  GOLDEN_DIR,
  ORACLE_DIR,
  loadCorpus,
  loadGoldens,
  mismatch,
  runEngine,
  type GoldenCase,
  type OracleCase,
  type Outcome,
} from './cases.ts';
import { generateCases } from './generate.ts';
import { buildGoProgram, runJsonProgram } from './go.ts';

const mode = process.argv[2];
if (mode !== 'update' && mode !== 'check') {
  console.error('usage: node test/oracle/run.ts update|check');
  process.exit(2);
}

function runOracle(bin: string, cases: readonly OracleCase[]): Outcome[] {
  return runJsonProgram<Outcome[]>(
    bin,
    cases.map(({ name, template, data, options }) => ({ name, template, data, options })),
  );
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 1) + '\n');
}

const problems: string[] = [];

// 1. The generated part of the corpus is a pure function of the generator.
const generatedPath = join(CORPUS_DIR, 'generated.json');
const generated = generateCases();
if (mode === 'update') writeJson(generatedPath, generated);
else if (readFileSync(generatedPath, 'utf8') !== JSON.stringify(generated, null, 1) + '\n') {
  problems.push('corpus/generated.json is stale: run `npm run oracle:update`');
}

// 2. Go renders every case.
const corpus = loadCorpus();
corpus.set('generated', generated);
// Cases travel as JSON (to Go, and in the goldens), so normalize them the same way here.
for (const [file, cases] of corpus) corpus.set(file, JSON.parse(JSON.stringify(cases)) as OracleCase[]);
const bin = buildGoProgram(ORACLE_DIR, 'spokes-oracle');
const fresh = new Map<string, GoldenCase[]>();
const names = new Set<string>();
for (const [file, cases] of corpus) {
  const outcomes = runOracle(bin, cases);
  fresh.set(
    file,
    cases.map((c, i) => {
      if (names.has(`${file}/${c.name}`)) problems.push(`duplicate case name ${file}/${c.name}`);
      names.add(`${file}/${c.name}`);
      const { output, error } = outcomes[i]!;
      return { ...c, ...(error === undefined ? { output } : { error }) };
    }),
  );
}

// 3. Goldens: rewritten on update, compared on check.
mkdirSync(GOLDEN_DIR, { recursive: true });
const committed = mode === 'check' ? loadGoldens() : new Map<string, GoldenCase[]>();
for (const [file, cases] of fresh) {
  if (mode === 'update') writeJson(join(GOLDEN_DIR, `${file}.json`), cases);
  else if (JSON.stringify(committed.get(file)) !== JSON.stringify(cases)) {
    problems.push(`golden/${file}.json differs from what Go renders now: run \`npm run oracle:update\``);
  }
}

// 4. Our engine against Go.
let total = 0;
let matched = 0;
for (const [file, cases] of fresh) {
  for (const c of cases) {
    total++;
    const why = mismatch(c, runEngine(c));
    if (why === undefined) matched++;
    else problems.push(`${file}/${c.name}: ${why}\n  template: ${JSON.stringify(c.template)}`);
  }
}

console.log(`oracle ${mode}: ${matched}/${total} cases match Go byte for byte`);
for (const p of problems) console.log(`- ${p}`);
if (mode === 'check' && problems.length > 0) process.exit(1);
