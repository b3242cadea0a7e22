/**
 * Our Go template engine against Go itself, on machines without Go: every case in
 * test/oracle/golden/ (recorded from Go's text/template + sprig by `npm run oracle:update`) must
 * render byte for byte the same, errors included. `npm run oracle:check` re-runs Go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTINS } from '../../src/template/go/builtins.ts';
import { ARGO_FUNCS } from '../../src/template/go/index.ts';
import { loadGoldens, mismatch, runEngine } from '../oracle/cases.ts';

const goldens = loadGoldens();

test('the golden corpus is present and large', () => {
  const total = [...goldens.values()].reduce((n, cases) => n + cases.length, 0);
  assert.ok(total >= 500, `only ${total} golden cases`);
});

for (const [file, cases] of goldens) {
  test(`golden/${file}.json: ${cases.length} cases match Go`, () => {
    const failures = cases
      .map((c) => [c.name, mismatch(c, runEngine(c))] as const)
      .filter(([, why]) => why !== undefined)
      .map(([name, why]) => `${name}: ${why}`);
    assert.deepEqual(failures, []);
  });
}

test('every function and builtin we support is exercised by the golden corpus', () => {
  const templates = [...goldens.values()]
    .flat()
    .map((c) => c.template)
    .join('\n');
  const used = (name: string): boolean => new RegExp(`(^|[\\s(|])${name}($|[\\s)}|])`).test(templates);
  const names = [...ARGO_FUNCS.keys(), ...BUILTINS.keys()];
  assert.deepEqual(
    names.filter((n) => !used(n)),
    [],
  );
});
