import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kubeConfigForCluster } from './cluster-config.ts';

describe("a spoke's KubeConfig from a cluster Secret's config", () => {
  test('bearer token and CA', () => {
    const config = kubeConfigForCluster('https://spoke:6443', {
      bearerToken: 'tok',
      tlsClientConfig: { insecure: false, caData: 'Q0E=', serverName: 'spoke.internal' },
    });
    const cluster = config.getCurrentCluster();
    const user = config.getCurrentUser();
    assert.equal(cluster?.server, 'https://spoke:6443');
    assert.equal(cluster?.caData, 'Q0E=');
    assert.equal(cluster?.tlsServerName, 'spoke.internal');
    assert.equal(cluster?.skipTLSVerify, false);
    assert.equal(user?.token, 'tok');
  });

  test('client certificate, basic auth, insecure', () => {
    const config = kubeConfigForCluster('https://spoke', {
      username: 'u',
      password: 'p',
      tlsClientConfig: { insecure: true, certData: 'Y2VydA==', keyData: 'a2V5' },
    });
    const user = config.getCurrentUser();
    assert.equal(config.getCurrentCluster()?.skipTLSVerify, true);
    assert.deepEqual(
      [user?.username, user?.password, user?.certData, user?.keyData, user?.token],
      ['u', 'p', 'Y2VydA==', 'a2V5', undefined],
    );
  });

  test('execProviderConfig becomes a kubeconfig exec plugin (env map to pairs)', () => {
    const config = kubeConfigForCluster('https://spoke', {
      execProviderConfig: {
        command: 'aws',
        args: ['eks', 'get-token'],
        env: { AWS_PROFILE: 'x' },
        apiVersion: 'client.authentication.k8s.io/v1',
      },
    });
    assert.deepEqual(config.getCurrentUser()?.exec, {
      command: 'aws',
      args: ['eks', 'get-token'],
      env: [{ name: 'AWS_PROFILE', value: 'x' }],
      apiVersion: 'client.authentication.k8s.io/v1',
    });
  });

  test('empty fields are left out', () => {
    const config = kubeConfigForCluster('https://spoke', {
      bearerToken: '',
      tlsClientConfig: { caData: '' },
      execProviderConfig: { command: '' },
    });
    const user = config.getCurrentUser();
    assert.equal(user?.token, undefined);
    assert.equal(user?.exec, undefined);
    assert.equal(config.getCurrentCluster()?.caData, undefined);
  });
});
