import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { connectHub, defaultKubeconfig } from './kubeconfig.ts';

const rows: [string, NodeJS.ProcessEnv, string | undefined][] = [
  ['the first KUBECONFIG entry', { KUBECONFIG: '/a/one:/b/two', HOME: '/home/me' }, '/a/one'],
  ['a single KUBECONFIG', { KUBECONFIG: '/a/one' }, '/a/one'],
  ['~/.kube/config without KUBECONFIG', { HOME: '/home/me' }, '/home/me/.kube/config'],
  ['an empty KUBECONFIG is unset', { KUBECONFIG: '', HOME: '/home/me' }, '/home/me/.kube/config'],
  ['nothing known: in-cluster', {}, undefined],
];
for (const [name, env, want] of rows) {
  test(`defaultKubeconfig: ${name}`, () => assert.equal(defaultKubeconfig(env), want));
}

test('connectHub: a broken kubeconfig is an error that does not quote it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spokes-kubeconfig-'));
  const file = join(dir, 'config');
  writeFileSync(file, 'users:\n- name: a\n  user: {token: s3cr3t-token\ncontexts: [');
  try {
    assert.throws(
      () => connectHub(file, undefined),
      (err: Error) => /not a valid kubeconfig/.test(err.message) && !err.message.includes('s3cr3t-token'),
    );
    assert.throws(() => connectHub(join(dir, 'missing'), undefined), /cannot read kubeconfig/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
