// A KubeClient for a spoke built from the cluster Secret config a user registers (bearer token + CA),
// against a real kube-apiserver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useHarness } from '../harness/index.ts';
import { KubeApiError } from '../../src/kube/errors.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { NAMESPACES } from '../../src/kube/types.ts';

const harness = useHarness({ clusters: ['spoke-a'], crds: false, controllerManager: false });
const b64 = (text: string): string => Buffer.from(text).toString('base64');

test('the registered config reaches the spoke', async () => {
  const spoke = harness().cluster('spoke-a');
  const client = KubeClient.fromClusterConfig(spoke.server, {
    bearerToken: spoke.users.admin.token,
    tlsClientConfig: { insecure: false, caData: b64(spoke.caPem) },
  });
  const { items } = await client.list(NAMESPACES);
  assert.ok(items.some((ns) => ns.metadata.name === 'default'));
});

test('a wrong token is refused with 401, and the token is not in the error', async () => {
  const spoke = harness().cluster('spoke-a');
  const token = 'not-the-token-0123456789';
  const client = KubeClient.fromClusterConfig(spoke.server, {
    bearerToken: token,
    tlsClientConfig: { caData: b64(spoke.caPem) },
  });
  await assert.rejects(client.list(NAMESPACES), (err: unknown) => {
    assert.ok(err instanceof KubeApiError, String(err));
    assert.equal(err.status, 401);
    assert.ok(!err.message.includes(token));
    return true;
  });
});

test('insecure skips CA verification; without a CA the server certificate is refused', async () => {
  const spoke = harness().cluster('spoke-a');
  const insecure = KubeClient.fromClusterConfig(spoke.server, {
    bearerToken: spoke.users.admin.token,
    tlsClientConfig: { insecure: true },
  });
  assert.ok((await insecure.list(NAMESPACES)).items.length > 0);
  const untrusted = KubeClient.fromClusterConfig(spoke.server, { bearerToken: spoke.users.admin.token });
  await assert.rejects(untrusted.list(NAMESPACES));
});
