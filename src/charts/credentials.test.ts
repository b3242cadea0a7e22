import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Secret } from '../api/secret.ts';
import { caFor, chartCredentialsFor, repositoryNamed } from './credentials.ts';

const secret = (name: string, type: string, data: Record<string, string>): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, labels: { 'argocd.argoproj.io/secret-type': type } },
  stringData: data,
});

const SECRETS = [
  secret('exact', 'repository', {
    type: 'helm',
    name: 'stable',
    url: 'https://charts.example.com/stable',
    username: 'u',
    password: 'p1',
  }),
  secret('bare', 'repository', {
    type: 'helm',
    url: 'https://charts.example.com/bare',
    enableOCI: 'false',
    insecure: 'true',
  }),
  secret('org', 'repo-creds', {
    type: 'helm',
    url: 'https://charts.example.com',
    username: 'org',
    password: 'p2',
    tlsClientCertData: 'CERT',
    tlsClientCertKey: 'KEY',
  }),
  secret('ghcr', 'repo-creds', { type: 'oci', url: 'oci://ghcr.io/org', username: 'o', password: 'p3' }),
  secret('git', 'repo-creds', {
    type: 'git',
    url: 'https://charts.example.com/bare/deeper',
    username: 'g',
    password: 'p4',
  }),
];

describe('chart repository credentials from Argo CD Secrets', () => {
  test('a repository Secret with its own credentials', () => {
    const c = chartCredentialsFor('https://charts.example.com/stable/', SECRETS);
    assert.equal(c?.username, 'u');
    assert.equal(c?.password?.reveal(), 'p1');
    assert.equal(JSON.stringify(c), JSON.stringify({ ...c, password: '[redacted]' }));
  });
  test('a repository Secret without credentials takes the longest matching repo-creds of type helm/oci', () => {
    const c = chartCredentialsFor('https://charts.example.com/bare', SECRETS);
    assert.equal(c?.username, 'org');
    assert.equal(c?.insecure, true, "the repository's own settings win");
    assert.equal(c?.certData?.reveal(), 'CERT');
  });
  test('a git repo-creds never lends its password to a chart repository', () => {
    assert.equal(chartCredentialsFor('https://charts.example.com/bare/deeper/x', SECRETS)?.username, 'org');
  });
  test('OCI: type oci enables OCI; the oci:// scheme is ignored when matching', () => {
    const c = chartCredentialsFor('ghcr.io/org/charts', SECRETS);
    assert.equal(c?.username, 'o');
    assert.equal(c?.enableOCI, true);
  });
  test('nothing matches: no credentials', () =>
    assert.equal(chartCredentialsFor('https://other.example', SECRETS), undefined));
  test('@name dependencies find the repository Secret by name', () => {
    assert.equal(repositoryNamed('stable', SECRETS)?.url, 'https://charts.example.com/stable');
    assert.equal(repositoryNamed('nope', SECRETS), undefined);
  });
  test('CA certificates by host name, port ignored', () => {
    const certs = { 'charts.example.com': 'PEM', '::1': 'SIX' };
    assert.equal(caFor('charts.example.com:8443', certs), 'PEM');
    assert.equal(caFor('[::1]:5000', certs), 'SIX');
    assert.equal(caFor('other', certs), undefined);
  });
});
