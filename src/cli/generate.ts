/**
 * `spokes generate FILE... [--clusters DIR] [--repo URL=PATH]... [--output yaml|json]`: prints
 * every Application the ApplicationSets in FILE would produce; nothing else on stdout. The
 * generators that ask other systems read recorded answers: --cluster-decisions, --plugin,
 * --scm-fixture.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Application } from '../api/application.ts';
import { appSetNamespace, parseApplicationSet, type ApplicationSet } from '../api/applicationset.ts';
import { fileClusterSource, readSecretsDir } from '../clusters/file-source.ts';
import { fileClusterDecisionSource } from '../clusters/decisions-file.ts';
import { pluginTokenFromEnv } from '../config.ts';
import { SpokesError } from '../errors.ts';
import { expand } from '../expand.ts';
import type { ExternalSources } from '../external.ts';
import { offlinePluginSource, type OfflinePlugin } from '../plugin/source.ts';
import { fixtureScmSource } from '../scm/fixture.ts';
import type { Secret } from '../api/secret.ts';
import { createRepoSource, type GitRepoSource } from '../git/index.ts';
import { parseYamlDocuments, toYamlStream } from '../yaml.ts';
import { EXIT_OK, type CommandIO } from './io.ts';
import { startProgress } from './progress.ts';
import { parseRepoMappings } from '../git/repo-flags.ts';

export const generateHelp = `Usage: spokes generate FILE... [--clusters DIR] [--repo URL=PATH]... [--output yaml|json]
                       [--cluster-decisions FILE] [--plugin NAME=URL]... [--scm-fixture FILE]

Renders every Application the ApplicationSet(s) in FILE would produce, offline, exactly as
Argo CD would, and prints them (yaml: a multi-document stream; json: an array).

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

Exit codes: 0 ok, 1 an ApplicationSet could not be expanded, 2 bad command line.
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
  const apps = await generateFromFiles(options, io);
  io.stdout(options.output === 'json' ? `${JSON.stringify(apps, null, 2)}\n` : toYamlStream(apps));
  return EXIT_OK;
}

/**
 * Expands every ApplicationSet in the files, in order; the first failure throws. With `io`,
 * progress (one tick per ApplicationSet) goes to its stderr.
 */
export async function generateFromFiles(options: GenerateOptions, io?: CommandIO): Promise<Application[]> {
  const clusters = fileClusterSource(options.clustersDir);
  const repos = reposFor(options.repos, options.clustersDir);
  const external = offlineSources(options);
  const apps: Application[] = [];
  // Every file is read first, to count the ApplicationSets; a read error is raised in file order.
  const loaded = await Promise.all(
    options.files.map((file) =>
      readApplicationSets(file).then(
        (sets) => ({ file, sets }),
        (error: unknown) => ({ file, sets: [], error }),
      ),
    ),
  );
  const total = loaded.reduce((sum, l) => sum + l.sets.length, 0);
  const progress = io === undefined ? undefined : startProgress(io, 'generate', total);
  let failed = true;
  try {
    for (const { file, sets, ...read } of loaded) {
      if ('error' in read) throw read.error;
      for (const appSet of sets) {
        try {
          apps.push(...(await expand(appSet, { clusters, repos, ...external })));
        } catch (err) {
          throw err instanceof SpokesError ? err.at(file) : err;
        }
        progress?.tick(`${appSetNamespace(appSet)}/${appSet.metadata.name}`);
      }
    }
    failed = false;
  } finally {
    progress?.done(failed ? 'failed' : `${apps.length} Applications`);
    repos.close();
  }
  return apps;
}

export async function readApplicationSets(file: string): Promise<ApplicationSet[]> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new SpokesError('Io', `cannot read: ${(err as Error).message}`, { path: [file] });
  });
  return parseYamlDocuments(text, file).map((doc) => parseApplicationSet(doc, file));
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
