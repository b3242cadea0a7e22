/**
 * Every ApplicationSet of the published corpus (../shared/realworld/corpus, 212 documents from
 * public repositories) through `spokes generate`, with the corpus's clusters folder and a local
 * git repository for every repoURL its git generators name (one branch per revision they ask
 * for; the trees hold no app folders, so the corpus's own folders are not reproduced). Asserted:
 * no crash (every failure is a SpokesError with a message), no NaN / Infinity and no null where
 * Argo's typed Application holds a string, and every failure is one that Argo CD also refuses —
 * the reviewed list below, each with its reason, which must fail exactly as listed.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { generateAll, type GenerateResult } from '../../src/cli/generate.ts';
import { expandPaths } from '../../src/cli/appset-files.ts';
import { SpokesError } from '../../src/errors.ts';
import { isPlainObject } from '../../src/params.ts';
import { parseYamlDocuments } from '../../src/yaml.ts';
import { createGitRepo, type GitRepo } from '../harness/git-repo.ts';

const REALWORLD = path.resolve(import.meta.dirname, '../../../shared/realworld');
const CORPUS = path.join(REALWORLD, 'corpus');

interface Refusal {
  readonly reason: string;
  readonly error: RegExp;
}

const CRD_REQUIRED: Refusal = {
  reason:
    "Argo CD's CRD requires spec.template.spec.project and a git generator's revision: kubectl apply is refused (design-doc examples written before the CRD had a schema)",
  error: /is invalid: [\s\S]*(project|revision): Required value/,
};
const CRD_GENERATORS_MAP: Refusal = {
  reason: 'spec.generators written as a map, not a list (a docs example bug): the CRD refuses it',
  error: /spec\.generators: Invalid value: "object": spec\.generators in body must be of type array/,
};
const CRD_UNKNOWN_FIELD: Refusal = {
  reason: "a field Argo CD's CRD does not have: kubectl's strict validation refuses it",
  error: /strict decoding error: unknown field "spec\.spec"/,
};
const DUPLICATE_NAMES: Refusal = {
  reason:
    'the template names every Application the same for each cluster: over the 3-cluster test fleet Argo CD refuses it with the same error (with one cluster it renders)',
  error: /contains applications with duplicate name/,
};
const EXTERNAL: Refusal = {
  reason:
    "an external generator (clusterDecisionResource, pullRequest, scmProvider, plugin): offline it needs its system's recorded answers (--cluster-decisions, --scm-fixture, --plugin), which the corpus does not have",
  error: /not available (here|offline)/,
};
const NO_PROVIDER: Refusal = {
  reason: "a docs example with the provider left out: Argo CD's own error, no provider configured",
  error: /no (Pull Request|SCM) provider implementation configured/,
};
const PR_GITHUB_STRING: Refusal = {
  reason: "pullRequest.github written as a string (docs example bug): Argo CD's CRD wants an object",
  error: /github: expected object, received string/,
};
const LIST_STRINGS: Refusal = {
  reason: 'list elements are strings, not maps (cdk8s output): Argo CD fails to read them as parameters too',
  error: /expected a map of parameters, got string/,
};
const DOC_BUG_PATH_PATH: Refusal = {
  reason:
    "Argo CD's example reads {{.path.path}} with no git generator: Argo CD's template fails the same way",
  error: /map has no entry for key "path"/,
};

/**
 * `corpus file › ApplicationSet ns/name` → why Argo CD refuses it too (the error must match).
 * Reviewed one by one against Argo CD v3.5's CRD and controller.
 */
const REFUSED_BY_ARGO: ReadonlyMap<string, Refusal> = new Map<string, Refusal>([
  [
    'argoproj__applicationset/examples__design-doc__applicationset.yaml › ApplicationSet argocd/guestbook',
    CRD_REQUIRED,
  ],
  [
    'argoproj__applicationset/examples__design-doc__git-directory-discovery.yaml › ApplicationSet argocd/cluster-addons',
    CRD_REQUIRED,
  ],
  [
    'argoproj__applicationset/examples__design-doc__git-files-discovery.yaml › ApplicationSet argocd/guestbook',
    CRD_REQUIRED,
  ],
  [
    'argoproj__argo-cd/applicationset__examples__design-doc__applicationset.yaml › ApplicationSet argocd/guestbook',
    CRD_REQUIRED,
  ],
  [
    'argoproj__argo-cd/applicationset__examples__design-doc__git-directory-discovery.yaml › ApplicationSet argocd/cluster-addons',
    CRD_REQUIRED,
  ],
  [
    'argoproj__argo-cd/applicationset__examples__design-doc__git-files-discovery.yaml › ApplicationSet argocd/guestbook',
    CRD_REQUIRED,
  ],
  [
    'argoproj__argo-cd/applicationset__examples__design-doc__proposal__filters.yaml › ApplicationSet argocd/guestbook',
    CRD_REQUIRED,
  ],
  [
    'argoproj__argo-cd/docs__operator-manual__applicationset__Appset-Any-Namespace.md__yaml-block-8.yaml › ApplicationSet team-one-cd/team-one-product-one',
    CRD_GENERATORS_MAP,
  ],
  [
    'small-hack__argocd-apps/matrix__storage__minio_vanilla__minio_argocd_appset.yaml › ApplicationSet argocd/matrix-minio-appset',
    CRD_UNKNOWN_FIELD,
  ],
  [
    'Azure-Samples__aks-platform-engineering/gitops__clusters__capz__aks-appset.yaml › ApplicationSet argocd/aks-appset',
    DUPLICATE_NAMES,
  ],
  [
    'Azure-Samples__aks-platform-engineering/terraform__bootstrap__addons.yaml › ApplicationSet argocd/cluster-addons',
    DUPLICATE_NAMES,
  ],
  [
    'Plork__techmarket-gitops-bridge/terraform__modules__cluster-addons__bootstrap__addons.yaml › ApplicationSet argocd/cluster-addons',
    DUPLICATE_NAMES,
  ],
  [
    'Plork__techmarket-gitops-bridge/terraform__modules__cluster-addons__bootstrap__workloads.yaml › ApplicationSet argocd/workloads',
    DUPLICATE_NAMES,
  ],
  [
    'argoproj__applicationset/examples__clusterDecisionResource__ducktype-example.yaml › ApplicationSet argocd/book-import',
    EXTERNAL,
  ],
  [
    'argoproj__argo-cd/applicationset__examples__clusterDecisionResource__ducktype-example.yaml › ApplicationSet argocd/book-import',
    EXTERNAL,
  ],
  [
    'argoproj__argo-cd/applicationset__examples__matrix__list-and-list.yaml › ApplicationSet argocd/list-and-list',
    DOC_BUG_PATH_PATH,
  ],
  [
    'argoproj__argo-cd/applicationset__examples__pull-request-generator__pull-request-example.yaml › ApplicationSet argocd/myapp',
    EXTERNAL,
  ],
  [
    'argoproj__argo-cd/applicationset__examples__scm-provider-generator__scm-provider-example-fasttemplate-gitlab.yaml › ApplicationSet argocd/guestbook',
    EXTERNAL,
  ],
  [
    'argoproj__argo-cd/docs__operator-manual__applicationset__Generators-Plugin.md__yaml-block-5.yaml › ApplicationSet argocd/fb-matrix',
    PR_GITHUB_STRING,
  ],
  [
    'argoproj__argo-cd/docs__operator-manual__applicationset__Generators-Pull-Request.md__yaml-block-10.yaml › ApplicationSet argocd/myapps',
    NO_PROVIDER,
  ],
  [
    'argoproj__argo-cd/docs__operator-manual__applicationset__Generators-Pull-Request.md__yaml-block-9.yaml › ApplicationSet argocd/myapps',
    NO_PROVIDER,
  ],
  [
    'argoproj__argo-cd/docs__operator-manual__applicationset__Generators-SCM-Provider.md__yaml-block-10.yaml › ApplicationSet argocd/myapps',
    NO_PROVIDER,
  ],
  [
    'argoproj__argo-cd/docs__operator-manual__applicationset__Generators-SCM-Provider.md__yaml-block-11.yaml › ApplicationSet argocd/myapps',
    EXTERNAL,
  ],
  [
    'aws-ia__terraform-aws-eks-blueprints/patterns__blue-green-upgrade__bootstrap__addons.yaml › ApplicationSet argocd/bootstrap-addons',
    DUPLICATE_NAMES,
  ],
  [
    'aws-ia__terraform-aws-eks-blueprints/patterns__gitops__getting-started-argocd__bootstrap__addons.yaml › ApplicationSet argocd/cluster-addons',
    DUPLICATE_NAMES,
  ],
  [
    'aws-ia__terraform-aws-eks-blueprints/patterns__gitops__getting-started-argocd__bootstrap__workloads.yaml › ApplicationSet argocd/workloads',
    DUPLICATE_NAMES,
  ],
  [
    'ch-stark__blogapplicationsetsglobalnamespace/config__applicationsets.yaml › ApplicationSet open-cluster-management-global-set/globalappset',
    EXTERNAL,
  ],
  [
    'ch-stark__blogapplicationsetsglobalnamespace/config__applicationsets.yaml › ApplicationSet open-cluster-management-global-set/globalappsetpolicies',
    EXTERNAL,
  ],
  [
    'embed001__DevopsCode/iac__week-4__demo-7__deploy__department1__team1__cvm__.terragrunt-cache__h-bKEa-GDy_8_XTE5RhX1mq7cZY__FLuUg-7BF-jovOpqhB6X4_zwHJ4__iac__week-6__demo-6__applicationset.yaml › ApplicationSet argocd/vote-pr-applicationset',
    EXTERNAL,
  ],
  [
    'gitops-bridge-dev__gitops-bridge/argocd__iac__terraform__examples__eks__argo-wf-ingress__bootstrap__addons.yaml › ApplicationSet argocd/bootstrap-addons',
    DUPLICATE_NAMES,
  ],
  [
    'gitops-bridge-dev__gitops-bridge/argocd__iac__terraform__examples__eks__external-secrets__bootstrap__workloads.yaml › ApplicationSet argocd/external-secrets-example',
    DUPLICATE_NAMES,
  ],
  [
    'gitops-bridge-dev__gitops-bridge/argocd__iac__terraform__examples__eks__getting-started__bootstrap__workloads.yaml › ApplicationSet argocd/workloads',
    DUPLICATE_NAMES,
  ],
  [
    'gitops-bridge-dev__kubecon-2024-eu-argocon/gitops__bootstrap__workloads__apps-appset.yaml › ApplicationSet argocd/apps',
    DUPLICATE_NAMES,
  ],
  [
    'open-cluster-management-io__argocd-pull-integration/examples__applicationset.yaml › ApplicationSet argocd/guestbook',
    EXTERNAL,
  ],
  [
    'open-cluster-management-io__ocm/solutions__deploy-argocd-apps-pull__example__guestbook-app-set.yaml › ApplicationSet argocd/guestbook-app-set',
    EXTERNAL,
  ],
  [
    'open-cluster-management-io__ocm/solutions__deploy-argocd-apps-pull__example__nested-apps-app-set.yaml › ApplicationSet argocd/nested-apps-app-set',
    EXTERNAL,
  ],
  [
    'open-cluster-management-io__ocm/solutions__deploy-argocd-apps__manifests__guestbook-app.yaml › ApplicationSet argocd/guestbook-app',
    EXTERNAL,
  ],
  [
    'petar-cvit__argocd.applicationset/synth__services__lala__anton__blue.yaml › ApplicationSet lala/anton',
    LIST_STRINGS,
  ],
  [
    'petar-cvit__argocd.applicationset/synth__services__namespace-a__moj-servis__rainbow.yaml › ApplicationSet namespace-a/moj-servis',
    LIST_STRINGS,
  ],
  [
    'petar-cvit__argocd.applicationset/synth__services__namespace-a__service-a__blue.yaml › ApplicationSet namespace-a/service-a',
    LIST_STRINGS,
  ],
  [
    'petar-cvit__argocd.applicationset/synth__services__namespace-a__service-b__blue.yaml › ApplicationSet namespace-a/service-b',
    LIST_STRINGS,
  ],
  [
    'skkuding__codedang/infra__k8s__argocd__applications__frontend-preview.yaml › ApplicationSet argocd/frontend-preview',
    EXTERNAL,
  ],
  [
    'small-hack__argocd-apps/alloy__templates__alloy_logs_argocd_appset.yaml › ApplicationSet argocd/alloy-logs-appset',
    EXTERNAL,
  ],
  [
    'small-hack__argocd-apps/alloy__templates__alloy_metrics_argocd_appset.yaml › ApplicationSet argocd/alloy-metrics-appset',
    EXTERNAL,
  ],
  [
    'small-hack__argocd-apps/alloy__templates__alloy_traces_argocd_appset.yaml › ApplicationSet argocd/alloy-traces-appset',
    EXTERNAL,
  ],
  [
    'small-hack__argocd-apps/argocd__app_of_apps__external_secrets_argocd_appset.yaml › ApplicationSet argocd/argocd-bitwarden-eso',
    EXTERNAL,
  ],
  [
    'small-hack__argocd-apps/demo__appflowy__app_of_apps__s3_provider_argocd_appset.yaml › ApplicationSet argocd/appflowy-s3-provider-app-set',
    EXTERNAL,
  ],
  [
    'stuttgart-things__argocd/platforms__homerun2-pr-preview__appset-core-catcher-pr-preview.yaml › ApplicationSet argocd/homerun2-core-catcher-pr-preview',
    EXTERNAL,
  ],
  [
    'zioproto__aks-gitops-bridge-sandbox/gitops__bootstrap__workloads__guestbook__guestbook-appset.yaml › ApplicationSet argocd/guestbook',
    DUPLICATE_NAMES,
  ],
]);

/** Every git generator's repoURL and revision in a document (nested matrix/merge children too). */
function gitRefs(value: unknown, out: Map<string, Set<string>>): void {
  if (Array.isArray(value)) for (const v of value) gitRefs(v, out);
  if (!isPlainObject(value)) return;
  const git = value.git;
  if (isPlainObject(git) && typeof git.repoURL === 'string' && !git.repoURL.includes('{{')) {
    const revisions = out.get(git.repoURL) ?? new Set<string>();
    if (typeof git.revision === 'string' && git.revision !== '' && !git.revision.includes('{{'))
      revisions.add(git.revision);
    out.set(git.repoURL, revisions);
  }
  for (const v of Object.values(value)) gitRefs(v, out);
}

/** A branch name git accepts for a revision (tags and SHAs are looked up as branches here). */
const branchable = (revision: string): boolean => revision !== 'HEAD' && /^[\w.\-/]+$/.test(revision);

/** NaN, Infinity, or null anywhere in an Application (Argo's typed Application holds none). */
function badValues(value: unknown, where: string, out: string[]): void {
  if (typeof value === 'number' && !Number.isFinite(value)) out.push(`${where}: ${value}`);
  else if (value === null) out.push(`${where}: null`);
  else if (Array.isArray(value)) value.forEach((v, i) => badValues(v, `${where}[${i}]`, out));
  else if (isPlainObject(value))
    for (const [k, v] of Object.entries(value)) badValues(v, `${where}.${k}`, out);
}

const repos: GitRepo[] = [];

/** A local repository per repoURL, with a branch per revision asked for. */
async function addRepos(
  refs: ReadonlyMap<string, ReadonlySet<string>>,
  mappings: Map<string, string>,
): Promise<void> {
  for (const [url, revisions] of refs) {
    const branches: Record<string, Record<string, string>> = { main: { 'README.md': `${url}\n` } };
    for (const revision of revisions)
      if (branchable(revision)) branches[revision] = { 'README.md': `${url}\n` };
    const repo = await createGitRepo({ branches, checkout: false });
    repos.push(repo);
    mappings.set(url, repo.path);
  }
}

let result: GenerateResult;

before(async () => {
  const { files } = await expandPaths([CORPUS]);
  const refs = new Map<string, Set<string>>();
  for (const file of files) {
    try {
      for (const doc of parseYamlDocuments(await readFile(file, 'utf8'), file)) gitRefs(doc, refs);
    } catch {
      // unreadable files are the generate run's failures
    }
  }
  const mappings = new Map<string, string>();
  const run = (): Promise<GenerateResult> =>
    generateAll({
      files: [CORPUS],
      clustersDir: path.join(REALWORLD, 'clusters'),
      repos: mappings,
      output: 'yaml',
    });
  await addRepos(refs, mappings);
  result = await run();
  // repoURLs that come from cluster annotations or parent generators are known only once run:
  // give them repositories too, and run again.
  const later = new Map<string, Set<string>>();
  for (const failure of result.failures) {
    const fetch = /(\S+) revision "([^"]+)": cannot fetch/.exec(failure.detail);
    if (fetch === null || mappings.has(fetch[1]!)) continue;
    later.set(fetch[1]!, new Set([...(later.get(fetch[1]!) ?? []), fetch[2]!]));
  }
  if (later.size > 0) {
    await addRepos(later, mappings);
    result = await run();
  }
});

after(async () => {
  await Promise.all(repos.map((r) => r.cleanup()));
});

const keyOf = (err: SpokesError): string =>
  `${path.relative(CORPUS, err.path[0] ?? '')} › ${err.path[1] ?? ''}`;

test('no crash: every failure is a SpokesError naming its file', () => {
  for (const failure of result.failures) {
    assert.ok(failure instanceof SpokesError, String(failure));
    assert.ok(failure.path[0]?.startsWith(CORPUS), failure.message);
  }
});

test('no NaN, Infinity or null in any generated Application', () => {
  const bad: string[] = [];
  for (const app of result.apps) {
    const found: string[] = [];
    badValues(app, `${app.metadata.namespace}/${app.metadata.name}`, found);
    bad.push(...found);
  }
  assert.deepEqual(bad, []);
});

test('every failure is one Argo CD also refuses (the reviewed list), and every listed one fails so', () => {
  const unexpected: string[] = [];
  const seen = new Set<string>();
  for (const failure of result.failures) {
    const key = keyOf(failure);
    seen.add(key);
    const reviewed = REFUSED_BY_ARGO.get(key);
    if (reviewed === undefined || !reviewed.error.test(failure.message)) unexpected.push(failure.message);
  }
  assert.deepEqual(unexpected, []);
  assert.deepEqual(
    [...REFUSED_BY_ARGO.keys()].filter((k) => !seen.has(k)),
    [],
    'listed as refused but rendered: remove from the list',
  );
  assert.ok(result.apps.length >= 300, `only ${result.apps.length} Applications rendered`);
});
