/**
 * `spokes diff --base REV [--head REV] [PATHS...]`: what a change to a repository's
 * ApplicationSets (or cluster Secrets, or the directories its git generators list) does to the
 * generated Applications — a PR preview. See docs/diff.md.
 */
import { parseArgs } from 'node:util';
import { computeDiff, reportHasChanges, type DiffOptions } from '../diff/run.ts';
import { formatReport, type OutputFormat } from '../diff/format.ts';
import { normalizeRepoPath } from '../diff/revision-files.ts';
import { SpokesError } from '../errors.ts';
import { EXIT_FAILED, EXIT_OK, type CommandIO } from './io.ts';
import { startProgress } from './progress.ts';
import { parseRepoMappings } from '../git/repo-flags.ts';
import { parseChartRepoMappings } from '../charts/index.ts';

export const diffHelp = `Usage: spokes diff --base REV [--head REV] [PATHS...] [--clusters DIR] [--repo URL=PATH]...
                  [--self-url URL] [--output text|markdown|json] [--exit-code] [--manifests]
                  [--chart-repo URL=DIR]...

Expands every ApplicationSet in the YAML files under PATHS as they are at --base and at --head,
and prints the Applications added, removed and changed (with their field changes), by
destination cluster. Runs in a git work tree; both sides are read from git objects, nothing is
checked out. Without --head the head side is the working tree as it is now, uncommitted and
untracked (not ignored) files included; your index and files are left untouched.

PATHS are files or folders relative to the repository root (default: the whole repository).
YAML files holding no ApplicationSet are skipped.

Git generators and Application sources whose repoURL is this repository read it at the side's
revision, whatever revision they name. Other repositories: --repo, else the mirror cache.

Options:
  --base REV             the revision to compare against (branch, tag, SHA, origin/main, HEAD~1)
  --head REV             the revision to preview (default: the working tree)
  --clusters DIR         cluster Secrets folder, relative to the repository root, read at each
                         side (default: clusters/ when it exists at that side)
  --repo URL=PATH        read the git repository URL from the local repository at PATH (repeatable)
  --self-url URL         the URL this repository is known by in repoURLs (default: the origin
                         remote's URL); compared ignoring case, a trailing .git and /
  -o, --output FMT       text (default), markdown (a PR comment) or json
  --exit-code            exit 1 when there are changes, 0 when there are none
  --manifests            also render the sources of each added or changed Application, and of
                         unchanged ones that source this repository, at both sides, and print
                         a per-object diff of the objects that change (Secret values hidden)
  --chart-repo URL=DIR   with --manifests: read the Helm chart repository or OCI registry URL
                         from the local folder DIR (index.yaml and archives, NAME-VERSION.tgz
                         files, or chart folders NAME/Chart.yaml), never the network (repeatable)
  --kustomize-path PATH  kustomize binary for --manifests (default: kustomize on PATH)
  --helm-path PATH       helm binary for --manifests (default: helm on PATH)
  -C DIR                 run as if started in DIR
  -h, --help             show this help

An ApplicationSet that fails to expand (at either side) is reported on stderr, its Applications
are left out of both sides, and the others are still compared and printed (exit code 1).

Exit codes: 0 ok (with --exit-code: no changes), 1 an error (message on stderr), an
ApplicationSet that failed, or, with --exit-code, changes found, 2 bad command line.
`;

const OUTPUTS: readonly OutputFormat[] = ['text', 'markdown', 'json'];

export interface DiffCommandOptions {
  readonly diff: Omit<DiffOptions, 'env' | 'progress'>;
  readonly output: OutputFormat;
  readonly exitCode: boolean;
}

export function parseDiffArgs(
  args: readonly string[],
  cwd: string,
  path: string,
): DiffCommandOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      base: { type: 'string' },
      head: { type: 'string' },
      clusters: { type: 'string' },
      repo: { type: 'string', multiple: true },
      'chart-repo': { type: 'string', multiple: true },
      'self-url': { type: 'string' },
      output: { type: 'string', short: 'o', default: 'text' },
      'exit-code': { type: 'boolean' },
      manifests: { type: 'boolean' },
      'kustomize-path': { type: 'string' },
      'helm-path': { type: 'string' },
      dir: { type: 'string', short: 'C' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (values.base === undefined || values.base === '') throw usage('--base REV is required');
  if (values.head === '') throw usage('--head needs a revision');
  const output = values.output as OutputFormat;
  if (!OUTPUTS.includes(output))
    throw usage(`--output must be text, markdown or json, got "${values.output}"`);
  // Checked now, so a bad path is a usage error before any git runs.
  for (const path of positionals) normalizeRepoPath(path);
  return {
    diff: {
      dir: values.dir ?? cwd,
      base: values.base,
      head: values.head,
      paths: positionals,
      clustersDir: values.clusters,
      repos: parseRepoMappings(values.repo ?? []),
      chartRepos: parseChartRepoMappings(values['chart-repo'] ?? []),
      selfURL: values['self-url'],
      manifests: values.manifests === true,
      tools: {
        searchPath: path,
        ...(values['kustomize-path'] ? { kustomize: values['kustomize-path'] } : {}),
        ...(values['helm-path'] ? { helm: values['helm-path'] } : {}),
      },
    },
    output,
    exitCode: values['exit-code'] === true,
  };
}

function usage(detail: string): SpokesError {
  return new SpokesError('Usage', detail);
}

export async function runDiff(args: readonly string[], io: CommandIO): Promise<number> {
  const options = parseDiffArgs(args, process.cwd(), process.env['PATH'] ?? '');
  if (options === 'help') {
    io.stdout(diffHelp);
    return EXIT_OK;
  }
  const report = await computeDiff({
    ...options.diff,
    env: process.env,
    progress: (label, total) => startProgress(io, label, total),
  });
  io.stdout(formatReport(report, options.output));
  for (const failure of report.failures ?? []) io.stderr(`spokes diff: error: ${failure.message}\n`);
  if ((report.failures?.length ?? 0) > 0) return EXIT_FAILED;
  return options.exitCode && reportHasChanges(report) ? EXIT_FAILED : EXIT_OK;
}
