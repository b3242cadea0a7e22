// Where the harness looks for binaries: the version-keyed cache, or KUBEBUILDER_ASSETS. No Go needed.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { binaryPaths, pinnedVersions, requireBinaries } from './bins.ts';

const saved = { cache: process.env.SPOKES_CACHE_DIR, assets: process.env.KUBEBUILDER_ASSETS };
let scratch = '';

beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'spokes-bins-test-'));
  process.env.SPOKES_CACHE_DIR = path.join(scratch, 'cache');
  delete process.env.KUBEBUILDER_ASSETS;
});

afterEach(async () => {
  for (const [key, value] of [
    ['SPOKES_CACHE_DIR', saved.cache],
    ['KUBEBUILDER_ASSETS', saved.assets],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await rm(scratch, { recursive: true, force: true });
});

async function fakeBinary(dir: string, name: string): Promise<void> {
  await writeFile(path.join(dir, name), '#!/bin/sh\n');
  await chmod(path.join(dir, name), 0o755);
}

test('versions come from the pinned go.mod files', () => {
  const versions = pinnedVersions();
  assert.match(versions['k8s.io/kubernetes'] ?? '', /^v1\.3\d+\.\d+$/);
  assert.match(versions['go.etcd.io/etcd/server/v3'] ?? '', /^v3\.[56]\.\d+$/);
  assert.match(versions['sigs.k8s.io/kustomize/kustomize/v5'] ?? '', /^v5\./);
  assert.match(versions['helm.sh/helm/v3'] ?? '', /^v3\./);
});

test('binaries live in the cache, in a folder per module and version', () => {
  const paths = binaryPaths();
  const cache = path.join(scratch, 'cache', 'bin');
  const k8s = pinnedVersions()['k8s.io/kubernetes'];
  assert.equal(paths['kube-apiserver'], path.join(cache, `kube-${k8s}`, 'kube-apiserver'));
  assert.equal(paths['kube-controller-manager'], path.join(cache, `kube-${k8s}`, 'kube-controller-manager'));
  assert.equal(paths.kubectl, path.join(cache, `kube-${k8s}`, 'kubectl'));
  assert.equal(
    path.dirname(paths.etcd),
    path.join(cache, `etcd-${pinnedVersions()['go.etcd.io/etcd/server/v3']}`),
  );
});

test('a missing binary is an error that says how to build it', () => {
  assert.throws(() => requireBinaries(), /npm run test:bins/);
});

test('KUBEBUILDER_ASSETS supplies kube-apiserver and etcd, and kube-controller-manager when present', async () => {
  const assets = path.join(scratch, 'assets');
  await mkdir(assets);
  await fakeBinary(assets, 'kube-apiserver');
  await fakeBinary(assets, 'etcd');
  process.env.KUBEBUILDER_ASSETS = assets;
  let paths = binaryPaths();
  assert.equal(paths['kube-apiserver'], path.join(assets, 'kube-apiserver'));
  assert.equal(paths.etcd, path.join(assets, 'etcd'));
  assert.ok(paths['kube-controller-manager'].startsWith(path.join(scratch, 'cache')));
  await fakeBinary(assets, 'kube-controller-manager');
  paths = binaryPaths();
  assert.equal(paths['kube-controller-manager'], path.join(assets, 'kube-controller-manager'));
});

test('KUBEBUILDER_ASSETS without etcd is refused', async () => {
  const assets = path.join(scratch, 'assets');
  await mkdir(assets);
  await fakeBinary(assets, 'kube-apiserver');
  process.env.KUBEBUILDER_ASSETS = assets;
  assert.throws(() => binaryPaths(), /has no etcd/);
});
