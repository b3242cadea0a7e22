/**
 * `spokes dashboard` from a laptop: the command against a real hub, as the kubeconfig's identity.
 * The one-time link it prints signs one browser in (once); the grid shows the hub's Applications.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { KubeClient } from '../../src/kube/client.ts';
import { APPLICATIONS, NAMESPACES } from '../../src/kube/types.ts';
import { pollUntil, useHarness } from '../harness/index.ts';
import { launchBrowser } from '../support/browser.ts';

const harness = useHarness({ clusters: ['hub'], controllerManager: false });
const BIN = resolve(import.meta.dirname, '../../bin/spokes.js');

describe('spokes dashboard (standalone)', () => {
  let child: ChildProcess | undefined;
  after(() => child?.kill('SIGKILL'));

  test('prints a one-time sign-in link for the kubeconfig identity and serves the hub', async () => {
    const hub = new KubeClient(harness().hub.kubeConfig('admin'));
    await hub.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } });
    await hub.create(APPLICATIONS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'lonely-app', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://example.com/r.git', path: 'x' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'x' },
      },
    });
    child = spawn(
      process.execPath,
      [BIN, 'dashboard', '--kubeconfig', harness().hub.kubeconfigPath, '--address', '127.0.0.1:0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
    const link = await pollUntil(
      () => lines.map((l) => /(http:\/\/\S+#code=\S+)/.exec(l)?.[1]).find(Boolean),
      {
        what: 'the sign-in link',
        timeoutMs: 30_000,
      },
    );
    const url = new URL(link);
    assert.equal(url.hostname, '127.0.0.1');
    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(link);
      await page.getByRole('heading', { name: 'Fleet' }).waitFor();
      await page.getByText('spokes-admin').waitFor();
      const cell = page.locator('[role=gridcell][data-app="argocd/lonely-app"]');
      await cell.waitFor();
      assert.equal(await cell.getAttribute('data-sync'), 'Unknown');
      assert.ok(!page.url().includes('code='), 'the code leaves the address bar');

      // The link works once: another browser is sent to the sign-in page.
      const other = await (await browser.newContext()).newPage();
      await other.goto(link);
      await other
        .getByRole('alert')
        .getByText(/did not accept/)
        .waitFor();
      assert.equal((await fetch(`${url.origin}/api/fleet`)).status, 401);
    } finally {
      await browser.close();
    }
    const exited = new Promise<number | null>((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
