import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import { SpokesError } from '../errors.ts';
import { fileClusterSource } from './file-source.ts';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'spokes-clusters-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const secret = (name: string, data: string, labels = ''): string => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: argocd
  labels: {argocd.argoproj.io/secret-type: cluster${labels}}
${data}
`;

describe('clusters folder', () => {
  test('reads data (base64) and stringData, several per file, sorted by Secret name', async () => {
    const dir = folder({
      'a.yaml': `${secret('z-cluster', 'stringData: {name: zed, server: https://z}')}---\n${secret(
        'b-cluster',
        `data: {name: ${Buffer.from('bee').toString('base64')}, server: ${Buffer.from('https://b').toString('base64')}}`,
        ', env: prod',
      )}`,
    });
    const clusters = await fileClusterSource(dir).list();
    assert.deepEqual(
      clusters.map((c) => [c.secretName, c.name, c.server, c.labels.env]),
      [
        ['b-cluster', 'bee', 'https://b', 'prod'],
        ['z-cluster', 'zed', 'https://z', undefined],
      ],
    );
  });

  test('nested folders, List documents, and non-cluster documents ignored', async () => {
    const dir = folder({
      'nested/list.yml': `apiVersion: v1\nkind: List\nitems:\n- ${secret('c1', 'stringData: {name: c1, server: https://c1}').trimEnd().replaceAll('\n', '\n  ')}\n`,
      'repo.yaml':
        'apiVersion: v1\nkind: Secret\nmetadata: {name: r, labels: {argocd.argoproj.io/secret-type: repository}}\nstringData: {url: https://x}\n',
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
      'notes.txt': 'ignored',
    });
    assert.deepEqual(
      (await fileClusterSource(dir).list()).map((c) => c.name),
      ['c1'],
    );
  });

  test('a missing folder has no clusters', async () => {
    assert.deepEqual(await fileClusterSource(undefined).list(), []);
  });

  test('credentials are kept but never printed', async () => {
    const dir = folder({
      'c.yaml': secret('c', `stringData: {name: c, server: https://c, config: '{"bearerToken":"s3cr3t"}'}`),
    });
    const [cluster] = await fileClusterSource(dir).list();
    assert.equal(cluster!.config.reveal().bearerToken, 's3cr3t');
    assert.doesNotMatch(JSON.stringify(cluster), /s3cr3t/);
    assert.doesNotMatch(inspect(cluster, { depth: 10 }), /s3cr3t/);
    assert.doesNotMatch(String(cluster!.config), /s3cr3t/);
  });

  const failures: { name: string; data: string; code: string; text: RegExp }[] = [
    {
      name: 'no server',
      data: 'stringData: {name: c}',
      code: 'InvalidCluster',
      text: /c\.yaml › Secret broken: data\.server is required/,
    },
    {
      name: 'config that is not JSON, without quoting it',
      data: `stringData: {name: c, server: https://c, config: '{"bearerToken": s3cr3t'}`,
      code: 'InvalidCluster',
      text: /Secret broken: data\.config is not valid JSON$/,
    },
  ];
  for (const row of failures) {
    test(`error: ${row.name}`, async () => {
      const dir = folder({ 'c.yaml': secret('broken', row.data) });
      await assert.rejects(fileClusterSource(dir).list(), (err: unknown) => {
        assert.ok(err instanceof SpokesError);
        assert.equal(err.code, row.code);
        assert.match(err.message, row.text);
        assert.doesNotMatch(err.message, /s3cr3t/);
        return true;
      });
    });
  }
});
