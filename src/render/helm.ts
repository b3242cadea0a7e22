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
  skipCrds: z.boolean().optional(),
  skipTests: z.boolean().optional(),
  skipSchemaValidation: z.boolean().optional(),
  kubeVersion: z.string().optional(),
  apiVersions: z.array(z.string()).optional(),
});
export type HelmOptions = z.infer<typeof helmOptionsSchema>;

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
  if (file.startsWith('$'))
    throw new SpokesError('InvalidSpec', `helm value file "${file}": $ref sources are not supported`);
  const joined = file.startsWith('/')
    ? posix.normalize(file.slice(1))
    : posix.normalize(posix.join(appPath, file));
  if (joined === '..' || joined.startsWith('../')) {
    throw new SpokesError('PathOutsideRepo', `helm value file "${file}" is outside the repository`);
  }
  return joined;
}

async function valueFileArgs(root: string, appPath: string, options: HelmOptions): Promise<string[]> {
  const args: string[] = [];
  const seen = new Set<string>();
  for (const file of options.valueFiles ?? []) {
    const path = join(root, valueFilePath(appPath, file));
    if (seen.has(path)) continue;
    seen.add(path);
    if (!(await exists(path))) {
      if (options.ignoreMissingValueFiles === true) continue;
      throw new SpokesError('FileNotFound', `helm value file "${file}" does not exist`);
    }
    args.push('--values', path);
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
export async function renderHelm(
  root: string,
  appPath: string,
  input: { readonly options: HelmOptions; readonly context: HelmContext },
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
    args.push(...setArgs(options.parameters ?? []), ...(await valueFileArgs(root, appPath, options)));
    const inline = inlineValues(options);
    if (inline !== '') {
      const file = join(scratch, 'values.yaml');
      await writeFile(file, inline);
      args.push('--values', file);
    }
    args.push(...flagArgs(options));
    const out = await runTool('helm', args, join(root, appPath), tools);
    return parseManifestStream(out, 'helm template');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
