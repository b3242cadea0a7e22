/**
 * The controller process's configuration: its flags (each with a SPOKES_* environment fallback),
 * the schema with defaults, and the help text. Nothing below src/process/ sees flags.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { applicationsSyncPolicies } from '../api/applicationset.ts';
import { defaultChartCacheDir } from '../charts/index.ts';
import { flagsHelp, type FlagSpecs } from '../config.ts';

export const controllerFlags: FlagSpecs = {
  kubeconfig: { type: 'string', help: 'kubeconfig of the hub (default: in-cluster service account)' },
  context: { type: 'string', help: 'kubeconfig context' },
  namespace: {
    type: 'string',
    short: 'n',
    help: 'control-plane namespace: cluster and repository Secrets, ApplicationSets (default argocd)',
  },
  'applicationset-namespaces': {
    type: 'string',
    multiple: true,
    help: 'more namespaces whose ApplicationSets are served: globs or /regex/, repeatable or comma-separated',
  },
  policy: {
    type: 'string',
    help: "create-only | create-update | create-delete | sync (default); the stricter of this and the ApplicationSet's own wins",
  },
  concurrency: { type: 'string', help: 'ApplicationSets reconciled at once (default 10)' },
  'requeue-after-seconds': {
    type: 'string',
    help: 'git generator poll interval when the spec sets none (default 180)',
  },
  'max-resources-status-count': {
    type: 'string',
    help: "Applications listed in an ApplicationSet's status.resources, as Argo CD caps them (default 5000; 0: no cap)",
  },
  listen: {
    type: 'string',
    help: 'address for /healthz, /readyz, /metrics and /api/webhook (default :8080)',
  },
  'leader-elect': {
    type: 'string',
    help: 'true (default): replicas share the shards through Leases; false: this one replica acts on every shard without Leases',
  },
  shards: {
    type: 'string',
    help: 'how many shards clusters and ApplicationSets are spread over, the same on every replica (default 16)',
  },
  'lease-name': {
    type: 'string',
    help: 'Lease name prefix in the control-plane namespace: <name>-shard-<n>, <name>-replica-<id> (default spokes-controller)',
  },
  'lease-duration-seconds': {
    type: 'string',
    help: 'how long a silent replica keeps its shards; it stops acting at two thirds of it (default 15)',
  },
  identity: {
    type: 'string',
    help: "this replica's name in the Leases and its User-Agent (default host-pid)",
  },
  'repo-cache-dir': { type: 'string', help: 'where git mirrors are kept (default ~/.cache/spokes/repos)' },
  repo: {
    type: 'string',
    multiple: true,
    help: 'URL=PATH: read repository URL from a local git repository (testing, offline)',
  },
  components: {
    type: 'string',
    help: 'which components run, comma-separated: appsets, sync, notifications (default all three)',
  },
  'sync-concurrency': { type: 'string', help: 'Applications synced at once in all (default 32)' },
  'cluster-concurrency': { type: 'string', help: 'Applications synced at once per cluster (default 4)' },
  'resync-seconds': {
    type: 'string',
    help: 'how often every Application is compared with git and its cluster again (default 180)',
  },
  'wave-timeout-seconds': {
    type: 'string',
    help: 'how long a sync wave may take to become healthy (default 300)',
  },
  'chart-cache-dir': {
    type: 'string',
    help: 'where Helm chart archives are kept (default ~/.cache/spokes/charts)',
  },
  'chart-cache-max-mb': {
    type: 'string',
    help: 'size bound of the chart archive cache in MiB (default 1024)',
  },
  'chart-index-refresh-seconds': {
    type: 'string',
    help: 'how long a chart repository index.yaml or OCI tag list is used before it is fetched again (default 180)',
  },
  'chart-max-index-mb': {
    type: 'string',
    help: 'the largest index.yaml or tag list read, in MiB (default 256); larger ones are refused',
  },
  'chart-proxy': {
    type: 'string',
    help: 'an HTTP(S) proxy for chart repositories and OCI registries (http://proxy:3128; default none)',
  },
  'chart-repo': {
    type: 'string',
    multiple: true,
    help: 'URL=DIR: read Helm chart repository or OCI registry URL from a local folder (testing, offline)',
  },
  'notifications-resync-seconds': {
    type: 'string',
    help: 'how often every subscribed object is evaluated again for notifications (default 60)',
  },
  'kustomize-path': { type: 'string', help: 'kustomize binary (default: kustomize on PATH)' },
  'helm-path': { type: 'string', help: 'helm binary (default: helm on PATH)' },
  'log-level': { type: 'string', help: 'debug | info (default) | warn | error' },
  'dashboard-address': {
    type: 'string',
    help: 'serve the web dashboard on this address, e.g. :8081 (default: off); its own listener, on every replica',
  },
  'dashboard-secure-cookie': {
    type: 'string',
    help: 'true: mark the dashboard session cookie Secure even without TLS or X-Forwarded-Proto (default false)',
  },
  'scm-cache-seconds': {
    type: 'string',
    help: 'how long an SCM provider answer is reused before it is revalidated (ETag); pull request webhooks expire it (default 10)',
  },
  'enable-scm-providers': {
    type: 'string',
    help: 'true (default) or false: whether pullRequest and scmProvider generators may call SCM providers',
  },
  'allowed-scm-providers': {
    type: 'string',
    multiple: true,
    help: 'custom SCM API URLs generators may use (repeatable or comma-separated; default any)',
  },
  'enable-progressive-syncs': {
    type: 'string',
    help: 'true (default) or false: run RollingSync strategies (progressive syncs); false updates every Application at once and says so in a condition',
  },
  'token-ref-strict-mode': {
    type: 'string',
    help: 'true or false (default): accept only SCM token Secrets labelled argocd.argoproj.io/secret-type: scm-creds',
  },
  'metrics-application-labels': {
    type: 'string',
    multiple: true,
    help: 'Application labels exported as argocd_app_labels (repeatable or comma-separated; default none: off)',
  },
  'metrics-application-conditions': {
    type: 'string',
    multiple: true,
    help: 'Application condition types exported as argocd_app_condition, e.g. OrphanedResourceWarning (default none: off)',
  },
  'otlp-address': {
    type: 'string',
    help: 'OpenTelemetry collector address (host:4317, OTLP/gRPC) to send traces to (default: off, or OTEL_EXPORTER_OTLP_ENDPOINT)',
  },
  'otlp-insecure': {
    type: 'string',
    help: 'true (default) or false: plain-text gRPC to the collector rather than TLS',
  },
  'otlp-headers': {
    type: 'string',
    multiple: true,
    help: 'key=value headers sent with every trace export (repeatable or comma-separated)',
  },
  'otlp-attrs': {
    type: 'string',
    multiple: true,
    help: 'key:value resource attributes added to every span (repeatable or comma-separated)',
  },
  'otlp-sample-ratio': {
    type: 'string',
    help: 'share of new traces kept, 0 to 1 (default 1); ParentBased(TraceIDRatio)',
  },
};

const COMPONENTS = ['appsets', 'sync', 'notifications'] as const;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A repeatable flag whose values may also be comma-separated. */
const commaList = () =>
  z
    .array(z.string())
    .default([])
    .transform((list) =>
      list
        .flatMap((item) => item.split(','))
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    );

export const controllerConfigSchema = z.strictObject({
  kubeconfig: z.string().optional(),
  context: z.string().optional(),
  namespace: z.string().min(1).default('argocd'),
  'applicationset-namespaces': commaList(),
  policy: z.enum(applicationsSyncPolicies).default('sync'),
  concurrency: positiveInt(10),
  'requeue-after-seconds': positiveInt(180),
  'max-resources-status-count': z.coerce.number().int().min(0).default(5000),
  listen: z.string().default(':8080'),
  'leader-elect': z.enum(['true', 'false']).default('true'),
  shards: z.coerce.number().int().min(1).max(1024).default(16),
  'lease-name': z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/, 'expected a DNS label of at most 40 characters')
    .default('spokes-controller'),
  'lease-duration-seconds': positiveInt(15),
  identity: z.string().default(`${hostname()}-${process.pid}`),
  'repo-cache-dir': z.string().optional(),
  repo: z.array(z.string().regex(/^.+=.+$/, 'expected URL=PATH')).default([]),
  components: z
    .string()
    .default('appsets,sync,notifications')
    .transform((text) => text.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(COMPONENTS)).min(1)),
  'sync-concurrency': positiveInt(32),
  'cluster-concurrency': positiveInt(4),
  'resync-seconds': positiveInt(180),
  'wave-timeout-seconds': positiveInt(300),
  'chart-cache-dir': z.string().default(() => defaultChartCacheDir(process.env)),
  'chart-cache-max-mb': positiveInt(1024),
  'chart-index-refresh-seconds': positiveInt(180),
  'chart-max-index-mb': positiveInt(256),
  'chart-proxy': z.url().optional(),
  'chart-repo': z.array(z.string().regex(/^.+=.+$/, 'expected URL=DIR')).default([]),
  'notifications-resync-seconds': positiveInt(60),
  'kustomize-path': z.string().optional(),
  'helm-path': z.string().optional(),
  'log-level': z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  'dashboard-address': z.string().default(''),
  'dashboard-secure-cookie': z.enum(['true', 'false']).default('false'),
  'scm-cache-seconds': z.coerce.number().int().min(0).default(10),
  'enable-scm-providers': z.enum(['true', 'false']).default('true'),
  'allowed-scm-providers': commaList(),
  'token-ref-strict-mode': z.enum(['true', 'false']).default('false'),
  'metrics-application-labels': commaList(),
  'metrics-application-conditions': commaList(),
  'otlp-address': z.string().default(''),
  'otlp-insecure': z.enum(['true', 'false']).default('true'),
  'otlp-headers': commaList(),
  'otlp-attrs': commaList(),
  'otlp-sample-ratio': z.coerce.number().min(0).max(1).default(1),
  'enable-progressive-syncs': z.enum(['true', 'false']).default('true'),
});

export type ControllerConfig = z.infer<typeof controllerConfigSchema>;

export const controllerHelp = `Usage: spokes controller [options]

Runs against the hub cluster. The ApplicationSet half watches ApplicationSets and Argo CD
cluster/repository Secrets and keeps the generated Applications in step; the sync half renders
each Application from git and server-side applies it to its destination cluster (prune,
self-heal, waves and hooks, status); notifications sends what argocd-notifications-cm asks for.
All run unless --components says otherwise. Stops gracefully on
SIGTERM. Webhook secrets come from SPOKES_WEBHOOK_GITHUB_SECRET, SPOKES_WEBHOOK_GITLAB_SECRET,
SPOKES_WEBHOOK_GITEA_SECRET, SPOKES_WEBHOOK_BITBUCKET_SERVER_SECRET and SPOKES_WEBHOOK_BITBUCKET_UUID.

Observability (docs/observability.md): /metrics serves Argo CD's metric names (argocd_app_info,
argocd_app_sync_total, argocd_app_reconcile, argocd_cluster_*, argocd_appset_*, argocd_git_*) next
to spokes_* ones. Traces go over OTLP/gRPC when --otlp-address (or OTEL_EXPORTER_OTLP_ENDPOINT) is
set; the standard OTEL_* variables (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, ...) apply.

Options:
${flagsHelp(controllerFlags)}
  -h, --help  show this help
`;

export const dashboardFlags: FlagSpecs = {
  kubeconfig: { type: 'string', help: 'kubeconfig of the hub (default: $KUBECONFIG or ~/.kube/config)' },
  context: { type: 'string', help: 'kubeconfig context' },
  namespace: controllerFlags['namespace']!,
  'applicationset-namespaces': controllerFlags['applicationset-namespaces']!,
  address: { type: 'string', help: 'where to serve the dashboard (default 127.0.0.1:8081)' },
  'repo-cache-dir': controllerFlags['repo-cache-dir']!,
  repo: controllerFlags['repo']!,
  'kustomize-path': controllerFlags['kustomize-path']!,
  'helm-path': controllerFlags['helm-path']!,
  'secure-cookie': controllerFlags['dashboard-secure-cookie']!,
  'log-level': controllerFlags['log-level']!,
};

export const dashboardConfigSchema = z.strictObject({
  kubeconfig: z.string().optional(),
  context: z.string().optional(),
  namespace: z.string().min(1).default('argocd'),
  'applicationset-namespaces': controllerConfigSchema.shape['applicationset-namespaces'],
  address: z.string().default('127.0.0.1:8081'),
  'repo-cache-dir': z.string().optional(),
  repo: controllerConfigSchema.shape.repo,
  'kustomize-path': z.string().optional(),
  'helm-path': z.string().optional(),
  'secure-cookie': z.enum(['true', 'false']).default('false'),
  'log-level': z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type DashboardConfig = z.infer<typeof dashboardConfigSchema>;

export const dashboardHelp = `Usage: spokes dashboard [options]

Serves the web dashboard from your machine against a hub, with your kubeconfig's identity: it
prints a one-time sign-in link for this browser (you may also sign in with a bearer token, then
the hub's TokenReview and SubjectAccessReview decide, which needs your identity to be allowed to
create both). Everything shown and done is authorised by the hub's RBAC. See docs/dashboard.md.

Options:
${flagsHelp(dashboardFlags)}
  -h, --help  show this help
`;
