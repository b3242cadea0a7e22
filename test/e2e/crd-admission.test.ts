// Offline validation says what the hub says: each ApplicationSet the real kube-apiserver refuses
// (with crds/ installed) is refused by `spokes generate`'s admission check with the same message
// `kubectl apply` prints, and one it accepts passes the check.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { crdAdmissionError } from '../../src/api/crd-validate.ts';
import { useHarness } from '../harness/index.ts';

const exec = promisify(execFile);
const harness = useHarness();

const appSet = (name: string, spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name, namespace: 'default' },
  spec,
});

const template = (spec: Record<string, unknown> = {}): Record<string, unknown> => ({
  metadata: { name: '{{name}}' },
  spec: {
    project: 'default',
    source: { repoURL: 'https://git.example/apps.git', path: 'apps', targetRevision: 'HEAD' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'apps' },
    ...spec,
  },
});

const list = { list: { elements: [{ name: 'a' }] } };
const { project: _project, ...noProject } = template().spec as Record<string, unknown>;

const CASES: { name: string; doc: Record<string, unknown>; refused: boolean }[] = [
  { name: 'valid', doc: appSet('valid', { generators: [list], template: template() }), refused: false },
  {
    name: 'no project',
    doc: appSet('no-project', { generators: [list], template: { metadata: {}, spec: noProject } }),
    refused: true,
  },
  {
    name: 'git without revision',
    doc: appSet('no-revision', {
      generators: [{ git: { repoURL: 'https://git.example/apps.git', directories: [{ path: '*' }] } }],
      template: template(),
    }),
    refused: true,
  },
  {
    name: 'two errors',
    doc: appSet('two-errors', {
      generators: [{ git: { repoURL: 'https://git.example/apps.git', directories: [{ path: '*' }] } }],
      template: { metadata: {}, spec: noProject },
    }),
    refused: true,
  },
  {
    name: 'a misspelt field',
    doc: appSet('misspelt', { generators: [list], template: template(), goTemplateOption: ['x'] }),
    refused: true,
  },
  {
    name: 'a string where a boolean goes',
    doc: appSet('wrong-type', { generators: [list], template: template(), goTemplate: 'maybe' }),
    refused: true,
  },
];

let dir = '';
let kubeconfig: Promise<string> | undefined;
/** The hub's admin kubeconfig as a file for kubectl (written once, after the harness started). */
function kubeconfigFile(): Promise<string> {
  kubeconfig ??= (async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'spokes-admission-'));
    const file = path.join(dir, 'kubeconfig');
    await writeFile(file, stringify(harness().hub.kubeconfig('admin')));
    return file;
  })();
  return kubeconfig;
}
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

for (const c of CASES) {
  test(`${c.name}: the offline check and kubectl apply on the hub agree`, async () => {
    const config = await kubeconfigFile();
    const file = path.join(dir, `${String((c.doc.metadata as { name: string }).name)}.yaml`);
    await writeFile(file, stringify(c.doc));
    const offline = crdAdmissionError(c.doc);
    const applied = await exec(harness().binaries.kubectl, [
      '--kubeconfig',
      config,
      'apply',
      '-f',
      file,
    ]).then(
      () => undefined,
      (err: { stderr: string }) => err.stderr.trim(),
    );
    if (!c.refused) {
      assert.equal(applied, undefined);
      assert.equal(offline, undefined);
      return;
    }
    assert.ok(applied !== undefined, 'the hub refuses it');
    assert.ok(offline !== undefined, `offline accepts what the hub refuses: ${applied}`);
    // Several causes: the apiserver's order is its own; compare them as a set.
    const causes = (text: string): string[] => text.split('\n').sort();
    assert.deepEqual(
      causes(applied.slice(-offline.length)),
      causes(offline),
      `kubectl: ${applied}\noffline: ${offline}`,
    );
  });
}
