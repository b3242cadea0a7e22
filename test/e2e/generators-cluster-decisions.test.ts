/**
 * clusterDecisionResource on a real hub: a CRD with OCM's PlacementDecision shape, its ConfigMap,
 * cluster Secrets, and an ApplicationSet that polls only hourly. Placement decisions change →
 * the Applications follow within seconds (the controller watches the duck-typed resource).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import {
  CONFIG_MAPS,
  SECRETS,
  APPLICATION_SETS,
  type KubeObject,
  type ResourceType,
} from '../../src/kube/types.ts';
import { installCrds, pollUntil, useHarness } from '../harness/index.ts';
import { appNames, clientFor, createNamespace, listApps, startController } from './support/hub.ts';

const harness = useHarness({ clusters: ['hub'] });
const NS = 'cdr';
const PLACEMENT_DECISIONS: ResourceType = {
  group: 'cluster.open-cluster-management.io',
  version: 'v1beta1',
  kind: 'PlacementDecision',
  plural: 'placementdecisions',
  namespaced: true,
};

function clusterSecret(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `cluster-${name}`,
      namespace: NS,
      labels: { 'argocd.argoproj.io/secret-type': 'cluster' },
    },
    stringData: { name, server: `https://${name}.example.com` },
  };
}

test('decisions change → Applications follow without waiting for the requeue', async () => {
  const client = clientFor(harness().hub);
  await installCrds(harness().hub, path.join(import.meta.dirname, 'fixtures/ocm'));
  await createNamespace(client, NS);
  for (const name of ['spoke-1', 'spoke-2', 'spoke-3']) await client.create(SECRETS, clusterSecret(name));
  await client.create(CONFIG_MAPS, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'ocm-placement-generator', namespace: NS },
    data: {
      apiVersion: 'cluster.open-cluster-management.io/v1beta1',
      kind: 'placementdecisions',
      statusListKey: 'decisions',
      matchKey: 'clusterName',
    },
  });
  const decision = await client.create(PLACEMENT_DECISIONS, {
    apiVersion: 'cluster.open-cluster-management.io/v1beta1',
    kind: 'PlacementDecision',
    metadata: {
      name: 'guestbook-decision-1',
      namespace: NS,
      labels: { 'cluster.open-cluster-management.io/placement': 'guestbook' },
    },
  });
  const setDecisions = async (clusters: string[]): Promise<void> => {
    const live = (await client.get<KubeObject>(PLACEMENT_DECISIONS, NS, decision.metadata.name))!;
    await client.replace(
      PLACEMENT_DECISIONS,
      {
        ...live,
        status: { decisions: clusters.map((clusterName) => ({ clusterName, reason: 'Selected' })) },
      },
      { subresource: 'status' },
    );
  };
  await setDecisions(['spoke-1']);

  const handle = await startController(client, NS);
  try {
    await client.create(APPLICATION_SETS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'guestbook', namespace: NS },
      spec: {
        generators: [
          {
            clusterDecisionResource: {
              configMapRef: 'ocm-placement-generator',
              labelSelector: { matchLabels: { 'cluster.open-cluster-management.io/placement': 'guestbook' } },
              requeueAfterSeconds: 3600,
            },
          },
        ],
        template: {
          metadata: { name: '{{clusterName}}-guestbook', labels: { reason: '{{reason}}' } },
          spec: {
            project: 'default',
            source: {
              repoURL: 'https://github.com/argoproj/argocd-example-apps.git',
              targetRevision: 'HEAD',
              path: 'guestbook',
            },
            destination: { server: '{{server}}', namespace: 'guestbook' },
          },
        },
      },
    });
    await pollUntil(async () => appNames(await listApps(client, NS)).join() === 'spoke-1-guestbook', {
      what: 'the Application of the first decision',
    });
    const [first] = await listApps(client, NS);
    assert.equal(
      (first!.spec as { destination: { server: string } }).destination.server,
      'https://spoke-1.example.com',
    );

    const changed = Date.now();
    await setDecisions(['spoke-2', 'spoke-3']);
    await pollUntil(
      async () => appNames(await listApps(client, NS)).join() === 'spoke-2-guestbook,spoke-3-guestbook',
      { what: 'Applications moved to the new decisions', timeoutMs: 15_000, intervalMs: 100 },
    );
    process.stderr.write(`decision change to Applications: ${Date.now() - changed} ms\n`);

    // A decision naming a cluster Argo CD does not know is skipped; registering it adds it.
    await setDecisions(['spoke-2', 'spoke-4']);
    await pollUntil(async () => appNames(await listApps(client, NS)).join() === 'spoke-2-guestbook', {
      what: 'only the registered cluster',
      timeoutMs: 15_000,
    });
    await client.create(SECRETS, clusterSecret('spoke-4'));
    await pollUntil(
      async () => appNames(await listApps(client, NS)).join() === 'spoke-2-guestbook,spoke-4-guestbook',
      { what: 'the newly registered cluster', timeoutMs: 15_000 },
    );
  } finally {
    await handle.stop();
  }
});
