/**
 * Argo CD's build environment and its `$VAR` substitution (Go's `os.Expand` with Argo's mapping):
 * `$NAME` and `${NAME}` become the variable's value, or "" when it is not set; `$$` is a `$`.
 * Argo substitutes kustomize `images` and `commonLabels` values always, `commonAnnotations` values
 * with `commonAnnotationsEnvsubst`.
 */

/** The variables Argo CD's repo-server sets for a source (`newEnv` in its repository service). */
export interface BuildEnvInput {
  readonly appName: string;
  readonly namespace?: string;
  readonly project?: string;
  readonly revision: string;
  readonly repoURL: string;
  readonly path?: string;
  readonly targetRevision?: string;
}

export function buildEnv(input: BuildEnvInput): ReadonlyMap<string, string> {
  return new Map([
    ['ARGOCD_APP_NAME', input.appName],
    ['ARGOCD_APP_NAMESPACE', input.namespace ?? ''],
    ['ARGOCD_APP_PROJECT_NAME', input.project ?? ''],
    ['ARGOCD_APP_REVISION', input.revision],
    ['ARGOCD_APP_REVISION_SHORT', input.revision.slice(0, 7)],
    ['ARGOCD_APP_REVISION_SHORT_8', input.revision.slice(0, 8)],
    ['ARGOCD_APP_SOURCE_REPO_URL', input.repoURL],
    ['ARGOCD_APP_SOURCE_PATH', input.path ?? ''],
    ['ARGOCD_APP_SOURCE_TARGET_REVISION', input.targetRevision ?? ''],
  ]);
}

const SPECIAL = /^[*#$@!?\-0-9]$/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** The name after a `$` and how many characters it spans (Go's getShellName). */
function shellName(rest: string): { name: string; width: number } {
  if (rest[0] === '{') {
    if (rest.length > 2 && SPECIAL.test(rest[1]!) && rest[2] === '}') return { name: rest[1]!, width: 3 };
    const close = rest.indexOf('}', 1);
    if (close === 1) return { name: '', width: 2 }; // "${}" is eaten
    if (close < 0) return { name: '', width: 1 }; // "${" without a close is eaten
    return { name: rest.slice(1, close), width: close + 1 };
  }
  if (SPECIAL.test(rest[0]!)) return { name: rest[0]!, width: 1 };
  let i = 0;
  while (i < rest.length && NAME_CHAR.test(rest[i]!)) i++;
  return { name: rest.slice(0, i), width: i };
}

export function envsubst(text: string, env: ReadonlyMap<string, string>): string {
  let out = '';
  let i = 0;
  for (let j = 0; j < text.length; j++) {
    if (text[j] !== '$' || j + 1 >= text.length) continue;
    out += text.slice(i, j);
    const { name, width } = shellName(text.slice(j + 1));
    if (name === '' && width === 0) out += '$';
    else if (name !== '') out += name === '$' ? '$' : (env.get(name) ?? '');
    j += width;
    i = j + 1;
  }
  return out + text.slice(i);
}

const mapValues = (
  map: Readonly<Record<string, string>> | undefined,
  env: ReadonlyMap<string, string>,
): Record<string, string> | undefined =>
  map === undefined
    ? undefined
    : Object.fromEntries(Object.entries(map).map(([k, v]) => [k, envsubst(v, env)]));

/** Kustomize overrides after Argo's substitution: images and commonLabels, commonAnnotations when asked. */
export function substituteKustomize<
  T extends {
    images?: string[] | undefined;
    commonLabels?: Record<string, string> | undefined;
    commonAnnotations?: Record<string, string> | undefined;
    commonAnnotationsEnvsubst?: boolean | undefined;
  },
>(options: T, env: ReadonlyMap<string, string>): T {
  const out: T = { ...options };
  if (options.images !== undefined) out.images = options.images.map((i) => envsubst(i, env));
  if (options.commonLabels !== undefined) out.commonLabels = mapValues(options.commonLabels, env);
  if (options.commonAnnotationsEnvsubst === true && options.commonAnnotations !== undefined)
    out.commonAnnotations = mapValues(options.commonAnnotations, env);
  return out;
}

/**
 * Helm options after Argo's substitution: parameter values, value file and file parameter paths
 * (paths naming a ref source, `$ref/...`, are left as written; `isRef` tells them).
 */
export function substituteHelm<
  T extends {
    parameters?: { name: string; value: string; forceString?: boolean | undefined }[] | undefined;
    valueFiles?: string[] | undefined;
    fileParameters?: { name: string; path: string }[] | undefined;
  },
>(options: T, env: ReadonlyMap<string, string>, isRef: (file: string) => boolean = () => false): T {
  const path = (file: string): string => (isRef(file) ? file : envsubst(file, env));
  const out: T = { ...options };
  if (options.parameters !== undefined)
    out.parameters = options.parameters.map((p) => ({ ...p, value: envsubst(p.value, env) }));
  if (options.valueFiles !== undefined) out.valueFiles = options.valueFiles.map(path);
  if (options.fileParameters !== undefined)
    out.fileParameters = options.fileParameters.map((p) => ({ ...p, path: path(p.path) }));
  return out;
}
