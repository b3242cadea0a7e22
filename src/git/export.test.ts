import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createGitRepo, type GitRepo } from '../../test/harness/git-repo.ts';
import { SpokesError } from '../errors.ts';
import { createRepoSource, type GitRepoSource } from './index.ts';

const exec = promisify(execFile);
const URL = 'https://git.example/export.git';

describe('exportTree (a commit written out for kustomize/helm)', () => {
  let repo: GitRepo;
  let bare: GitRepo;
  let source: GitRepoSource;
  let out: string;

  before(async () => {
    const files = {
      'apps/web/kustomization.yaml': 'resources: [../base]\n',
      'apps/base/cm.yaml': 'kind: ConfigMap\n',
      'apps/base/link.yaml': { symlink: 'cm.yaml' },
      'bin/run.sh': { executable: '#!/bin/sh\n' },
    };
    repo = await createGitRepo({
      branches: { main: files, evil: { 'a/out.yaml': { symlink: '../../../etc/passwd' } } },
    });
    bare = await createGitRepo({ bare: true, branches: { main: files } });
    source = createRepoSource({
      localRepos: new Map([
        [URL, repo.path],
        ['https://git.example/bare.git', bare.path],
      ]),
    });
    out = await mkdtemp(join(tmpdir(), 'spokes-export-test-'));
  });
  after(async () => {
    source.close();
    await Promise.all([repo.cleanup(), bare.cleanup(), rm(out, { recursive: true, force: true })]);
  });

  for (const url of [URL, 'https://git.example/bare.git']) {
    test(`writes every file, modes and symlinks kept (${url.endsWith('bare.git') ? 'bare' : 'work-tree'} repository)`, async () => {
      const dest = join(out, url.endsWith('bare.git') ? 'bare' : 'plain');
      await source.exportTree(await source.resolve(url, 'main'), dest);
      assert.equal(
        await readFile(join(dest, 'apps/web/kustomization.yaml'), 'utf8'),
        'resources: [../base]\n',
      );
      assert.equal(await readlink(join(dest, 'apps/base/link.yaml')), 'cm.yaml');
      assert.equal((await lstat(join(dest, 'bin/run.sh'))).mode & 0o111, 0o111);
    });
  }

  test("leaves the repository's own index and work tree alone", async () => {
    const before_ = (await exec('git', ['status', '--porcelain'], { cwd: repo.path })).stdout;
    await source.exportTree(await source.resolve(URL, 'main'), join(out, 'x'));
    assert.equal((await exec('git', ['status', '--porcelain'], { cwd: repo.path })).stdout, before_);
  });

  test('refuses a symlink that leaves the tree', async () => {
    await assert.rejects(
      source.exportTree(await source.resolve(URL, 'evil'), join(out, 'evil')),
      (err: unknown) =>
        err instanceof SpokesError && err.code === 'PathOutsideRepo' && /a\/out\.yaml/.test(err.message),
    );
  });
});
