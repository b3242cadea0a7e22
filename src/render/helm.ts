/**
 * A Helm chart in git, templated the way Argo CD runs `helm template`: release name from
 * `helm.releaseName` or the Application's name, namespace from `helm.namespace` or the destination
 * namespace, value files relative to the chart (a leading `/` means the repository root; none may
 * leave it), `values` / `valuesObject` (the object wins) as a last values file, `parameters` as
 * `--set` / `--set-string`, CRDs included unless `skipCrds`.
 */
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { z } from 'zod';
import type { KubeObject } from '../kube/types.ts';
import { SpokesError } from '../errors.ts';
import { toYamlStream } from '../yaml.ts';
import { parseManifestStream } from './manifests.ts';
import { runTool, type ToolOptions } from './tools.ts';

export const helmOptionsSchema = z.looseObject({
  releaseName: z.string().optional(),
  namespace: z.string().optional(),
  valueFiles: z.array(z.string()).optional(),
  ignoreMissingValueFiles: z.boolean().optional(),
  values: z.string().optional(),
  valuesObject: z.record(z.string(), z.unknown()).optional(),
  parameters: z
    .array(z.object({ name: z.string(), value: z.string(), forceString: z.boolean().optional() }))
    .optional(),
  fileParameters: z.array(z.object({ name: z.string(), path: z.string() })).optional(),
  passCredentials: z.boolean().optional(),
  version: z.string().optional(),
  skipCrds: z.boolean().optional(),
  skipTests: z.boolean().optional(),
  skipSchemaValidation: z.boolean().optional(),
  kubeVersion: z.string().optional(),
  apiVersions: z.array(z.string()).optional(),
});
export type HelmOptions = z.infer<typeof helmOptionsSchema>;

/** Where `$ref/...` value files come from (a multi-source Application's ref sources). */
export interface RefFiles {
  /** Writes the file into `scratch`; undefined when it does not exist. */
  materialize(file: string, scratch: string, index: number): Promise<string | undefined>;
}

export interface HelmContext {
  /** The Application's name: the release name unless `releaseName` is set. */
  readonly appName: string;
  /** The destination namespace: the release namespace unless `helm.namespace` is set. */
  readonly namespace?: string;
}

/** Escapes commas as Argo CD does for --set values, except in `{a,b}` list values. */
export function cleanSetValue(value: string): string {
  if (value.startsWith('{') && value.endsWith('}')) return value;
  let out = '';
  let prev = '';
  for (const ch of value) {
    out += ch === ',' && prev !== '\\' ? '\\,' : ch;
    prev = ch;
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** A value file's path relative to the repository root; refuses URLs and paths leaving the repo. */
export function valueFilePath(appPath: string, file: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) {
    throw new SpokesError('InvalidSpec', `helm value file "${file}": remote value files are not supported`);
  }
  const joined = file.startsWith('/')
    ? posix.normalize(file.slice(1))
    : posix.normalize(posix.join(appPath, file));
  if (joined === '..' || joined.startsWith('../')) {
    throw new SpokesError('PathOutsideRepo', `helm value file "${file}" is outside the repository`);
  }
  return joined;
}

interface ValueFileInput {
  readonly root: string;
  readonly appPath: string;
  readonly options: HelmOptions;
  readonly scratch: string;
  readonly refs: RefFiles | undefined;
}

/** A value file's path on disk, or undefined when it does not exist. */
async function valueFileOnDisk(
  input: ValueFileInput,
  file: string,
  index: number,
): Promise<string | undefined> {
  if (file.startsWith('$')) {
    if (input.refs === undefined) {
      throw new SpokesError(
        'InvalidSpec',
        `source referenced "${file.split('/')[0]}", but no source has a 'ref' field defined`,
      );
    }
    return input.refs.materialize(file, input.scratch, index);
  }
  const path = join(input.root, valueFilePath(input.appPath, file));
  return (await exists(path)) ? path : undefined;
}

async function valueFileArgs(input: ValueFileInput): Promise<string[]> {
  const { options } = input;
  const args: string[] = [];
  const seen = new Set<string>();
  for (const [index, file] of (options.valueFiles ?? []).entries()) {
    const key = file.startsWith('$') && input.refs !== undefined ? file : valueFilePath(input.appPath, file);
    if (seen.has(key)) continue;
    seen.add(key);
    const path = await valueFileOnDisk(input, file, index);
    if (path === undefined) {
      if (options.ignoreMissingValueFiles === true) continue;
      throw new SpokesError('FileNotFound', `helm value file "${file}" does not exist`);
    }
    args.push('--values', path);
  }
  return args;
}

/** `--set-file name=path` per file parameter, paths resolved as value files are. */
async function setFileArgs(input: ValueFileInput): Promise<string[]> {
  const args: string[] = [];
  for (const [index, { name, path: file }] of (input.options.fileParameters ?? []).entries()) {
    const path = await valueFileOnDisk(input, file, 1000 + index);
    if (path === undefined)
      throw new SpokesError('FileNotFound', `helm file parameter "${name}": "${file}" does not exist`);
    args.push('--set-file', `${name}=${cleanSetValue(path)}`);
  }
  return args;
}

function setArgs(parameters: NonNullable<HelmOptions['parameters']>): string[] {
  const set = new Map<string, string>();
  const setString = new Map<string, string>();
  for (const p of parameters) (p.forceString === true ? setString : set).set(p.name, p.value);
  return [
    ...[...set].flatMap(([k, v]) => ['--set', `${k}=${cleanSetValue(v)}`]),
    ...[...setString].flatMap(([k, v]) => ['--set-string', `${k}=${cleanSetValue(v)}`]),
  ];
}

/** The inline values as YAML (valuesObject over values), or '' when none. */
export function inlineValues(options: HelmOptions): string {
  if (options.valuesObject !== undefined) return toYamlStream([options.valuesObject]);
  return options.values ?? '';
}

function flagArgs(options: HelmOptions): string[] {
  return [
    ...(options.apiVersions ?? []).flatMap((v) => ['--api-versions', v]),
    ...(options.skipCrds === true ? [] : ['--include-crds']),
    ...(options.skipSchemaValidation === true ? ['--skip-schema-validation'] : []),
    ...(options.skipTests === true ? ['--skip-tests'] : []),
  ];
}

/** Templates the chart at `appPath` inside `root` (an exported copy of the repository). */
/** Helm's complaint when a chart's dependencies are not in its charts/ folder. */
export function isMissingDependencies(err: unknown): boolean {
  const text = err instanceof Error ? err.message : String(err);
  return /found in (Chart|requirements)\.yaml, but missing in charts\/ directory/.test(text);
}

export interface HelmInput {
  readonly options: HelmOptions;
  readonly context: HelmContext;
  readonly refs?: RefFiles;
  /** Fetches the chart's dependencies into its charts/ folder (run when Helm says they are missing). */
  readonly buildDependencies?: (chartDir: string) => Promise<void>;
}

export async function renderHelm(
  root: string,
  appPath: string,
  input: HelmInput,
  tools: ToolOptions,
): Promise<KubeObject[]> {
  const { options, context } = input;
  const name = options.releaseName || context.appName;
  const namespace = options.namespace || context.namespace || '';
  const scratch = await mkdtemp(join(tmpdir(), 'spokes-helm-values-'));
  try {
    const args = ['template', '.', '--name-template', name];
    if (namespace !== '') args.push('--namespace', namespace);
    if (options.kubeVersion) args.push('--kube-version', options.kubeVersion);
    const files = { root, appPath, options, scratch, refs: input.refs };
    const values = await valueFileArgs(files);
    args.push(...setArgs(options.parameters ?? []), ...(await setFileArgs(files)), ...values);
    const inline = inlineValues(options);
    if (inline !== '') {
      const file = join(scratch, 'values.yaml');
      await writeFile(file, inline);
      args.push('--values', file);
    }
    args.push(...flagArgs(options));
    const chartDir = join(root, appPath);
    let out: string;
    try {
      out = await runTool('helm', args, chartDir, tools);
    } catch (err) {
      // As Argo CD: a chart whose dependencies are not vendored gets them fetched, then templated again.
      if (input.buildDependencies === undefined || !isMissingDependencies(err)) throw err;
      await input.buildDependencies(chartDir);
      out = await runTool('helm', args, chartDir, tools);
    }
    return parseManifestStream(out, 'helm template');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
