/**
 * The repository cache against real git: repositories built in temp dirs, remotes served over
 * file://, `git daemon` and smart HTTP on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createGitRepo, type GitRepo } from '../../test/harness/git-repo.ts';
import { startGitDaemon, startGitHttpServer } from '../../test/harness/git-servers.ts';
import { secretSchema, type Secret } from '../api/secret.ts';
import { SpokesError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { createRepoSource, type GitRepoSource } from './index.ts';

const URL = 'https://git.example.com/org/mono.git';

async function rejection(promise: Promise<unknown>): Promise<SpokesError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SpokesError) return err;
    throw err;
  }
  throw new Error('expected a SpokesError');
}

describe('a local repository (--repo URL=PATH)', () => {
  let repo: GitRepo;
  let source: GitRepoSource;
  before(async () => {
    repo = await createGitRepo({
      branches: {
        main: {
          'apps/a/config.json': '{"name": "a"}',
          'apps/b/values.yaml': 'x: 1',
          'big.json': 'x'.repeat(2048),
          'links/to-file.json': { symlink: '../apps/a/config.json' },
          'links/to-dir': { symlink: '../apps' },
          'links/chain.json': { symlink: 'to-file.json' },
          'links/dangling.json': { symlink: 'nope.json' },
          'links/escape.json': { symlink: '../../../../etc/passwd' },
          'links/absolute.json': { symlink: '/etc/passwd' },
          'links/loop-a': { symlink: 'loop-b' },
          'links/loop-b': { symlink: 'loop-a' },
          'links/escape-dir': { symlink: '../..' },
        },
        develop: { 'apps/dev-only/config.json': '{}' },
      },
      tags: { v1: 'main', 'v2-annotated': { branch: 'develop', annotated: true }, develop: 'main' },
    });
    source = createRepoSource({
      localRepos: new Map([[URL, repo.path]]),
      maxFileBytes: 1024,
      cacheDir: repo.path,
    });
  });
  after(async () => {
    source.close();
    await repo.cleanup();
  });

  describe('resolves revisions', () => {
    const rows: [name: string, revision: string, expected: string][] = [
      ['HEAD (the checked-out branch)', 'HEAD', 'main'],
      ['an empty revision as HEAD', '', 'main'],
      ['a branch', 'main', 'main'],
      ['a branch over a tag of the same name', 'develop', 'refs/heads/develop'],
      ['a lightweight tag', 'v1', 'main'],
      ['an annotated tag, peeled to its commit', 'v2-annotated', 'refs/heads/develop'],
      ['a full ref name', 'refs/tags/v1', 'main'],
    ];
    for (const [name, revision, expected] of rows) {
      test(name, async () => {
        const at = await source.resolve(URL, revision);
        assert.equal(at.commit, await repo.revParse(expected));
        assert.equal(at.revision, revision);
      });
    }

    test('a full SHA and a short SHA', async () => {
      const sha = await repo.revParse('refs/heads/develop');
      assert.equal((await source.resolve(URL, sha)).commit, sha);
      assert.equal((await source.resolve(URL, sha.slice(0, 7))).commit, sha);
    });

    test('the URL is matched like Argo CD matches URLs (case, .git suffix)', async () => {
      assert.equal(
        (await source.resolve('https://GIT.example.com/org/mono', 'main')).commit,
        await repo.revParse('main'),
      );
    });

    test('error: an unknown revision names the repository and revision', async () => {
      const err = await rejection(source.resolve(URL, 'no-such-branch'));
      assert.equal(err.code, 'UnknownRevision');
      assert.match(
        err.message,
        /https:\/\/git\.example\.com\/org\/mono\.git revision "no-such-branch": unknown revision/,
      );
    });

    test('error: a SHA that is not in the repository', async () => {
      const err = await rejection(source.resolve(URL, 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef'));
      assert.equal(err.code, 'UnknownRevision');
    });
  });

  test('lists the tree, or only its directories', async () => {
    const at = await source.resolve(URL, 'main');
    const all = await source.listTree(at);
    const dirs = await source.listTree(at, { directoriesOnly: true });
    assert.ok(all.some((e) => e.path === 'apps/a/config.json' && e.type === 'blob'));
    assert.deepEqual(
      dirs.map((e) => e.path),
      ['apps', 'apps/a', 'apps/b', 'links'],
    );
  });

  describe('reads files, refusing anything outside the repository', () => {
    const reads: [name: string, path: string, content: string][] = [
      ['a regular file', 'apps/a/config.json', '{"name": "a"}'],
      ['a symlink to a file', 'links/to-file.json', '{"name": "a"}'],
      ['a chain of symlinks', 'links/chain.json', '{"name": "a"}'],
      ['through a symlinked directory', 'links/to-dir/b/values.yaml', 'x: 1'],
      ['a path with . and .. inside the repository', './apps/b/../a/config.json', '{"name": "a"}'],
    ];
    for (const [name, path, content] of reads) {
      test(name, async () => {
        const at = await source.resolve(URL, 'main');
        assert.equal((await source.readFile(at, path)).toString(), content);
      });
    }

    const refusals: [name: string, path: string, code: string, text: RegExp][] = [
      [
        '.. traversal',
        '../outside.json',
        'PathOutsideRepo',
        /"\.\.\/outside\.json" is outside the repository/,
      ],
      ['.. traversal in the middle', 'apps/../../etc/passwd', 'PathOutsideRepo', /outside the repository/],
      ['an absolute path', '/etc/passwd', 'PathOutsideRepo', /outside the repository/],
      [
        'a symlink whose target leaves the repository',
        'links/escape.json',
        'PathOutsideRepo',
        /"links\/escape\.json" resolves outside the repository through the symlink "links\/escape\.json" -> "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd"/,
      ],
      [
        'an absolute symlink',
        'links/absolute.json',
        'PathOutsideRepo',
        /symlink to "\/etc\/passwd", outside the repository/,
      ],
      [
        'a symlinked directory leaving the repository',
        'links/escape-dir/etc/passwd',
        'PathOutsideRepo',
        /outside the repository/,
      ],
      ['a dangling symlink', 'links/dangling.json', 'FileNotFound', /"links\/nope\.json" does not exist/],
      ['a symlink loop', 'links/loop-a', 'FileNotFound', /too many levels of symbolic links/],
      ['a directory', 'apps/a', 'FileNotFound', /"apps\/a" is a directory/],
      ['a missing file', 'apps/zzz.json', 'FileNotFound', /does not exist/],
      [
        'a file over the size limit',
        'big.json',
        'FileTooLarge',
        /"big\.json" is 2 KiB, over the 1 KiB limit/,
      ],
    ];
    for (const [name, path, code, text] of refusals) {
      test(`error: ${name}`, async () => {
        const at = await source.resolve(URL, 'main');
        const err = await rejection(source.readFile(at, path));
        assert.equal(err.code, code);
        assert.match(err.message, text);
        // Every refusal names the repository and revision.
        assert.match(
          err.message,
          /^https:\/\/git\.example\.com\/org\/mono\.git revision "main" \([0-9a-f]{7}\): /,
        );
      });
    }
  });

  test("the caller's GIT_*, EDITOR and PAGER variables do not reach git", async () => {
    const env = {
      ...process.env,
      GIT_DIR: '/nonexistent',
      GIT_WORK_TREE: '/nonexistent',
      EDITOR: 'vi',
      PAGER: 'less',
    };
    const other = createRepoSource({ localRepos: new Map([[URL, repo.path]]), cacheDir: repo.path, env });
    assert.equal((await other.resolve(URL, 'main')).commit, await repo.revParse('main'));
  });

  test('error: a --repo path that is not a git repository', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spokes-not-a-repo-'));
    const other = createRepoSource({ localRepos: new Map([[URL, dir]]), cacheDir: dir });
    const err = await rejection(other.resolve(URL, 'main'));
    assert.equal(err.code, 'RepoNotFound');
    assert.match(err.message, /is not a git repository or a folder in one \(given with --repo\)/);
    await rm(dir, { recursive: true });
  });

  test('a --repo folder inside a repository is read as the root of its own repository', async () => {
    const sub = createRepoSource({
      localRepos: new Map([[URL, join(repo.path, 'apps')]]),
      cacheDir: repo.path,
    });
    try {
      const at = await sub.resolve(URL, 'main');
      assert.equal(at.commit, await repo.revParse('main'));
      const paths = (await sub.listTree(at)).map((entry) => entry.path);
      assert.deepEqual(paths, ['a', 'a/config.json', 'b', 'b/values.yaml']);
      assert.equal((await sub.readFile(at, 'a/config.json')).toString(), '{"name": "a"}');
      // Nothing above the folder can be reached.
      const err = await rejection(sub.readFile(at, '../big.json'));
      assert.equal(err.code, 'PathOutsideRepo');
      const dest = await mkdtemp(join(tmpdir(), 'spokes-sub-export-'));
      await sub.exportTree(at, dest);
      assert.equal(await readFile(join(dest, 'b/values.yaml'), 'utf8'), 'x: 1');
      await rm(dest, { recursive: true });
    } finally {
      sub.close();
    }
  });

  test('error: a revision without the --repo folder says so', async () => {
    const other = await createGitRepo({
      branches: { main: { 'fleet/apps.yaml': 'a: 1' }, old: { 'README.md': 'before the fleet folder' } },
    });
    const sub = createRepoSource({
      localRepos: new Map([[URL, join(other.path, 'fleet')]]),
      cacheDir: other.path,
    });
    try {
      const err = await rejection(sub.listTree(await sub.resolve(URL, 'old')));
      assert.equal(err.code, 'FileNotFound');
      assert.match(err.message, /folder "fleet" \(the --repo root\) is not in this commit/);
    } finally {
      sub.close();
      await other.cleanup();
    }
  });
});

describe('mirrors of remote repositories', () => {
  let root: string;
  let remote: GitRepo;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'spokes-mirror-test-'));
    remote = await createGitRepo({
      dir: join(root, 'remote.git'),
      bare: true,
      branches: { main: { 'apps/a/config.json': '{}' }, develop: { 'apps/d/config.json': '{}' } },
      tags: { v1: 'main' },
    });
  });
  after(() => rm(root, { recursive: true, force: true }));

  function fetchCounter(): { log: ReturnType<typeof createLogger>; fetches: () => number } {
    let fetches = 0;
    const log = createLogger({
      write: (line) => void ((JSON.parse(line) as { msg: string }).msg === 'git fetch' && fetches++),
    });
    return { log, fetches: () => fetches };
  }

  test('fetches on demand, at most once per refresh interval, and again after refresh()', async () => {
    let clock = 1_700_000_000_000;
    const counter = fetchCounter();
    const source = createRepoSource({
      cacheDir: join(root, 'cache-interval'),
      minRefreshSeconds: 60,
      now: () => clock,
      log: counter.log,
    });
    const url = `file://${remote.path}`;
    const first = await source.resolve(url, 'main');
    assert.equal(first.commit, await remote.revParse('main'));
    assert.equal((await source.resolve(url, 'HEAD')).commit, first.commit);
    assert.equal((await source.resolve(url, 'v1')).commit, first.commit);
    assert.equal(counter.fetches(), 1);

    const second = await remote.commit('main', { 'apps/b/config.json': '{}' });
    clock += 30_000;
    assert.equal((await source.resolve(url, 'main')).commit, first.commit, 'within the interval: no fetch');
    assert.equal(counter.fetches(), 1);

    clock += 31_000;
    assert.equal((await source.resolve(url, 'main')).commit, second, 'after the interval: fetched');
    assert.equal(counter.fetches(), 2);

    const third = await remote.commit('main', { 'apps/c/config.json': '{}' });
    source.refresh(url);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await source.resolve(url, 'main')).commit, third, 'refresh() forces a fetch');
    assert.equal(counter.fetches(), 3);
    source.close();
  });

  test('a new source on the same cache folder respects the interval of the last fetch', async () => {
    const cacheDir = join(root, 'cache-shared');
    const url = `file://${remote.path}`;
    const one = fetchCounter();
    await createRepoSource({ cacheDir, log: one.log }).resolve(url, 'main');
    const two = fetchCounter();
    const at = await createRepoSource({ cacheDir, log: two.log }).resolve(url, 'develop');
    assert.equal(at.commit, await remote.revParse('develop'));
    assert.deepEqual([one.fetches(), two.fetches()], [1, 0]);
  });

  test('100 parallel reads of one repository over git:// make exactly one fetch', async () => {
    const daemon = await startGitDaemon(root);
    try {
      const counter = fetchCounter();
      const source = createRepoSource({ cacheDir: join(root, 'cache-daemon'), log: counter.log });
      const url = daemon.url('remote.git');
      const results = await Promise.all(
        Array.from({ length: 100 }, async () => {
          const at = await source.resolve(url, 'main');
          return (await source.listTree(at, { directoriesOnly: true })).length;
        }),
      );
      assert.equal(new Set(results).size, 1);
      assert.equal(daemon.uploadPacks(), 1, 'upload-pack requests served');
      assert.equal(counter.fetches(), 1);
      source.close();
    } finally {
      await daemon.stop();
    }
  });

  test('a remote whose HEAD names a missing branch: branches resolve, HEAD does not', async () => {
    const odd = await createGitRepo({
      dir: join(root, 'odd-head.git'),
      bare: true,
      branches: { main: { 'a.json': '{}' } },
    });
    await promisify(execFile)('git', ['symbolic-ref', 'HEAD', 'refs/heads/master'], { cwd: odd.path });
    const source = createRepoSource({ cacheDir: join(root, 'cache-odd') });
    const url = `file://${odd.path}`;
    assert.equal((await source.resolve(url, 'main')).commit, await odd.revParse('main'));
    assert.equal((await rejection(source.resolve(url, 'HEAD'))).code, 'UnknownRevision');
  });

  test('error: a repoURL that looks like an option is a URL, never an option', async () => {
    const marker = join(root, 'pwned');
    const source = createRepoSource({ cacheDir: join(root, 'cache-option') });
    const err = await rejection(source.resolve(`--upload-pack=touch ${marker}`, 'main'));
    assert.match(err.code, /^Repo(NotFound|Unreachable)$/);
    await assert.rejects(stat(marker), { code: 'ENOENT' });
  });

  test('error: an unreachable repository', async () => {
    const source = createRepoSource({ cacheDir: join(root, 'cache-unreachable') });
    const err = await rejection(source.resolve('git://127.0.0.1:1/nothing.git', 'main'));
    assert.equal(err.code, 'RepoUnreachable');
    assert.match(err.message, /^git:\/\/127\.0\.0\.1:1\/nothing\.git revision "main": cannot fetch: /);
  });

  test('error: a repository that does not exist', async () => {
    const source = createRepoSource({ cacheDir: join(root, 'cache-missing') });
    const err = await rejection(source.resolve(`file://${root}/no-such.git`, 'main'));
    assert.equal(err.code, 'RepoNotFound');
  });
});

describe('credentials', () => {
  const PASSWORD = 'hunter2-secret-token';
  let root: string;
  let argvLog: string;
  let gitWrapper: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'spokes-creds-test-'));
    await createGitRepo({
      dir: join(root, 'private.git'),
      bare: true,
      branches: { main: { 'a/x.json': '{}' } },
    });
    // A git that records its arguments, to prove credentials never reach them.
    argvLog = join(root, 'argv.log');
    gitWrapper = join(root, 'git-wrapper.sh');
    await writeFile(gitWrapper, `#!/bin/sh\necho "$@" >> '${argvLog}'\nexec git "$@"\n`);
    await chmod(gitWrapper, 0o755);
  });
  after(() => rm(root, { recursive: true, force: true }));

  function repoSecret(url: string, data: Record<string, string>): Secret {
    return secretSchema.parse({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'repo', labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
      stringData: { url, ...data },
    });
  }

  test('HTTPS: username and password from a repository Secret, never in argv or errors', async () => {
    const server = await startGitHttpServer(root, { username: 'bot', password: PASSWORD });
    try {
      const url = server.url('private.git');
      const good = createRepoSource({
        cacheDir: join(root, 'cache-good'),
        gitBinary: gitWrapper,
        credentials: [repoSecret(url, { username: 'bot', password: PASSWORD })],
      });
      assert.match((await good.resolve(url, 'main')).commit, /^[0-9a-f]{40}$/);

      const bad = createRepoSource({
        cacheDir: join(root, 'cache-bad'),
        gitBinary: gitWrapper,
        credentials: () => [repoSecret(url, { username: 'bot', password: `${PASSWORD}-wrong` })],
      });
      const err = await rejection(bad.resolve(url, 'main'));
      assert.equal(err.code, 'RepoUnreachable');
      assert.match(err.message, /cannot fetch: .*Authentication failed/);
      assert.doesNotMatch(err.message + String(err.stack), /hunter2/);

      const inURL = createRepoSource({ cacheDir: join(root, 'cache-url'), gitBinary: gitWrapper });
      const withCreds = url.replace('http://', `http://bot:${PASSWORD}@`);
      assert.match((await inURL.resolve(withCreds, 'main')).commit, /^[0-9a-f]{40}$/);
      const unknown = await rejection(inURL.resolve(withCreds, 'nope'));
      assert.doesNotMatch(unknown.message, /hunter2/);
      assert.match(unknown.message, /^http:\/\/127\.0\.0\.1:\d+\/private\.git revision "nope"/);

      const argv = await readFile(argvLog, 'utf8');
      assert.match(argv, /fetch/, 'the wrapper ran git');
      assert.doesNotMatch(argv, /hunter2/);
    } finally {
      await server.stop();
    }
  });

  test('SSH: the key goes to a 0600 temp file named by GIT_SSH_COMMAND, removed afterwards', async () => {
    const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-key-material\n-----END OPENSSH PRIVATE KEY-----';
    const report = join(root, 'ssh-report.txt');
    const fakeSsh = join(root, 'fake-ssh.sh');
    // Stands in for ssh: records the key file's mode and content, then fails like a refused connection.
    await writeFile(
      fakeSsh,
      `#!/bin/sh\nwhile [ $# -gt 0 ]; do if [ "$1" = -i ]; then stat -c %a "$2" > '${report}'; cat "$2" >> '${report}'; echo "$2" >> '${report}'; fi; shift; done\necho "ssh: connect to host: Connection refused" >&2\nexit 255\n`,
    );
    await chmod(fakeSsh, 0o755);
    const url = 'git@git.example.com:org/private.git';
    const source = createRepoSource({
      cacheDir: join(root, 'cache-ssh'),
      sshCommand: fakeSsh,
      credentials: [repoSecret(url, { sshPrivateKey: KEY })],
    });
    const err = await rejection(source.resolve(url, 'main'));
    assert.equal(err.code, 'RepoUnreachable');
    assert.doesNotMatch(err.message, /secret-key-material/);
    const [mode, ...rest] = (await readFile(report, 'utf8')).trim().split('\n');
    assert.equal(mode, '600');
    assert.equal(rest.slice(0, -1).join('\n'), KEY);
    await assert.rejects(stat(rest.at(-1)!), { code: 'ENOENT' }, 'the key file is removed');
  });
});
