/**
 * Notifications end to end: a real `spokes controller` process (ApplicationSets, sync and
 * notifications) against a harness hub and spoke, Argo CD's argocd-notifications-cm and -secret,
 * and a real HTTP receiver started here that records every request.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { createGitRepo, type GitRepo } from '../harness/git-repo.ts';
import { pollUntil, registerSpoke, useHarness } from '../harness/index.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import {
  APPLICATION_SETS,
  APPLICATIONS,
  CONFIG_MAPS,
  EVENTS,
  SECRETS,
  type KubeObject,
} from '../../src/kube/types.ts';
import { main } from '../../src/cli/main.ts';
import { parseYamlDocuments } from '../../src/yaml.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { clientFor, createNamespace } from './support/hub.ts';

const BIN = resolve(import.meta.dirname, '../../bin/spokes.js');
const NS = 'argocd';
const URL = 'https://git.example/notify.git';
const TOKEN = 'tok-3f9c2a7e-do-not-leak';
const PUSH_SECRET = 'push-secret';
const NOTIFIED = 'notified.notifications.argoproj.io';

const configMap = (name: string, data: Record<string, string>): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

/** A Deployment of 0 replicas: Progressing after each change until the deployment controller catches up. */
const deployment = (name: string, version: string): string =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { version } },
        spec: { containers: [{ name: 'main', image: `example/app:${version}` }] },
      },
    },
  });

const pod = (name: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { restartPolicy: 'Always', containers: [{ name: 'main', image: 'example/app:1' }] },
  });

const EXAMPLE = resolve(import.meta.dirname, '../../examples/notifications/argocd-notifications-cm.yaml');

/**
 * The example argocd-notifications-cm (as an Argo CD install has it), unchanged, plus what only this
 * test needs: a broken trigger, a receiver that refuses, and ApplicationSet templates.
 */
function notificationsConfigMap(): KubeObject {
  const example = parseYamlDocuments(readFileSync(EXAMPLE, 'utf8'), EXAMPLE)[0] as KubeObject;
  const data = example['data'] as Record<string, string>;
  return {
    ...example,
    metadata: { ...example.metadata, namespace: NS },
    data: {
      ...data,
      'template.appset-error': `webhook:
  deploy-tracker:
    method: POST
    path: /appset-error/{{.appset.metadata.name}}
    body: '{{range .appset.status.conditions}}{{if eq .type "ErrorOccurred"}}{{.message}}{{end}}{{end}}'
`,
      'template.appset-error-cleared': `webhook:
  deploy-tracker:
    method: POST
    path: /appset-cleared/{{.appset.metadata.name}}
`,
      'trigger.on-bad': `- send: [app-sync-succeeded]
  when: app.status.sync.status ==
`,
      'template.echo': `webhook:
  deploy-tracker:
    method: POST
    path: /echo/{{.app.metadata.name}}
`,
      'trigger.on-echo': `- send: [echo]
  when: "true"
`,
    },
  };
}

function application(
  name: string,
  path: string,
  subscriptions: Record<string, string>,
  server: string,
): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: NS,
      annotations: Object.fromEntries(
        Object.entries(subscriptions).map(([trigger, service]) => [
          `notifications.argoproj.io/subscribe.${trigger}.${service}`,
          '',
        ]),
      ),
    },
    spec: {
      project: 'default',
      source: { repoURL: URL, targetRevision: 'main', path },
      destination: { server, namespace: name },
      syncPolicy: { automated: { prune: true }, syncOptions: ['CreateNamespace=true'] },
    },
  };
}

interface Controller {
  readonly process: ChildProcess;
  readonly lines: string[];
  readonly events: Record<string, unknown>[];
  stopped: Promise<void>;
}

describe('notifications against a real receiver and a real controller', () => {
  const harness = useHarness({ clusters: ['hub', 'spoke-a'] });
  let receiver: Receiver;
  let repo: GitRepo;
  let hub: KubeClient;
  let server: string;
  const controllers: Controller[] = [];
  /** Set by the test's last line: otherwise `after` prints the controllers' logs. */
  let finished = false;

  const startController = (): Controller => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'controller',
        '--kubeconfig',
        harness().hub.kubeconfigPath,
        '--namespace',
        NS,
        '--listen',
        '127.0.0.1:0',
        '--leader-elect',
        'false',
        '--repo',
        `${URL}=${repo.path}`,
        '--resync-seconds',
        '2',
        '--notifications-resync-seconds',
        '2',
        '--log-level',
        'debug',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, SPOKES_WEBHOOK_GITHUB_SECRET: PUSH_SECRET },
      },
    );
    const lines: string[] = [];
    const events: Record<string, unknown>[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => {
      lines.push(line);
      try {
        events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        events.push({ msg: line });
      }
    });
    const stopped = new Promise<void>((done) => child.once('exit', () => done()));
    const controller = { process: child, lines, events, stopped };
    controllers.push(controller);
    return controller;
  };

  before(async () => {
    receiver = await startReceiver();
    // Answers that test retries and secrets: /echo refuses and echoes the request's Authorization.
    receiver.script('/sync-succeeded/flaky', [500, 500]);
    receiver.always('/echo/', { status: 400, body: `denied: Authorization: Bearer ${TOKEN}` });
    repo = await createGitRepo({
      branches: {
        main: {
          'good/cm.yaml': configMap('good', { v: '1' }),
          'good/deploy.yaml': deployment('good', '1'),
          'flaky/cm.yaml': configMap('flaky', { v: '1' }),
          'broken/cm.yaml': configMap('Not_A_Valid_Name', { v: '1' }),
          'degraded/pod.yaml': pod('web'),
          'echo/cm.yaml': configMap('echo', { v: '1' }),
        },
      },
    });
    const h = harness();
    hub = clientFor(h.hub);
    server = h.cluster('spoke-a').server;
    await createNamespace(hub, NS);
    await registerSpoke(h.hub, h.cluster('spoke-a'));
    await hub.create(SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'argocd-notifications-secret', namespace: NS },
      stringData: {
        'deploy-tracker-url': receiver.url,
        'deploy-tracker-token': TOKEN,
        'slack-token': 'xoxb-unused',
      },
    });
    await hub.create(CONFIG_MAPS, notificationsConfigMap());
  });

  after(async () => {
    if (process.env.SPOKES_E2E_LOG) {
      process.stderr.write(controllers.map((c) => c.lines.join('\n')).join('\n'));
    } else if (!finished) {
      // A failure in CI can only be read from its output: the controllers' last words, minus the
      // per-resync decisions that repeat.
      for (const [i, c] of controllers.entries()) {
        const tail = c.lines.filter((l) => !l.includes('"notification decision"')).slice(-120);
        process.stderr.write(`--- controller ${i + 1}, last ${tail.length} lines\n${tail.join('\n')}\n`);
      }
    }
    for (const c of controllers) c.process.kill('SIGKILL');
    await receiver?.close();
    await repo?.cleanup();
  });

  const bodies = (prefix: string): { app: string; revision: string }[] =>
    receiver
      .received(prefix)
      .filter((r) => r.status === 200)
      .map((r) => JSON.parse(r.body) as { app: string; revision: string });

  test('sync, failure, degradation, retries, a bad trigger, a restart, ApplicationSet errors, and no leaked token', async () => {
    let controller = startController();
    const rev1 = await repo.revParse('main');
    const subscribe = {
      'on-sync-succeeded': 'deploy-tracker',
      'on-deployed': 'deploy-tracker',
      'on-bad': 'deploy-tracker',
    };
    await hub.create(APPLICATIONS, application('good', 'good', subscribe, server));
    await hub.create(
      APPLICATIONS,
      application('flaky', 'flaky', { 'on-sync-succeeded': 'deploy-tracker' }, server),
    );
    await hub.create(
      APPLICATIONS,
      application('broken', 'broken', { 'on-sync-failed': 'deploy-tracker' }, server),
    );
    await hub.create(
      APPLICATIONS,
      application('degraded', 'degraded', { 'on-degraded': 'deploy-tracker' }, server),
    );
    await hub.create(APPLICATIONS, application('echo', 'echo', { 'on-echo': 'deploy-tracker' }, server));

    // A sync that succeeds: one on-sync-succeeded and one on-deployed, with the revision.
    await pollUntil(
      () => bodies('/deployed/good').length === 1 && bodies('/sync-succeeded/good').length === 1,
      {
        what: 'good: on-sync-succeeded and on-deployed',
        timeoutMs: 60_000,
      },
    );
    assert.deepEqual(bodies('/sync-succeeded/good'), [{ app: 'good', revision: rev1 }]);
    assert.deepEqual(bodies('/deployed/good'), [{ app: 'good', revision: rev1 }]);

    // The Secret's token goes in the request header.
    assert.equal(receiver.received('/deployed/good')[0]?.headers.authorization, `Bearer ${TOKEN}`);

    // 500 twice, then 200: exactly one message delivered.
    await pollUntil(() => bodies('/sync-succeeded/flaky').length === 1, {
      what: 'flaky delivered',
      timeoutMs: 30_000,
    });
    assert.deepEqual(
      receiver.received('/sync-succeeded/flaky').map((r) => r.status),
      [500, 500, 200],
    );

    // A failing sync: on-sync-failed once.
    await pollUntil(() => bodies('/sync-failed/broken').length === 1, {
      what: 'broken: on-sync-failed',
      timeoutMs: 30_000,
    });

    // A bad `when` is reported (an Event and a log line naming the key); the rest kept firing.
    const badEvent = await pollUntil(
      async () =>
        (await hub.list(EVENTS, { namespace: NS })).items.find(
          (e) =>
            e['reason'] === 'InvalidNotificationConfig' && String(e['message']).includes('trigger.on-bad'),
        ),
      { what: 'an Event naming trigger.on-bad' },
    );
    assert.match(String(badEvent['message']), /\[0\]\.when: unexpected token EOF/);
    assert.ok(controller.events.some((e) => e['key'] === 'trigger.on-bad' && e['level'] === 'error'));

    // Degraded: sent once while it stays degraded, again after it recovers and degrades again.
    await pollUntil(podExists, { what: 'the pod on the spoke', timeoutMs: 30_000 });
    await setPod('ready');
    await waitForHealth('degraded', 'Healthy');
    await setPod('crashing');
    await pollUntil(() => bodies('/degraded/degraded').length === 1, {
      what: 'degraded once',
      timeoutMs: 30_000,
    });
    await sleep(5_000); // two resyncs: still degraded, nothing new
    assert.equal(bodies('/degraded/degraded').length, 1);
    await setPod('ready');
    await waitForHealth('degraded', 'Healthy');
    await setPod('crashing');
    await pollUntil(() => bodies('/degraded/degraded').length === 2, {
      what: 'degraded again',
      timeoutMs: 30_000,
    });

    // Killed between two syncs (the last delivery recorded): the new process re-sends nothing.
    await pollUntil(
      async () =>
        (
          (await hub.get<KubeObject>(APPLICATIONS, NS, 'degraded'))?.metadata.annotations?.[NOTIFIED] ?? ''
        ).includes('on-degraded:'),
      { what: 'the second degraded delivery recorded' },
    );
    controller.process.kill('SIGKILL');
    await controller.stopped;
    const before = receiver.requests.length;
    controller = startController();
    await pollUntil(() => controller.events.some((e) => e['msg'] === 'notifications configuration loaded'), {
      what: 'the new controller up',
      timeoutMs: 30_000,
    });
    await sleep(6_000); // three notification resyncs
    const resent = receiver.requests.slice(before).filter((r) => !r.path.startsWith('/echo/'));
    assert.deepEqual(
      resent.map((r) => r.path),
      [],
      'nothing re-sent after the restart',
    );

    // The next revision (a new version of the Deployment): one more of each, for it.
    const rev2 = await repo.commit('main', { 'good/deploy.yaml': deployment('good', '2') });
    await push(controller);
    await pollUntil(
      () => bodies('/deployed/good').length === 2 && bodies('/sync-succeeded/good').length === 2,
      {
        what: 'good at the second revision',
        timeoutMs: 60_000,
      },
    ).catch(async (err: unknown) => {
      const status = (await hub.get<KubeObject>(APPLICATIONS, NS, 'good'))?.['status'];
      const seen = `deployed ${bodies('/deployed/good').length}, sync-succeeded ${bodies('/sync-succeeded/good').length}`;
      throw new Error(`${String(err)} (sent: ${seen}; status: ${JSON.stringify(status)})`, { cause: err });
    });
    assert.deepEqual(
      bodies('/sync-succeeded/good').map((b) => b.revision),
      [rev1, rev2],
    );
    assert.deepEqual(
      bodies('/deployed/good').map((b) => b.revision),
      [rev1, rev2],
    );

    // ApplicationSet errors: raised once, cleared once it is fixed.
    await hub.create(APPLICATION_SETS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: {
        name: 'fleet',
        namespace: NS,
        annotations: {
          'notifications.argoproj.io/subscribe.on-appset-error.deploy-tracker': '',
          'notifications.argoproj.io/subscribe.on-appset-error-cleared.deploy-tracker': '',
        },
      },
      spec: {
        generators: [
          {
            git: {
              repoURL: 'https://git.example/missing.git',
              revision: 'main',
              directories: [{ path: '*' }],
            },
          },
        ],
        template: {
          metadata: { name: '{{path.basename}}' },
          spec: {
            project: 'default',
            source: { repoURL: URL, path: '{{path}}' },
            destination: { server, namespace: 'x' },
          },
        },
      },
    });
    await pollUntil(() => receiver.received('/appset-error/fleet').length === 1, {
      what: 'appset error',
      timeoutMs: 30_000,
    });
    assert.match(receiver.received('/appset-error/fleet')[0]!.body, /missing\.git/);
    await hub.patch(
      APPLICATION_SETS,
      { namespace: NS, name: 'fleet' },
      { spec: { generators: [{ list: { elements: [] } }] } },
      { type: 'merge' },
    );
    await pollUntil(() => receiver.received('/appset-cleared/fleet').length === 1, {
      what: 'appset cleared',
      timeoutMs: 30_000,
    });
    await sleep(4_000);
    assert.equal(receiver.received('/appset-error/fleet').length, 1);
    assert.equal(receiver.received('/appset-cleared/fleet').length, 1);

    // The token: in the request header, nowhere in logs, Events or status, even when a receiver echoes it.
    await pollUntil(
      () => controllers.some((c) => c.events.some((e) => e['msg'] === 'notification failed; will retry')),
      {
        what: 'the echo delivery failing',
      },
    );
    for (const c of controllers) assert.ok(!c.lines.some((l) => l.includes(TOKEN)), 'token in a log line');
    const failed = controller.events.find((e) => e['msg'] === 'notification failed; will retry');
    assert.match(String(failed?.['error']), /Bearer \[redacted\]/);
    const events = JSON.stringify((await hub.list(EVENTS, { namespace: NS })).items);
    assert.ok(events.includes('NotificationFailed') && !events.includes(TOKEN), 'token in an Event');
    const apps = JSON.stringify((await hub.list(APPLICATIONS, { namespace: NS })).items);
    assert.ok(!apps.includes(TOKEN), 'token in an Application');
    // `spokes notifications test`: renders for a real Application, delivers with --send, records nothing.
    const annotationBefore = (await hub.get<KubeObject>(APPLICATIONS, NS, 'good'))?.metadata.annotations?.[
      NOTIFIED
    ];
    const cli = await runCli([
      'notifications',
      'test',
      'on-sync-succeeded',
      'good',
      '--kubeconfig',
      harness().hub.kubeconfigPath,
      '-n',
      NS,
    ]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(
      cli.stdout,
      /\[0\] when: app\.status\.operationState != nil and .*\n    result: true   oncePer: .* = [0-9a-f]{40}/,
    );
    assert.match(cli.stdout, /→ deploy-tracker:[\s\S]*"path": "\/sync-succeeded\/good"/);
    assert.match(cli.stderr, /warning: argocd-notifications-cm trigger\.on-bad/);
    const sentBefore = receiver.received('/sync-succeeded/good').length;
    const sent = await runCli([
      'notifications',
      'test',
      'on-sync-succeeded',
      'good',
      '--send',
      '--recipient',
      'deploy-tracker',
      '--kubeconfig',
      harness().hub.kubeconfigPath,
    ]);
    assert.equal(sent.code, 0, sent.stdout + sent.stderr);
    assert.match(sent.stdout, /delivered/);
    assert.equal(receiver.received('/sync-succeeded/good').length, sentBefore + 1);
    assert.equal(
      (await hub.get<KubeObject>(APPLICATIONS, NS, 'good'))?.metadata.annotations?.[NOTIFIED],
      annotationBefore,
    );
    const unknown = await runCli([
      'notifications',
      'test',
      'on-nothing',
      'good',
      '--kubeconfig',
      harness().hub.kubeconfigPath,
    ]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /trigger 'on-nothing' is not configured \(configured: .*on-deployed/);

    const metrics = await metricsOf(controller);
    assert.match(
      metrics,
      /argocd_notifications_deliveries_total\{trigger="on-sync-succeeded",service="deploy-tracker",succeeded="true"\} 1/,
    );
    assert.match(
      metrics,
      /argocd_notifications_trigger_eval_total\{name="on-deployed",triggered="true"\} \d+/,
    );
    assert.ok(!metrics.includes(TOKEN));
    finished = true;
  });

  async function podExists(): Promise<boolean> {
    return (
      (
        await harness()
          .cluster('spoke-a')
          .request<{ items: unknown[] }>('GET', '/api/v1/namespaces/degraded/pods')
          .catch(() => ({ items: [] }))
      ).items.length === 1
    );
  }

  async function setPod(state: 'crashing' | 'ready'): Promise<void> {
    const now = new Date().toISOString();
    const container =
      state === 'crashing'
        ? {
            state: {
              waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting failed container' },
            },
            ready: false,
          }
        : { state: { running: { startedAt: now } }, ready: true };
    await harness()
      .cluster('spoke-a')
      .request('PATCH', '/api/v1/namespaces/degraded/pods/web/status', {
        contentType: 'application/merge-patch+json',
        body: {
          status: {
            phase: 'Running',
            conditions: [
              { type: 'Ready', status: state === 'ready' ? 'True' : 'False', lastTransitionTime: now },
            ],
            containerStatuses: [
              { name: 'main', image: 'example/app:1', imageID: '', restartCount: 1, ...container },
            ],
          },
        },
      });
  }

  async function waitForHealth(name: string, status: string): Promise<void> {
    await pollUntil(
      async () =>
        ((await hub.get<KubeObject & { status?: { health?: { status?: string } } }>(APPLICATIONS, NS, name))
          ?.status?.health?.status ?? '') === status,
      { what: `${name} ${status}`, timeoutMs: 30_000 },
    );
  }
});

/** A signed GitHub push webhook for the repository, so the new commit is fetched now. */
async function push(controller: Controller): Promise<void> {
  const port = controller.events.find((e) => e['msg'] === 'listening')?.['port'] as number;
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    repository: { html_url: URL.replace(/\.git$/, ''), clone_url: URL },
  });
  const signature = createHmac('sha256', PUSH_SECRET).update(body).digest('hex');
  const response = await fetch(`http://127.0.0.1:${port}/api/webhook`, {
    method: 'POST',
    headers: {
      'x-github-event': 'push',
      'x-hub-signature-256': `sha256=${signature}`,
      'content-type': 'application/json',
    },
    body,
  });
  assert.equal(response.status, 200, await response.text());
}

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

async function metricsOf(controller: Controller): Promise<string> {
  const port = controller.events.find((e) => e['msg'] === 'listening')?.['port'] as number;
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
