import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { parseNotificationsConfig } from './config.ts';
import { helperVars } from './helpers.ts';
import { destinationsOf, processSubject, type EngineDeps, type Subject } from './engine.ts';
import { NOTIFIED_ANNOTATION } from './state.ts';
import type { Notification } from './templates.ts';
import type { Destination } from './state.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');

interface AppOptions {
  phase?: string;
  revision?: string;
  health?: string;
  healthSince?: string;
  finishedAt?: string;
  sync?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  deleting?: boolean;
}

function app(o: AppOptions = {}): KubeObject {
  const status: Record<string, unknown> = {};
  if (o.sync) status['sync'] = { status: o.sync, revision: o.revision };
  if (o.health)
    status['health'] = { status: o.health, lastTransitionTime: o.healthSince ?? '2024-05-01T11:58:00Z' };
  if (o.phase)
    status['operationState'] = {
      phase: o.phase,
      startedAt: '2024-05-01T11:57:00Z',
      finishedAt: o.finishedAt ?? '2024-05-01T11:58:00Z',
      message: 'boom',
      syncResult: { revision: o.revision ?? 'rev1' },
    };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: 'guestbook',
      namespace: 'argocd',
      annotations: o.annotations ?? {},
      labels: o.labels ?? {},
      ...(o.deleting ? { deletionTimestamp: '2024-05-01T11:59:00Z' } : {}),
    },
    spec: { project: 'default', source: { repoURL: 'git@github.com:org/guestbook.git' } },
    status,
  };
}

/** [trigger, application, should it fire] — Argo's catalog conditions against sample Applications. */
const CATALOG: readonly (readonly [string, AppOptions, boolean])[] = [
  ['on-created', {}, true],
  ['on-deleted', {}, false],
  ['on-deleted', { deleting: true }, true],
  ['on-sync-succeeded', { phase: 'Succeeded' }, true],
  ['on-sync-succeeded', { phase: 'Running' }, false],
  ['on-sync-succeeded', {}, false],
  ['on-sync-failed', { phase: 'Failed' }, true],
  ['on-sync-failed', { phase: 'Error' }, true],
  ['on-sync-failed', { phase: 'Succeeded' }, false],
  ['on-sync-running', { phase: 'Running' }, true],
  ['on-sync-status-unknown', { sync: 'Unknown' }, true],
  ['on-sync-status-unknown', { sync: 'Synced' }, false],
  ['on-health-degraded', { health: 'Degraded' }, true],
  ['on-health-degraded', { health: 'Healthy' }, false],
  ['on-health-degraded', {}, false], // status.health missing: an evaluation error, so not triggered
  ['on-deployed', { phase: 'Succeeded', health: 'Healthy', healthSince: '2024-05-01T11:58:30Z' }, true],
  ['on-deployed', { phase: 'Succeeded', health: 'Healthy', healthSince: '2024-05-01T11:58:00Z' }, true],
  ['on-deployed', { phase: 'Succeeded', health: 'Healthy', healthSince: '2024-05-01T11:00:00Z' }, false],
  ['on-deployed', { phase: 'Succeeded', health: 'Progressing' }, false],
  ['on-deployed', { phase: 'Failed', health: 'Healthy' }, false],
];

describe("Argo CD's catalog triggers", () => {
  const config = parseNotificationsConfig({});
  for (const [trigger, options, fires] of CATALOG) {
    test(`${trigger} ${JSON.stringify(options)} → ${fires}`, () => {
      const run = config.triggers.get(trigger)!.run({ app: app(options), ...helperVars(() => NOW) });
      assert.equal(run.results[0]?.triggered, fires);
    });
  }
});

/** A recording fake for services and the annotation write. */
function harness(
  data: Record<string, string>,
  options: { secrets?: Record<string, string>; failures?: number } = {},
): {
  deps: EngineDeps;
  sent: { notification: Notification; dest: Destination }[];
  annotation: () => string | undefined;
} {
  const config = parseNotificationsConfig(data, options.secrets ?? {});
  assert.deepEqual(config.problems, []);
  const sent: { notification: Notification; dest: Destination }[] = [];
  let failures = options.failures ?? 0;
  let annotation: string | undefined;
  return {
    sent,
    annotation: () => annotation,
    deps: {
      config,
      now: () => NOW,
      send: (notification, dest) => {
        if (failures-- > 0) return Promise.reject(new Error('receiver down'));
        sent.push({ notification, dest });
        return Promise.resolve();
      },
      persist: (value) => {
        annotation = value;
        return Promise.resolve();
      },
    },
  };
}

const WEBHOOK = { 'service.webhook.hook': 'url: http://receiver.invalid' };
const subscribed = (trigger: string, extra: AppOptions = {}): AppOptions => ({
  ...extra,
  annotations: { [`notifications.argoproj.io/subscribe.${trigger}.hook`]: '', ...extra.annotations },
});

/** The object as the last persist left it. */
function withState(obj: KubeObject, annotation: string | undefined): KubeObject {
  const annotations = { ...obj.metadata.annotations };
  if (annotation === undefined) delete annotations[NOTIFIED_ANNOTATION];
  else annotations[NOTIFIED_ANNOTATION] = annotation;
  return { ...obj, metadata: { ...obj.metadata, annotations } };
}

describe('delivery state (the notified annotation)', () => {
  test("sends once, records Argo's key, and sends nothing the second time", async () => {
    const h = harness({ ...WEBHOOK, 'trigger.on-ready': "- when: 'true'\n  send: [app-created]" });
    const subject: Subject = { kind: 'app', obj: app(subscribed('on-ready')) };
    const first = await processSubject(subject, h.deps);
    assert.equal(first.deliveries.length, 1);
    assert.deepEqual(JSON.parse(h.annotation()!), {
      'on-ready:[0].X_5TO4MPCKAyY0ipFgr6_IraRNs:hook:': Math.floor(NOW / 1000),
    });
    const second = await processSubject({ ...subject, obj: withState(subject.obj, h.annotation()) }, h.deps);
    assert.equal(second.deliveries.length, 0);
    assert.equal(h.sent.length, 1);
  });

  test('re-arms when the condition turns false, and sends again when it is true again', async () => {
    const h = harness(WEBHOOK);
    let obj = app(subscribed('on-health-degraded', { health: 'Degraded' }));
    // on-health-degraded has oncePer revision: without an operation the oncePer value is "<nil>".
    await processSubject({ kind: 'app', obj }, h.deps);
    obj = withState(app(subscribed('on-health-degraded', { health: 'Degraded' })), h.annotation());
    await processSubject({ kind: 'app', obj }, h.deps);
    assert.equal(h.sent.length, 1, 'still degraded: nothing new');
    const custom = harness({
      ...WEBHOOK,
      'trigger.degraded': "- when: app.status.health.status == 'Degraded'\n  send: [app-health-degraded]",
    });
    let o = app(subscribed('degraded', { health: 'Degraded' }));
    const states: (string | undefined)[] = [];
    for (const health of ['Degraded', 'Healthy', 'Degraded']) {
      o = withState(app(subscribed('degraded', { health })), custom.annotation());
      await processSubject({ kind: 'app', obj: o }, custom.deps);
      states.push(custom.annotation());
    }
    assert.equal(custom.sent.length, 2, 'degraded, recovered (re-armed), degraded again');
    assert.equal(states[1], undefined, 'recovery removes the key, and with it the annotation');
  });

  test('oncePer: once per value, never re-armed by a false condition', async () => {
    const h = harness(WEBHOOK);
    const pass = async (o: AppOptions) => {
      const obj = withState(app(subscribed('on-sync-succeeded', o)), h.annotation());
      await processSubject({ kind: 'app', obj }, h.deps);
    };
    await pass({ phase: 'Succeeded', revision: 'aaa' });
    await pass({ phase: 'Running', revision: 'aaa' });
    await pass({ phase: 'Succeeded', revision: 'aaa' });
    assert.equal(h.sent.length, 1, 'same revision again: not re-sent');
    await pass({ phase: 'Succeeded', revision: 'bbb' });
    assert.equal(h.sent.length, 2, 'a new revision: sent');
    assert.deepEqual(Object.keys(JSON.parse(h.annotation()!) as object).sort(), [
      'aaa:on-sync-succeeded:[0].' + keyHash(h, 'on-sync-succeeded') + ':hook:',
      'bbb:on-sync-succeeded:[0].' + keyHash(h, 'on-sync-succeeded') + ':hook:',
    ]);
  });

  test('a failed delivery is not recorded, so the next pass tries again', async () => {
    const h = harness(WEBHOOK, { failures: 1 });
    const o = subscribed('on-sync-failed', { phase: 'Failed' });
    const first = await processSubject({ kind: 'app', obj: app(o) }, h.deps);
    assert.equal(first.deliveries[0]?.ok, false);
    assert.equal(h.annotation(), undefined);
    const second = await processSubject({ kind: 'app', obj: withState(app(o), h.annotation()) }, h.deps);
    assert.equal(second.deliveries[0]?.ok, true);
    assert.equal(h.sent.length, 1);
  });

  test('at most 100 keys are kept, the oldest dropped', async () => {
    const old = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`r${i}:x:[0].h:hook:`, 1000 + i]));
    const h = harness(WEBHOOK);
    const o = subscribed('on-created', { annotations: { [NOTIFIED_ANNOTATION]: JSON.stringify(old) } });
    await processSubject({ kind: 'app', obj: app(o) }, h.deps);
    const kept = Object.keys(JSON.parse(h.annotation()!) as object);
    assert.equal(kept.length, 100);
    assert.ok(!kept.includes('r0:x:[0].h:hook:') && kept.includes('r119:x:[0].h:hook:'));
  });
});

function keyHash(h: ReturnType<typeof harness>, trigger: string): string {
  const result = h.deps.config.triggers.get(trigger)!.run({ app: app() }).results[0]!;
  return result.key.slice('[0].'.length);
}

describe('subscriptions', () => {
  const config = parseNotificationsConfig({
    ...WEBHOOK,
    defaultTriggers: '[on-sync-failed, on-health-degraded]',
    'defaultTriggers.mattermost': '[on-sync-running]',
    subscriptions:
      '- recipients: [slack:prod-alerts, hook]\n  triggers: [on-deployed]\n  selector: env in (prod), tier!=db\n- recipients: [slack:all]\n',
  });
  const dests = (obj: KubeObject, project?: KubeObject) =>
    Object.fromEntries(
      [...destinationsOf({ kind: 'app', obj, ...(project ? { project } : {}) }, config)].map(([t, d]) => [
        t,
        d.map((x) => `${x.service}:${x.recipient}`),
      ]),
    );
  test('annotation forms: trigger.service, service alone (default triggers), several recipients, YAML', () => {
    const obj = app({
      annotations: {
        'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'a; b',
        'notifications.argoproj.io/subscribe.hook': '',
        'notifications.argoproj.io/subscribe.mattermost': 'team',
        'notifications.argoproj.io/subscriptions':
          '- trigger: [on-created]\n  destinations:\n  - service: slack\n    recipients: [c]\n',
      },
    });
    assert.deepEqual(dests(obj), {
      'on-sync-failed': ['slack:all', 'hook:'],
      'on-health-degraded': ['slack:all', 'hook:'],
      'on-sync-succeeded': ['slack:a', 'slack:b'],
      'on-sync-running': ['mattermost:team'],
      'on-created': ['slack:c'],
    });
  });
  test('ApplicationSets take only their own annotations, not the global subscriptions', () => {
    const appSet: KubeObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: {
        name: 'fleet',
        annotations: { 'notifications.argoproj.io/subscribe.on-appset-error.hook': '' },
      },
    };
    const found = destinationsOf({ kind: 'appset', obj: appSet }, config);
    assert.deepEqual([...found.keys()], ['on-appset-error']);
  });
  test("global subscriptions by label selector, and the AppProject's annotations", () => {
    const project: KubeObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: {
        name: 'default',
        annotations: { 'notifications.argoproj.io/subscribe.on-deleted.hook': 'ops' },
      },
    };
    assert.deepEqual(dests(app({ labels: { env: 'prod' } }), project), {
      'on-deployed': ['slack:prod-alerts', 'hook:'],
      'on-sync-failed': ['slack:all'],
      'on-health-degraded': ['slack:all'],
      'on-deleted': ['hook:ops'],
    });
    assert.deepEqual(Object.keys(dests(app({ labels: { env: 'prod', tier: 'db' } }))), [
      'on-sync-failed',
      'on-health-degraded',
    ]);
  });
});

describe('configuration', () => {
  test('a broken entry is a problem naming its key; the rest keep working', () => {
    const config = parseNotificationsConfig({
      ...WEBHOOK,
      'trigger.on-bad': '- when: app.status.sync.status ==\n  send: [app-created]',
      'trigger.on-sync-succeeded': 'not: [a, list',
      'template.broken': 'message: "{{ .app.metadata.name"',
      'service.email': 'host: smtp',
      'service.a.b.c': 'x: 1',
      'trigger.on-good': "- when: 'true'\n  send: [app-created]",
    });
    assert.deepEqual(
      config.problems.map((p) => p.key),
      ['service.a.b.c', 'service.email', 'template.broken', 'trigger.on-bad', 'trigger.on-sync-succeeded'],
    );
    assert.match(
      config.problems.find((p) => p.key === 'trigger.on-bad')!.message,
      /\[0\]\.when: unexpected token EOF/,
    );
    assert.ok(config.triggers.has('on-good'));
    assert.ok(
      !config.triggers.has('on-sync-succeeded'),
      'a broken override does not fall back to the catalog',
    );
    assert.ok(config.services.has('hook'));
  });

  test("$key references take the Secret's values; unknown ones stay as written", async () => {
    const h = harness(
      {
        'service.webhook.hook':
          'url: $base/x\nheaders:\n- name: Authorization\n  value: Bearer $token-1 $missing',
      },
      { secrets: { base: 'http://receiver.invalid', 'token-1': 'abc' } },
    );
    assert.ok(h.deps.config.services.has('hook'));
    const { replaceSecretRefs } = await import('./config.ts');
    assert.equal(replaceSecretRefs('Bearer $token-1 $missing', { 'token-1': 'abc' }), 'Bearer abc $missing');
  });
});

describe('templates', () => {
  test('render over app, context, secrets, serviceType, recipient and the helpers', async () => {
    const h = harness(
      {
        ...WEBHOOK,
        context: 'argocdUrl: https://argo.example\nregion: eu',
        'trigger.on-x': "- when: 'true'\n  send: [t1, t2]",
        'template.t1':
          'message: "first"\nwebhook:\n  hook:\n    method: POST\n    path: /{{.app.metadata.name}}\n    body: \'{"token":"{{.secrets.token}}"}\'',
        'template.t2': [
          'message: |',
          '  {{.app.metadata.name}} in {{.context.region}} via {{.serviceType}} to {{.recipient}} ({{.context.notificationType}})',
          '  {{call .repo.RepoURLToHTTPS .app.spec.source.repoURL}} {{call .repo.FullNameByRepoURL .app.spec.source.repoURL}}',
          '  {{(call .time.Parse .app.status.operationState.startedAt).Local.Format "15:04"}} {{call .strings.ToUpper "x"}}',
          '  {{.context.argocdUrl}}/applications/{{.app.metadata.name}}',
        ].join('\n'),
      },
      { secrets: { token: 'tok' } },
    );
    const o = { ...subscribed('on-x', { phase: 'Running' }) };
    o.annotations = { 'notifications.argoproj.io/subscribe.on-x.hook': 'ops' };
    await processSubject({ kind: 'app', obj: app(o) }, h.deps);
    const notification = h.sent[0]!.notification;
    assert.equal(
      notification.message,
      'guestbook in eu via hook to ops (hook)\nhttps://github.com/org/guestbook.git org/guestbook\n11:57 X\nhttps://argo.example/applications/guestbook\n',
    );
    assert.deepEqual(notification.webhook, {
      hook: { method: 'POST', path: '/guestbook', body: '{"token":"tok"}' },
    });
  });

  test('a template that fails to render is a failed delivery naming the template and field', async () => {
    const h = harness({
      ...WEBHOOK,
      'trigger.on-x': "- when: 'true'\n  send: [bad]",
      'template.bad': 'message: "{{ .app.metadata.name.x }}"',
    });
    const result = await processSubject({ kind: 'app', obj: app(subscribed('on-x')) }, h.deps);
    assert.match(result.deliveries[0]?.error ?? '', /template bad: message: .*can't evaluate field x/);
  });
});
