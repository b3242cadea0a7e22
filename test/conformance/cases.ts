/**
 * The conformance cases: the team's shared ones (../shared/conformance/cases) and this project's own
 * (test/conformance/cases, same format), each an ApplicationSet, optional cluster Secrets and git
 * trees, and the exact Applications (or error) Argo CD gives for it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseYamlDocuments } from '../../src/yaml.ts';

export const CASES_DIR = resolve(import.meta.dirname, '../../../shared/conformance/cases');
/** Cases added here, checked against Argo CD's own code (../shared/argo-oracle) when written. */
export const OWN_CASES_DIR = resolve(import.meta.dirname, 'cases');

export interface ConformanceCase {
  readonly name: string;
  readonly dir: string;
  readonly appSetFile: string;
  /** The cluster Secrets folder, when the case has one. */
  readonly clustersDir: string | undefined;
  /** Whether the case needs git repositories (repos.yaml). */
  readonly hasRepos: boolean;
  /** Offline answers of the generators that ask other systems, as `spokes generate` flags. */
  readonly externalFlags: readonly string[];
  readonly expected: { readonly apps: unknown[] } | { readonly error: string };
}

/** Every case of these folders (default: shared and own), by name; a name may appear once. */
export function loadCases(dirs: readonly string[] = [CASES_DIR, OWN_CASES_DIR]): ConformanceCase[] {
  const cases = dirs
    .filter((dir) => existsSync(dir))
    .flatMap((dir) =>
      readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => loadCase(join(dir, entry.name), entry.name)),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  const duplicate = cases.find((c, i) => i > 0 && cases[i - 1]?.name === c.name);
  if (duplicate !== undefined) throw new Error(`conformance case ${duplicate.name} is defined twice`);
  return cases;
}

function loadCase(dir: string, name: string): ConformanceCase {
  const clustersDir = join(dir, 'clusters');
  const errorFile = join(dir, 'expected-error.txt');
  const expectedFile = join(dir, 'expected.yaml');
  return {
    name,
    dir,
    appSetFile: join(dir, 'appset.yaml'),
    clustersDir: existsSync(clustersDir) ? clustersDir : undefined,
    hasRepos: existsSync(join(dir, 'repos.yaml')),
    externalFlags: externalFlags(dir),
    expected: existsSync(errorFile)
      ? { error: readFileSync(errorFile, 'utf8').trim() }
      : { apps: parseYamlDocuments(readFileSync(expectedFile, 'utf8'), expectedFile) },
  };
}

/**
 * This project's cases may also hold `cluster-decisions.yaml` (--cluster-decisions),
 * `plugins/NAME.yaml` (--plugin NAME=FILE, the plugin's recorded answer) and `scm-fixture.yaml`
 * (--scm-fixture).
 */
function externalFlags(dir: string): string[] {
  const flags: string[] = [];
  const decisions = join(dir, 'cluster-decisions.yaml');
  if (existsSync(decisions)) flags.push('--cluster-decisions', decisions);
  const plugins = join(dir, 'plugins');
  if (existsSync(plugins)) {
    for (const file of readdirSync(plugins).sort())
      flags.push('--plugin', `${file.replace(/\.ya?ml$|\.json$/, '')}=${join(plugins, file)}`);
  }
  const fixture = join(dir, 'scm-fixture.yaml');
  if (existsSync(fixture)) flags.push('--scm-fixture', fixture);
  return flags;
}

/** What the cases compare: apiVersion, kind, the named metadata fields and the whole spec, keyed by name. */
export function comparable(apps: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const app of apps as {
    apiVersion: unknown;
    kind: unknown;
    metadata: Record<string, unknown>;
    spec: unknown;
  }[]) {
    const { name, namespace, labels, annotations, finalizers } = app.metadata;
    out[String(name)] = {
      apiVersion: app.apiVersion,
      kind: app.kind,
      metadata: dropUndefined({ name, namespace, labels, annotations, finalizers }),
      spec: app.spec,
    };
  }
  return out;
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
