/**
 * Argo CD's Kustomize settings from `argocd-cm`: `kustomize.buildOptions` (e.g. `--enable-helm`),
 * and per version `kustomize.path.<v>` (or the older `kustomize.version.<v>`) naming a binary
 * with `kustomize.buildOptions.<v>` for it; an Application picks a version with
 * `source.kustomize.version`. With `--enable-helm`, kustomize runs the same helm binary as
 * Helm sources, and `helmCharts` are taken from the chart cache (see kustomize-helm.ts).
 */
import { SpokesError } from '../errors.ts';

export interface KustomizeVersion {
  readonly path?: string;
  readonly buildOptions?: string;
}

export interface KustomizeSettings {
  readonly buildOptions: string;
  readonly versions: ReadonlyMap<string, KustomizeVersion>;
}

export const NO_KUSTOMIZE_SETTINGS: KustomizeSettings = { buildOptions: '', versions: new Map() };

const PATH_PREFIXES = ['kustomize.path.', 'kustomize.version.'];
const OPTIONS_KEY = 'kustomize.buildOptions';

/** The Kustomize settings in argocd-cm's `data`; two keys for one version's binary are an error. */
export function kustomizeSettingsFrom(data: Readonly<Record<string, string>>): KustomizeSettings {
  const versions = new Map<string, { path?: string; buildOptions?: string }>();
  const at = (v: string): { path?: string; buildOptions?: string } => {
    let entry = versions.get(v);
    if (entry === undefined) versions.set(v, (entry = {}));
    return entry;
  };
  for (const [key, value] of Object.entries(data)) {
    const prefix = PATH_PREFIXES.find((p) => key.startsWith(p));
    if (prefix !== undefined) {
      const entry = at(key.slice(prefix.length));
      if (entry.path !== undefined) {
        throw new SpokesError(
          'InvalidSpec',
          `argocd-cm: found duplicate kustomize version: ${key.slice(prefix.length)}`,
        );
      }
      entry.path = value;
    } else if (key.startsWith(`${OPTIONS_KEY}.`)) {
      at(key.slice(OPTIONS_KEY.length + 1)).buildOptions = value;
    }
  }
  return { buildOptions: data[OPTIONS_KEY] ?? '', versions };
}

export interface KustomizeBuild {
  /** The binary for the chosen version, when one is chosen. */
  readonly binary?: string;
  /** Extra `kustomize build` arguments. */
  readonly options: readonly string[];
}

/** The binary and build options for an Application's `source.kustomize.version` (if any). */
export function kustomizeBuildFor(settings: KustomizeSettings, version: string | undefined): KustomizeBuild {
  if (version === undefined || version === '') return { options: splitOptions(settings.buildOptions) };
  const chosen = settings.versions.get(version);
  if (chosen?.path === undefined)
    throw new SpokesError('InvalidSpec', `kustomize version ${version} is not registered`);
  return { binary: chosen.path, options: splitOptions(chosen.buildOptions ?? settings.buildOptions) };
}

function splitOptions(text: string): string[] {
  return text.split(/\s+/).filter((s) => s !== '');
}

/** True when the build options turn on kustomize's Helm chart inflation. */
export function helmEnabled(options: readonly string[]): boolean {
  return options.some((o) => o === '--enable-helm' || o.startsWith('--enable-helm='));
}
