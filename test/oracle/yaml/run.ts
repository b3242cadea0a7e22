/**
 * The YAML oracle: every row of test/oracle/yaml/cases.ts read by sigs.k8s.io/yaml itself (main.go,
 * built with Go), compared with the value the table expects (and src/yaml.test.ts holds Spokes to).
 *
 *   node test/oracle/yaml/run.ts     (npm run oracle:yaml; CI runs it)
 *
 * Go's caches live under ${SPOKES_CACHE_DIR:-~/.cache/spokes}/go unless GOMODCACHE/GOCACHE are set.
 */
import { isDeepStrictEqual } from 'node:util';
import { buildGoProgram, runJsonProgram } from '../go.ts';
import { REFUSED, yamlCases } from './cases.ts';

const cases = yamlCases();
const bin = buildGoProgram(import.meta.dirname, 'spokes-yaml-oracle');
const results = runJsonProgram<{ name: string; json?: string; error?: string }[]>(
  bin,
  cases.map(({ name, yaml }) => ({ name, yaml })),
);

let failed = 0;
for (const [i, c] of cases.entries()) {
  const got = results[i]!;
  const value: unknown = got.json === undefined ? undefined : JSON.parse(got.json);
  const ok = c.expected === REFUSED ? got.error !== undefined : isDeepStrictEqual(value, c.expected);
  if (ok) continue;
  failed++;
  const want = c.expected === REFUSED ? 'an error' : JSON.stringify(c.expected);
  const saw = got.error !== undefined ? `error ${JSON.stringify(got.error)}` : got.json;
  console.error(`✖ ${c.name}\n    expected ${want}, sigs.k8s.io/yaml gives ${saw}`);
}
console.log(`${cases.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
