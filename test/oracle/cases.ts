/**
 * The differential corpus: loading cases (hand-written YAML and the generated JSON under
 * corpus/), the committed golden files (Go's output for each case), and running our engine on a
 * case the way the oracle runs Go.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compileGoTemplate } from '../../src/template/go/index.ts';
import type { GoValue } from '../../src/template/go/value.ts';

export const ORACLE_DIR = import.meta.dirname;
export const CORPUS_DIR = join(ORACLE_DIR, 'corpus');
export const GOLDEN_DIR = join(ORACLE_DIR, 'golden');
/** The template name both Go and our engine use, so error texts compare exactly. */
export const TEMPLATE_NAME = 't';

export interface OracleCase {
  readonly name: string;
  readonly template: string;
  readonly data?: unknown;
  readonly options?: readonly string[];
  /** `any`: both must fail, but the texts may differ (documented differences only). */
  readonly errorMatch?: 'exact' | 'any';
}

export interface Outcome {
  readonly output?: string;
  readonly error?: string;
}

export type GoldenCase = OracleCase & Outcome;

/** Corpus files by name (without extension): hand-written *.yaml and generated *.json. */
export function loadCorpus(): Map<string, OracleCase[]> {
  const files = new Map<string, OracleCase[]>();
  for (const file of readdirSync(CORPUS_DIR).sort()) {
    const text = readFileSync(join(CORPUS_DIR, file), 'utf8');
    if (file.endsWith('.yaml')) files.set(basename(file, '.yaml'), parseYaml(text) as OracleCase[]);
    else if (file.endsWith('.json')) files.set(basename(file, '.json'), JSON.parse(text) as OracleCase[]);
  }
  return files;
}

export function loadGoldens(): Map<string, GoldenCase[]> {
  const files = new Map<string, GoldenCase[]>();
  for (const file of readdirSync(GOLDEN_DIR).sort()) {
    if (file.endsWith('.json')) {
      files.set(
        basename(file, '.json'),
        JSON.parse(readFileSync(join(GOLDEN_DIR, file), 'utf8')) as GoldenCase[],
      );
    }
  }
  return files;
}

/** Runs one case through our engine; errors are reported in Go's exact wording. */
export function runEngine(c: OracleCase): Outcome {
  try {
    const render = compileGoTemplate(c.template, { options: c.options ?? [], name: TEMPLATE_NAME });
    return { output: render(c.data as GoValue) };
  } catch (err) {
    const goMessage = (err as { goMessage?: (name: string) => string }).goMessage;
    return { error: goMessage === undefined ? String(err) : goMessage.call(err, TEMPLATE_NAME) };
  }
}

/** Why our outcome differs from the golden one, or undefined when they agree. */
export function mismatch(golden: GoldenCase, ours: Outcome): string | undefined {
  if (golden.error !== undefined) {
    if (ours.error === undefined)
      return `Go failed (${golden.error}) but we printed ${JSON.stringify(ours.output)}`;
    if (golden.errorMatch === 'any' || ours.error === golden.error) return undefined;
    return `error text differs:\n  go:   ${golden.error}\n  ours: ${ours.error}`;
  }
  if (ours.error !== undefined)
    return `Go printed ${JSON.stringify(golden.output)} but we failed: ${ours.error}`;
  if (ours.output === golden.output) return undefined;
  return `output differs:\n  go:   ${JSON.stringify(golden.output)}\n  ours: ${JSON.stringify(ours.output)}`;
}
