import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultKubeconfig } from './kubeconfig.ts';

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
