/**
 * The zero values Argo CD's typed API never stores. Argo CD holds an Application in Go structs
 * whose JSON tags are mostly `omitempty`: `recurse: false`, `targetRevision: ""`, `sources: []`,
 * `commonLabels: {}` vanish when it writes the object, and `jsonnet` (`omitzero`) vanishes
 * while it has no extVars, tlas or libs. Fields without `omitempty` (`repoURL`, `project`,
 * `destination`, a jsonnet variable's `name`/`value`...) and pointers (`prune: false`,
 * `revisionHistoryLimit: 0`, `directory: {}`) stay. This module applies those tags
 * (argo-cd v3.5 pkg/apis/application/v1alpha1) to a generated Application's spec so that what
 * Spokes writes is what Argo CD would store. Fields the table does not know are left alone.
 */

/** How a field is encoded: dropped when zero, always kept, or a nested struct / list of structs. */
type Field =
  | 'omitempty'
  | 'keep'
  | { readonly struct: Struct; readonly pointer: boolean }
  | { readonly list: Struct }
  | { readonly omitzero: Struct };
interface Struct {
  readonly [field: string]: Field;
}

const O = 'omitempty';
const K = 'keep';
const ptr = (struct: Struct): Field => ({ struct, pointer: true });
const list = (struct: Struct): Field => ({ list: struct });

const JSONNET_VAR: Struct = { name: K, value: K, code: O };
const JSONNET: Struct = { extVars: list(JSONNET_VAR), tlas: list(JSONNET_VAR), libs: O };
const DIRECTORY: Struct = { recurse: O, jsonnet: { omitzero: JSONNET }, exclude: O, include: O };
const HELM: Struct = {
  valueFiles: O,
  parameters: list({ name: O, value: O, forceString: O }),
  releaseName: O,
  values: O,
  fileParameters: list({ name: O, path: O }),
  version: O,
  passCredentials: O,
  ignoreMissingValueFiles: O,
  skipCrds: O,
  valuesObject: K,
  namespace: O,
  kubeVersion: O,
  apiVersions: O,
  skipTests: O,
  skipSchemaValidation: O,
};
const KUSTOMIZE_SELECTOR: Struct = {
  group: O,
  version: O,
  kind: O,
  name: O,
  namespace: O,
  annotationSelector: O,
  labelSelector: O,
};
const KUSTOMIZE: Struct = {
  namePrefix: O,
  nameSuffix: O,
  images: O,
  commonLabels: O,
  version: O,
  commonAnnotations: O,
  forceCommonLabels: O,
  forceCommonAnnotations: O,
  namespace: O,
  commonAnnotationsEnvsubst: O,
  replicas: list({ name: K, count: K }),
  patches: list({ path: O, patch: O, target: ptr(KUSTOMIZE_SELECTOR), options: O }),
  components: O,
  ignoreMissingComponents: O,
  labelWithoutSelector: O,
  kubeVersion: O,
  apiVersions: O,
  labelIncludeTemplates: O,
};
const PLUGIN: Struct = {
  name: O,
  env: list({ name: K, value: K }),
  parameters: list({ name: O, string: K, map: K, array: K }),
};
const SOURCE: Struct = {
  repoURL: K,
  path: O,
  targetRevision: O,
  helm: ptr(HELM),
  kustomize: ptr(KUSTOMIZE),
  directory: ptr(DIRECTORY),
  plugin: ptr(PLUGIN),
  chart: O,
  ref: O,
  name: O,
};
const SYNC_POLICY: Struct = {
  automated: ptr({ prune: K, selfHeal: K, allowEmpty: K, enabled: K }),
  syncOptions: O,
  retry: ptr({ limit: O, backoff: ptr({ duration: O, factor: K, maxDuration: O }), refresh: O }),
  managedNamespaceMetadata: ptr({ labels: O, annotations: O }),
};
const SOURCE_HYDRATOR: Struct = {
  drySource: {
    struct: {
      repoURL: K,
      targetRevision: K,
      path: K,
      helm: ptr(HELM),
      kustomize: ptr(KUSTOMIZE),
      directory: ptr(DIRECTORY),
      plugin: ptr(PLUGIN),
    },
    pointer: false,
  },
  syncSource: { struct: { targetBranch: K, path: K }, pointer: false },
  hydrateTo: ptr({ targetBranch: K }),
};
const APPLICATION_SPEC: Struct = {
  source: ptr(SOURCE),
  destination: { struct: { server: O, namespace: O, name: O }, pointer: false },
  project: K,
  syncPolicy: ptr(SYNC_POLICY),
  ignoreDifferences: list({
    group: O,
    kind: K,
    name: O,
    namespace: O,
    jsonPointers: O,
    jqPathExpressions: O,
    managedFieldsManagers: O,
  }),
  info: list({ name: K, value: K }),
  revisionHistoryLimit: K,
  sources: list(SOURCE),
  sourceHydrator: ptr(SOURCE_HYDRATOR),
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** encoding/json's "empty" for omitempty: false, 0, "", null, and empty lists and maps. */
function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return isObject(v) && Object.keys(v).length === 0;
}

function encodeStruct(value: unknown, struct: Struct): unknown {
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const field = struct[key];
    const encoded = field === undefined ? v : encodeField(v, field);
    if (encoded !== undefined) out[key] = encoded;
  }
  return out;
}

/** The field's JSON as Go writes it, or undefined when Go leaves it out. */
function encodeField(v: unknown, field: Field): unknown {
  if (field === 'keep') return v === null ? undefined : v;
  if (field === 'omitempty') return isEmpty(v) ? undefined : v;
  if ('list' in field) {
    if (!Array.isArray(v)) return isEmpty(v) ? undefined : v;
    return v.length === 0 ? undefined : v.map((item) => encodeStruct(item, field.list));
  }
  if ('omitzero' in field) {
    const encoded = encodeStruct(v, field.omitzero);
    return isObject(encoded) && Object.keys(encoded).length === 0 ? undefined : encoded;
  }
  if (v === null || v === undefined) return field.pointer ? undefined : {};
  return encodeStruct(v, field.struct);
}

/** A generated Application's spec as Argo CD's Go types would write it. */
export function withoutArgoZeroValues<T>(spec: T): T {
  return encodeStruct(spec, APPLICATION_SPEC) as T;
}
