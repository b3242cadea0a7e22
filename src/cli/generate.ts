/**
 * `spokes generate FILE... [--clusters DIR] [--repo URL=PATH]... [--output yaml|json]`: prints
 * every Application the ApplicationSets in FILE would produce; nothing else on stdout. The
 * generators that ask other systems read recorded answers: --cluster-decisions, --plugin,
 * --scm-fixture.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Application } from '../api/application.ts';
import { appSetNamespace } from '../api/applicationset.ts';
import { fileClusterSource, readSecretsDir } from '../clusters/file-source.ts';
import { fileClusterDecisionSource } from '../clusters/decisions-file.ts';
import { pluginTokenFromEnv } from '../config.ts';
import { locate, SpokesError } from '../errors.ts';
import { expand } from '../expand.ts';
import type { ExternalSources } from '../external.ts';
import { offlinePluginSource, type OfflinePlugin } from '../plugin/source.ts';
import { fixtureScmSource } from '../scm/fixture.ts';
import type { Secret } from '../api/secret.ts';
import { createRepoSource, type GitRepoSource } from '../git/index.ts';
import { toYamlStream } from '../yaml.ts';
import { EXIT_FAILED, EXIT_OK, type CommandIO } from './io.ts';
import { loadAppSets, skippedNotes } from './appset-files.ts';
import { startProgress } from './progress.ts';
import { parseRepoMappings } from '../git/repo-flags.ts';

export const generateHelp = `Usage: spokes generate PATH... [--clusters DIR] [--repo URL=PATH]... [--output yaml|json]
                       [--cluster-decisions FILE] [--plugin NAME=URL]... [--scm-fixture FILE]

Renders every Application the ApplicationSet(s) in PATH would produce, offline, exactly as
Argo CD would, and prints them (yaml: a multi-document stream; json: an array). A PATH is a
YAML file or a folder (its .yaml/.yml files, recursively, in path order). Documents that are
not ApplicationSets (an AppProject, an Application) are skipped, with one note per kind on
stderr. An ApplicationSet that fails is reported on stderr and the others are still printed.

Options:
  --clusters DIR     cluster Secrets (YAML) to use for the clusters generator
                     (default: ./clusters when it exists, else none)
  --repo URL=PATH    read the git repository URL from the local repository at PATH, or from a
                     folder PATH inside one as its root (repeatable)
  --cluster-decisions FILE
                     clusterDecisionResource: the ConfigMaps and duck-typed resources (e.g. OCM
                     PlacementDecisions with status) as a YAML stream
  --plugin NAME=URL  plugin generators whose configMapRef is NAME call URL (token from
                     SPOKES_PLUGIN_TOKEN_<NAME> or SPOKES_PLUGIN_TOKEN), or read the recorded
                     answer in file URL (repeatable)
  --scm-fixture FILE pullRequest and scmProvider generators answer from these recorded pull
                     requests and repositories (see docs/generators-external.md)
  -o, --output FMT   yaml (default) or json
  -h, --help         show this help

Exit codes: 0 ok, 1 any path, file or ApplicationSet failed (the rest is printed), 2 bad
command line.
`;

export interface GenerateOptions {
  readonly files: readonly string[];
  readonly clustersDir: string | undefined;
  readonly repos: ReadonlyMap<string, string>;
  readonly output: 'yaml' | 'json';
  readonly clusterDecisionsFile?: string;
  /** configMapRef name → base URL or recorded-answer file. */
  readonly plugins?: ReadonlyMap<string, string>;
  readonly scmFixture?: string;
}

export function parseGenerateArgs(args: readonly string[]): GenerateOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      clusters: { type: 'string' },
      repo: { type: 'string', multiple: true },
      output: { type: 'string', short: 'o', default: 'yaml' },
      'cluster-decisions': { type: 'string' },
      plugin: { type: 'string', multiple: true },
      'scm-fixture': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length === 0) throw usage('no FILE given');
  if (values.output !== 'yaml' && values.output !== 'json') {
    throw usage(`--output must be yaml or json, got "${values.output}"`);
  }
  return {
    files: positionals,
    clustersDir: values.clusters ?? (existsSync('clusters') ? 'clusters' : undefined),
    repos: parseRepoMappings(values.repo ?? []),
    output: values.output,
    ...(values['cluster-decisions'] ? { clusterDecisionsFile: values['cluster-decisions'] } : {}),
    plugins: parsePluginFlags(values.plugin ?? []),
    ...(values['scm-fixture'] ? { scmFixture: values['scm-fixture'] } : {}),
  };
}

function parsePluginFlags(flags: readonly string[]): Map<string, string> {
  const plugins = new Map<string, string>();
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq < 1 || eq === flag.length - 1) throw usage(`--plugin must be NAME=URL, got "${flag}"`);
    plugins.set(flag.slice(0, eq), flag.slice(eq + 1));
  }
  return plugins;
}

/** The sources of the generators that ask other systems, from recorded answers and flags. */
export function offlineSources(options: GenerateOptions): ExternalSources {
  const plugins = new Map<string, OfflinePlugin>();
  for (const [name, target] of options.plugins ?? [])
    plugins.set(name, { target, token: pluginTokenFromEnv(name) });
  return {
    ...(options.clusterDecisionsFile
      ? { clusterDecisions: fileClusterDecisionSource(options.clusterDecisionsFile) }
      : {}),
    plugins: offlinePluginSource(plugins),
    ...(options.scmFixture ? { scm: fixtureScmSource(options.scmFixture) } : {}),
  };
}

function usage(detail: string): SpokesError {
  return new SpokesError('Usage', detail);
}

export async function runGenerate(args: readonly string[], io: CommandIO): Promise<number> {
  const options = parseGenerateArgs(args);
  if (options === 'help') {
    io.stdout(generateHelp);
    return EXIT_OK;
  }
  const result = await generateAll(options, io);
  const { apps } = result;
  // When everything failed, stdout stays empty (not even `[]`), so a pipe sees no output at all.
  if (apps.length > 0 || result.failures.length === 0)
    io.stdout(options.output === 'json' ? `${JSON.stringify(apps, null, 2)}\n` : toYamlStream(apps));
  io.stderr(skippedNotes('generate', result.skipped));
  for (const failure of result.failures) io.stderr(`spokes generate: error: ${failure.message}\n`);
  return result.failures.length > 0 ? EXIT_FAILED : EXIT_OK;
}

export interface GenerateResult {
  /** The Applications of every ApplicationSet that expanded, in order. */
  readonly apps: Application[];
  /** Documents that are not ApplicationSets, by kind. */
  readonly skipped: ReadonlyMap<string, number>;
  /** One per path, file, document or ApplicationSet that failed; the others are still expanded. */
  readonly failures: readonly SpokesError[];
}

/**
 * Expands every ApplicationSet in the files and folders, in order; a failure is recorded and the
 * next ApplicationSet expanded. With `io`, progress (one tick per ApplicationSet) goes to its stderr.
 */
export async function generateAll(options: GenerateOptions, io?: CommandIO): Promise<GenerateResult> {
  const clusters = fileClusterSource(options.clustersDir);
  const repos = reposFor(options.repos, options.clustersDir);
  const external = offlineSources(options);
  const loaded = await loadAppSets(options.files);
  const failures: SpokesError[] = [...loaded.failures];
  const apps: Application[] = [];
  const progress = io === undefined ? undefined : startProgress(io, 'generate', loaded.appSets.length);
  try {
    for (const { appSet, file } of loaded.appSets) {
      const name = `${appSetNamespace(appSet)}/${appSet.metadata.name}`;
      try {
        apps.push(...(await expand(appSet, { clusters, repos, ...external })));
      } catch (err) {
        // expand's errors name the ApplicationSet; anything else is located here.
        failures.push(
          err instanceof SpokesError
            ? err.at(file)
            : locate(err, 'GeneratorFailed', file, `ApplicationSet ${name}`),
        );
      }
      progress?.tick(name);
    }
  } finally {
    progress?.done(failures.length > 0 ? `${failures.length} failed` : `${apps.length} Applications`);
    repos.close();
  }
  return { apps, skipped: loaded.skipped, failures };
}

/** Every Application the files' ApplicationSets produce; the first failure throws. */
export async function generateFromFiles(options: GenerateOptions, io?: CommandIO): Promise<Application[]> {
  const result = await generateAll(options, io);
  if (result.failures[0] !== undefined) throw result.failures[0];
  return result.apps;
}

/**
 * The git repositories `spokes generate` reads: `--repo URL=PATH` ones in place, others through
 * the mirror cache, with credentials from the repository Secrets in `secretsDir` (the clusters folder).
 */
export function reposFor(localRepos: ReadonlyMap<string, string>, secretsDir?: string): GitRepoSource {
  const credentials = async (): Promise<Secret[]> =>
    secretsDir === undefined ? [] : (await readSecretsDir(secretsDir)).map((s) => s.secret);
  return createRepoSource({ localRepos, credentials });
}
