/**
 * The expr oracle: every case of test/oracle/expr/cases.ts evaluated by expr-lang/expr itself
 * (main.go, built with Go), compared with the expected value the unit test holds Spokes' evaluator
 * to. A value must print the same (Go's %v); an error case must be an error in expr too.
 *
 *   node test/oracle/expr/run.ts     (npm run oracle:expr; CI runs it)
 *
 * Go's caches live under ${SPOKES_CACHE_DIR:-~/.cache/spokes}/go unless GOMODCACHE/GOCACHE are set.
 */
import { buildGoProgram, runJsonProgram } from '../go.ts';
import { CASES, RUNTIME_ERRORS, SYNTAX_ERRORS } from './cases.ts';

/** Argo CD's repo helpers are not expr's: those cases are checked by the unit test only. */
const ARGO_ONLY = /\brepo\./;

interface Case {
  readonly name: string;
  readonly expr: string;
  readonly env: unknown;
  readonly expect: { readonly value: string } | { readonly error: true };
}

const cases: Case[] = [
  ...CASES.map(([expr, obj, value], i) => ({
    name: `value ${i}`,
    expr,
    env: { app: obj },
    expect: { value },
  })),
  ...RUNTIME_ERRORS.map(([expr, obj], i) => ({
    name: `runtime ${i}`,
    expr,
    env: { app: obj },
    expect: { error: true as const },
  })),
  ...SYNTAX_ERRORS.map(([expr], i) => ({
    name: `syntax ${i}`,
    expr,
    env: {},
    expect: { error: true as const },
  })),
].filter((c) => !ARGO_ONLY.test(c.expr));

const bin = buildGoProgram(import.meta.dirname, 'spokes-expr-oracle');
const results = runJsonProgram<{ name: string; value?: string; error?: string }[]>(
  bin,
  cases.map(({ name, expr, env }) => ({ name, expr, env })),
);

let failed = 0;
for (const [i, c] of cases.entries()) {
  const got = results[i]!;
  const ok = 'value' in c.expect ? got.value === c.expect.value : got.error !== undefined;
  if (ok) continue;
  failed++;
  const want = 'value' in c.expect ? JSON.stringify(c.expect.value) : 'an error';
  const saw =
    got.error !== undefined ? `error ${JSON.stringify(got.error.split('\n')[0])}` : JSON.stringify(got.value);
  console.error(`✖ ${c.expr}\n    expected ${want}, expr gives ${saw}`);
}
console.log(`${cases.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
