import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { createAppMetrics, promLabelName, repoLabel, type AppView } from './app-metrics.ts';
import { createAppSetMetrics } from './appset-metrics.ts';
import { createClusterMetrics } from './cluster-metrics.ts';
import { createGitMetrics } from './git-metrics.ts';

const app: AppView = {
  metadata: { namespace: 'argocd', name: 'web', labels: { 'team.io/owner': 'payments' } },
  spec: {
    project: 'shop',
    source: { repoURL: 'https://bot:s3cr3t-token@GitHub.com/acme/Fleet.git' },
    destination: { name: 'east', namespace: 'web' },
    syncPolicy: { automated: {} },
  },
  status: {
    sync: { status: 'Synced' },
    health: { status: 'Healthy' },
    conditions: [{ type: 'SyncError' }, { type: 'SyncError' }, { type: 'OrphanedResourceWarning' }],
  },
};

async function exposition(
  options: Parameters<typeof createAppMetrics>[1] = {},
  apps: readonly AppView[] = [app],
): Promise<string> {
  const registry = new Registry();
  const metrics = createAppMetrics(registry, options);
  metrics.collectFrom(() => ({ apps, destServer: () => 'https://east.example:6443' }));
  metrics.observeReconcile(app, 'https://east.example:6443', 0.3);
  metrics.countSync(app, 'https://east.example:6443', 'Succeeded', 2.5);
  metrics.countK8sRequest(app, {
    server: 'https://east.example:6443',
    verb: 'Patch',
    kind: 'Deployment',
    namespace: 'web',
    code: 200,
    dryRun: false,
  });
  return registry.metrics();
}

describe("Argo CD's application metrics", () => {
  test('argocd_app_info carries Argo’s labels, the repo normalized and without credentials', async () => {
    const text = await exposition();
    assert.match(
      text,
      /^argocd_app_info\{namespace="argocd",name="web",project="shop",autosync_enabled="true",repo="https:\/\/github.com\/acme\/fleet",dest_server="https:\/\/east.example:6443",dest_namespace="web",sync_status="Synced",health_status="Healthy",operation=""\} 1$/m,
    );
    assert.doesNotMatch(text, /s3cr3t-token/);
  });

  test('an Application without status reports Unknown; a requested sync or a deletion shows in operation', async () => {
    const bare: AppView = { metadata: { namespace: 'argocd', name: 'new' }, operation: { sync: {} } };
    const going: AppView = { metadata: { namespace: 'argocd', name: 'old', deletionTimestamp: 'x' } };
    const text = await exposition({}, [bare, going]);
    assert.match(
      text,
      /name="new",project="default".*sync_status="Unknown",health_status="Unknown",operation="sync"/,
    );
    assert.match(text, /name="old".*operation="delete"/);
  });

  test('sync counters, the reconcile histogram with Argo’s buckets, k8s requests', async () => {
    const text = await exposition();
    assert.match(
      text,
      /^argocd_app_sync_total\{.*dest_server="https:\/\/east.example:6443",phase="Succeeded",dry_run="false"\} 1$/m,
    );
    assert.match(text, /^argocd_app_sync_duration_seconds_total\{.*\} 2.5$/m);
    const les = [...text.matchAll(/^argocd_app_reconcile_bucket\{le="([^"]+)"/gm)].map((m) => m[1]);
    assert.deepEqual(les, ['0.25', '0.5', '1', '2', '4', '8', '16', '+Inf']);
    assert.match(
      text,
      /^argocd_app_k8s_request_total\{namespace="argocd",name="web",project="shop",server="https:\/\/east.example:6443",response_code="200",verb="Patch",resource_kind="Deployment",resource_namespace="web",dry_run="false"\} 1$/m,
    );
  });

  test('argocd_app_labels and argocd_app_condition only when asked for, as in Argo CD', async () => {
    const off = await exposition();
    assert.doesNotMatch(off, /argocd_app_labels|argocd_app_condition/);
    const on = await exposition({ appLabels: ['team.io/owner'], appConditions: ['SyncError'] });
    assert.match(
      on,
      /^argocd_app_labels\{namespace="argocd",name="web",project="shop",label_team_io_owner="payments"\} 1$/m,
    );
    assert.match(
      on,
      /^argocd_app_condition\{namespace="argocd",name="web",project="shop",condition="SyncError"\} 2$/m,
    );
    assert.doesNotMatch(on, /condition="OrphanedResourceWarning"/);
  });

  test('label names and repo values', () => {
    assert.equal(promLabelName('app.kubernetes.io/part-of'), 'label_app_kubernetes_io_part_of');
    assert.equal(repoLabel('git@github.com:acme/fleet.git'), 'git@github.com/acme/fleet');
    assert.equal(repoLabel(undefined), '');
  });

  test('10,000 Applications scrape in well under 200 ms', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      ...app,
      metadata: { ...app.metadata, name: `app-${i}` },
    }));
    const registry = new Registry();
    createAppMetrics(registry).collectFrom(() => ({ apps: many, destServer: () => 'https://east:6443' }));
    await registry.metrics();
    const started = performance.now();
    const text = await registry.metrics();
    const ms = performance.now() - started;
    assert.equal(text.match(/^argocd_app_info\{/gm)?.length, 10_000);
    // Generous: the benchmark measures it properly; this catches an accidental quadratic.
    assert.ok(ms < 2000, `${ms} ms`);
  });
});

describe("Argo CD's cluster, ApplicationSet and git metrics", () => {
  test('cluster gauges from the live caches, events counted', async () => {
    const registry = new Registry();
    const metrics = createClusterMetrics(registry);
    metrics.collectFrom(() => [
      {
        server: 'https://east:6443',
        name: 'east',
        k8sVersion: 'v1.34.0',
        reachable: false,
        apiResources: 3,
        objects: 42,
      },
    ]);
    metrics.countEvent('https://east:6443', 'apps', 'Deployment');
    const text = await registry.metrics();
    assert.match(
      text,
      /^argocd_cluster_info\{server="https:\/\/east:6443",k8s_version="v1.34.0",name="east"\} 1$/m,
    );
    assert.match(
      text,
      /^argocd_cluster_connection_status\{server="https:\/\/east:6443",k8s_version="v1.34.0"\} 0$/m,
    );
    assert.match(text, /^argocd_cluster_api_resource_objects\{server="https:\/\/east:6443"\} 42$/m);
    assert.match(text, /^argocd_cluster_api_resources\{server="https:\/\/east:6443"\} 3$/m);
    assert.match(
      text,
      /^argocd_cluster_events_total\{server="https:\/\/east:6443",group="apps",kind="Deployment"\} 1$/m,
    );
  });

  test('ApplicationSet info, owned Applications and reconcile histogram', async () => {
    const registry = new Registry();
    const metrics = createAppSetMetrics(registry);
    metrics.collectFrom(() => [
      {
        metadata: { namespace: 'argocd', name: 'fleet' },
        status: {
          conditions: [{ type: 'ResourcesUpToDate', reason: 'ApplicationSetUpToDate' }],
          resources: [{}, {}],
        },
      },
      { metadata: { namespace: 'argocd', name: 'fresh' } },
    ]);
    metrics.observeReconcile('argocd', 'fleet', 0.02);
    const text = await registry.metrics();
    assert.match(
      text,
      /^argocd_appset_info\{namespace="argocd",name="fleet",resource_update_status="ApplicationSetUpToDate"\} 1$/m,
    );
    assert.match(
      text,
      /^argocd_appset_info\{namespace="argocd",name="fresh",resource_update_status="Unknown"\} 1$/m,
    );
    assert.match(text, /^argocd_appset_owned_applications\{namespace="argocd",name="fleet"\} 2$/m);
    assert.match(text, /^argocd_appset_reconcile_count\{namespace="argocd",name="fleet"\} 1$/m);
  });

  test('git requests by type and status; failures with the revision asked for', async () => {
    const registry = new Registry();
    const events = createGitMetrics(registry);
    events.onRequest('https://github.com/acme/fleet', 'ls-remote')({ ok: true, revision: 'main' });
    events.onRequest('https://github.com/acme/fleet', 'fetch')({ ok: false, revision: 'main' });
    const text = await registry.metrics();
    assert.match(
      text,
      /^argocd_git_request_total\{repo="https:\/\/github.com\/acme\/fleet",request_type="ls-remote",status="ok"\} 1$/m,
    );
    assert.match(
      text,
      /^argocd_git_request_total\{repo="https:\/\/github.com\/acme\/fleet",request_type="fetch",status="error"\} 1$/m,
    );
    assert.match(
      text,
      /^argocd_git_fetch_fail_total\{repo="https:\/\/github.com\/acme\/fleet",revision="main"\} 1$/m,
    );
    assert.match(
      text,
      /^argocd_git_request_duration_seconds_bucket\{le="0.1",repo=.*request_type="fetch"\} 1$/m,
    );
  });
});
