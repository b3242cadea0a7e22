import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  maxUpdateLimit,
  resumeKey,
  resumeValue,
  rollingSyncOf,
  specDigest,
  type ApplicationRolloutStatus,
  type RolloutStrategy,
} from '../api/rollout.ts';
import { reverseDeletionStep } from './deletion.ts';
import { computeRollout, rolloutMarker, type AppView } from './state.ts';

const NOW = new Date('2026-01-01T00:00:00Z');
const SPEC = {
  source: { repoURL: 'https://git.example/r.git', path: 'app', targetRevision: 'HEAD' },
  destination: { server: 'https://dev', namespace: 'app' },
};

function strategy(...envs: (string | { env: string; maxUpdate: number | string })[]): RolloutStrategy {
  return rollingSyncOf({
    spec: {
      strategy: {
        type: 'RollingSync',
        rollingSync: {
          steps: envs.map((e) => {
            const env = typeof e === 'string' ? e : e.env;
            const maxUpdate = typeof e === 'string' ? undefined : e.maxUpdate;
            return {
              matchExpressions: [{ key: 'env', operator: 'In', values: [env] }],
              ...(maxUpdate === undefined ? {} : { maxUpdate }),
            };
          }),
        },
      },
    },
  })!;
}

type Look = 'outOfSync' | 'syncedHealthy' | 'syncedDegraded' | 'syncedProgressing';

/** An Application as the sync would leave it: compared at `rev`, optionally after a rollout sync. */
function app(
  name: string,
  env: string,
  look: Look,
  opts: {
    rev?: string;
    lastSync?: { marker: 'current' | 'stale'; phase: string };
    inFlight?: boolean;
    selfHeal?: boolean;
    comparedSpec?: 'current' | 'other';
  } = {},
): AppView {
  const rev = opts.rev ?? 'r2';
  const base: AppView = {
    name,
    labels: { env },
    spec: {
      ...SPEC,
      ...(opts.selfHeal ? { syncPolicy: { automated: { selfHeal: true, enabled: false } } } : {}),
    } as AppView['spec'],
  };
  const marker = opts.lastSync?.marker === 'stale' ? rolloutMarker(base, ['r1']) : rolloutMarker(base, [rev]);
  const compared =
    opts.comparedSpec === 'other' ? { ...SPEC, source: { ...SPEC.source, path: 'old' } } : SPEC;
  return {
    ...base,
    ...(opts.inFlight ? { operation: { sync: {} } } : {}),
    status: {
      sync: { status: look === 'outOfSync' ? 'OutOfSync' : 'Synced', revision: rev, comparedTo: compared },
      health: {
        status:
          look === 'syncedDegraded' ? 'Degraded' : look === 'syncedProgressing' ? 'Progressing' : 'Healthy',
      },
      ...(opts.lastSync
        ? {
            operationState: {
              phase: opts.lastSync.phase,
              operation: { info: [{ name: 'Rollout', value: marker }] },
              syncResult: { revision: rev },
            },
          }
        : {}),
    },
  };
}

function was(
  name: string,
  env: string,
  status: ApplicationRolloutStatus['status'],
  rev = 'r2',
  message = '',
): ApplicationRolloutStatus {
  void env;
  return { application: name, status, step: '1', message, targetRevisions: [rev] };
}

function run(
  s: RolloutStrategy,
  previous: ApplicationRolloutStatus[],
  apps: AppView[],
  resumed: string[] = [],
) {
  return computeRollout({ strategy: s, previous, apps, resumed: new Set(resumed), now: NOW });
}

describe('maxUpdate arithmetic (Argo: GetScaledValueFromIntOrPercent rounding down, percent floored at 1)', () => {
  const rows: [string, number | string | undefined, number, number, boolean][] = [
    ['unset: all', undefined, 7, Infinity, false],
    ['int', 2, 7, 2, false],
    ['int 0: manual', 0, 7, 0, false],
    ['int above total', 10, 3, 10, false],
    ['negative int kept', -1, 3, -1, false],
    ['10% of 7 floors to 0, raised to 1', '10%', 7, 1, false],
    ['50% of 7 = 3', '50%', 7, 3, false],
    ['100% of 7', '100%', 7, 7, false],
    ['0% stays 0', '0%', 7, 0, false],
    ['33% of 10 = 3', '33%', 10, 3, false],
    ['150% of 4 = 6', '150%', 4, 6, false],
    ['not a percent: error, one at a time', 'abc', 7, 1, true],
    ['decimal percent: error', '10.5%', 7, 1, true],
    ['fractional int: error', 1.5, 7, 0, true],
  ];
  for (const [name, value, total, limit, error] of rows)
    it(name, () => {
      const got = maxUpdateLimit(value, total);
      assert.equal(got.limit, limit);
      assert.equal(got.error !== undefined, error);
    });
});

describe('step assignment and config conditions', () => {
  const rows: [string, unknown[], string | undefined][] = [
    ['valid', [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }], undefined],
    [
      'invalid operator',
      [{ matchExpressions: [{ key: 'env', operator: 'Exists', values: [] }] }],
      "Step 1 has invalid matchExpression operators: Exists. Supported Operators are 'In' and 'NotIn'",
    ],
    [
      'selected twice',
      [
        { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] },
        { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
      ],
      "Application 'a' is selected by multiple steps: (1-2)",
    ],
    [
      'invalid maxUpdate',
      [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }], maxUpdate: 'half' }],
      'Step 1 has an invalid maxUpdate value: half',
    ],
    [
      'empty step',
      [
        { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] },
        { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
      ],
      'Steps [2] have no applications matching their criteria',
    ],
  ];
  for (const [name, steps, message] of rows)
    it(name, () => {
      const s = rollingSyncOf({ spec: { strategy: { type: 'RollingSync', rollingSync: { steps } } } })!;
      const result = run(s, [], [app('a', 'dev', 'outOfSync')]);
      const invalid = result.conditions.find((c) => c.type === 'InvalidRolloutConfig')!;
      assert.equal(invalid.status, message === undefined ? 'False' : 'True');
      if (message !== undefined) assert.equal(invalid.message, message);
    });

  it('NotIn wins over In; a missing label fails In and passes NotIn', () => {
    const s = rollingSyncOf({
      spec: {
        strategy: {
          type: 'RollingSync',
          rollingSync: {
            steps: [
              {
                matchExpressions: [
                  { key: 'env', operator: 'In', values: ['dev', 'qa'] },
                  { key: 'env', operator: 'NotIn', values: ['qa'] },
                ],
              },
              { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] },
            ],
          },
        },
      },
    })!;
    const result = run(s, [], [app('d', 'dev', 'outOfSync'), app('q', 'qa', 'outOfSync')]);
    assert.deepEqual(
      result.entries.map((e) => [e.application, e.step]),
      [
        ['d', '1'],
        ['q', '2'],
      ],
    );
  });

  it('an Application in no step is never synced and is reported', () => {
    const result = run(strategy('dev'), [], [app('x', 'other', 'outOfSync')]);
    assert.equal(result.entries[0]!.step, '-1');
    assert.equal(result.entries[0]!.status, 'Waiting');
    assert.equal(result.syncs.length, 0);
    assert.match(result.conditions[0]!.message, /1 Application in no step.*x/);
  });

  it('no RollingSync, AllAtOnce, or no steps: no strategy', () => {
    assert.equal(rollingSyncOf({ spec: {} }), undefined);
    assert.equal(rollingSyncOf({ spec: { strategy: { type: 'AllAtOnce' } } }), undefined);
    assert.equal(
      rollingSyncOf({ spec: { strategy: { type: 'RollingSync', rollingSync: { steps: [] } } } }),
      undefined,
    );
  });
});

describe('transitions', () => {
  const s = strategy('dev', 'prod');
  const rows: {
    name: string;
    previous?: ApplicationRolloutStatus;
    app: AppView;
    status: ApplicationRolloutStatus['status'];
    stopped?: boolean;
    sync?: 'rollout' | 'selfHeal';
  }[] = [
    {
      name: 'new, OutOfSync: Waiting → Pending, sync started',
      app: app('a', 'dev', 'outOfSync'),
      status: 'Pending',
      sync: 'rollout',
    },
    {
      name: 'new, already Synced and Healthy: Healthy, no sync',
      app: app('a', 'dev', 'syncedHealthy'),
      status: 'Healthy',
    },
    {
      name: 'new, Synced but Progressing: Progressing',
      app: app('a', 'dev', 'syncedProgressing'),
      status: 'Progressing',
    },
    {
      name: 'Pending, operation waiting: stays Pending, no second sync',
      previous: was('a', 'dev', 'Pending'),
      app: app('a', 'dev', 'outOfSync', { inFlight: true }),
      status: 'Pending',
    },
    {
      name: 'Pending, our sync running: Progressing',
      previous: was('a', 'dev', 'Pending'),
      app: app('a', 'dev', 'outOfSync', { lastSync: { marker: 'current', phase: 'Running' } }),
      status: 'Progressing',
    },
    {
      name: 'Pending, our sync finished and Healthy: Healthy',
      previous: was('a', 'dev', 'Pending'),
      app: app('a', 'dev', 'syncedHealthy', { lastSync: { marker: 'current', phase: 'Succeeded' } }),
      status: 'Healthy',
    },
    {
      name: 'Pending, last sync is an older one: the sync is (re)started',
      previous: was('a', 'dev', 'Pending'),
      app: app('a', 'dev', 'outOfSync', { lastSync: { marker: 'stale', phase: 'Succeeded' } }),
      status: 'Pending',
      sync: 'rollout',
    },
    {
      name: 'argo-cd#29410: Progressing on a Healthy left from before our sync finished stays Progressing',
      previous: was('a', 'dev', 'Progressing'),
      app: app('a', 'dev', 'syncedHealthy', { lastSync: { marker: 'current', phase: 'Running' } }),
      status: 'Progressing',
    },
    {
      name: 'argo-cd#29410: Synced and Healthy on a status compared against the old spec is a change to roll out, not done',
      previous: was('a', 'dev', 'Progressing'),
      app: app('a', 'dev', 'syncedHealthy', { comparedSpec: 'other' }),
      status: 'Pending',
      sync: 'rollout',
    },
    {
      name: 'Progressing, our sync finished, Degraded: stopped',
      previous: was('a', 'dev', 'Progressing'),
      app: app('a', 'dev', 'syncedDegraded', { lastSync: { marker: 'current', phase: 'Succeeded' } }),
      status: 'Progressing',
      stopped: true,
    },
    {
      name: 'Progressing, our sync failed: stopped',
      previous: was('a', 'dev', 'Progressing'),
      app: app('a', 'dev', 'outOfSync', { lastSync: { marker: 'current', phase: 'Failed' } }),
      status: 'Progressing',
      stopped: true,
    },
    {
      name: 'Healthy, revision changed: Waiting → Pending again',
      previous: was('a', 'dev', 'Healthy', 'r1'),
      app: app('a', 'dev', 'outOfSync', { rev: 'r2', lastSync: { marker: 'stale', phase: 'Succeeded' } }),
      status: 'Pending',
      sync: 'rollout',
    },
    {
      name: 'argo-cd#14687: Healthy, drift at the synced revision, selfHeal: healed',
      previous: was('a', 'dev', 'Healthy'),
      app: app('a', 'dev', 'outOfSync', {
        selfHeal: true,
        lastSync: { marker: 'current', phase: 'Succeeded' },
      }),
      status: 'Healthy',
      sync: 'selfHeal',
    },
    {
      name: 'Healthy, drift without selfHeal: left alone',
      previous: was('a', 'dev', 'Healthy'),
      app: app('a', 'dev', 'outOfSync', { lastSync: { marker: 'current', phase: 'Succeeded' } }),
      status: 'Healthy',
    },
    {
      name: 'Healthy, OutOfSync on a spec the rollout never synced: a change, not drift',
      previous: was('a', 'dev', 'Healthy'),
      app: app('a', 'dev', 'outOfSync', { selfHeal: true }),
      status: 'Pending',
      sync: 'rollout',
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const result = run(s, row.previous ? [row.previous] : [], [row.app]);
      const got = result.entries[0]!;
      assert.equal(got.status, row.status, got.message);
      assert.equal(got.message.startsWith('Rollout stopped: '), row.stopped === true, got.message);
      assert.deepEqual(
        result.syncs.map((x) => x.why),
        row.sync ? [row.sync] : [],
      );
    });
});

describe('steps and maxUpdate', () => {
  it('step 2 waits until every Application of step 1 is Healthy', () => {
    const s = strategy('dev', 'prod');
    const first = run(s, [], [app('d', 'dev', 'outOfSync'), app('p', 'prod', 'outOfSync')]);
    assert.deepEqual(
      first.syncs.map((x) => x.application),
      ['d'],
    );
    assert.equal(first.entries.find((e) => e.application === 'p')!.status, 'Waiting');
    assert.equal(first.conditions[0]!.message, 'ApplicationSet is performing rollout of step 1');
    const second = run(s, first.entries, [
      app('d', 'dev', 'syncedHealthy', { lastSync: { marker: 'current', phase: 'Succeeded' } }),
      app('p', 'prod', 'outOfSync'),
    ]);
    assert.deepEqual(
      second.syncs.map((x) => x.application),
      ['p'],
    );
    const third = run(s, second.entries, [
      app('d', 'dev', 'syncedHealthy', { lastSync: { marker: 'current', phase: 'Succeeded' } }),
      app('p', 'prod', 'syncedHealthy', { lastSync: { marker: 'current', phase: 'Succeeded' } }),
    ]);
    assert.equal(third.conditions[0]!.status, 'False');
    assert.equal(third.conditions[0]!.reason, 'ApplicationSetRolloutComplete');
  });

  it('a push seen by a later step first: it waits until the earlier step is at the same revision', () => {
    const s = strategy('dev', 'prod');
    const previous = [
      { ...was('d', 'dev', 'Healthy', 'r1'), step: '1' },
      { ...was('p', 'prod', 'Healthy', 'r1'), step: '2' },
    ];
    const settled = { lastSync: { marker: 'current' as const, phase: 'Succeeded' } };
    // The dev Application has not compared r2 yet (still Synced and Healthy at r1).
    const early = run(s, previous, [
      app('d', 'dev', 'syncedHealthy', { rev: 'r1', ...settled }),
      app('p', 'prod', 'outOfSync', { rev: 'r2' }),
    ]);
    assert.deepEqual(early.syncs, []);
    // Once it has, the rollout starts with dev.
    const next = run(s, early.entries, [
      app('d', 'dev', 'outOfSync', { rev: 'r2' }),
      app('p', 'prod', 'outOfSync', { rev: 'r2' }),
    ]);
    assert.deepEqual(
      next.syncs.map((x) => x.application),
      ['d'],
    );
  });

  const limits: [number | string, number][] = [
    [1, 1],
    [2, 2],
    ['50%', 2],
    ['10%', 1],
    [0, 0],
  ];
  for (const [maxUpdate, expected] of limits)
    it(`maxUpdate ${maxUpdate} over 5: ${expected} at once, counting Pending and Progressing`, () => {
      const s = strategy({ env: 'prod', maxUpdate });
      const apps = ['a', 'b', 'c', 'd', 'e'].map((n) => app(n, 'prod', 'outOfSync'));
      const first = run(s, [], apps);
      assert.equal(first.syncs.length, expected);
      // Nothing finished yet: the next pass starts nothing more.
      const again = run(
        s,
        first.entries,
        apps.map((a) =>
          first.syncs.some((x) => x.application === a.name) ? { ...a, operation: { sync: {} } } : a,
        ),
      );
      assert.equal(again.syncs.length, 0);
    });

  it('a stopped rollout starts nothing until resumed past the stopped Application', () => {
    const s = strategy({ env: 'prod', maxUpdate: 1 });
    const stopped = [{ ...was('a', 'prod', 'Progressing'), message: 'x' }, was('b', 'prod', 'Waiting')];
    const apps = [
      app('a', 'prod', 'syncedDegraded', { lastSync: { marker: 'current', phase: 'Succeeded' } }),
      app('b', 'prod', 'outOfSync'),
    ];
    const halted = run(s, stopped, apps);
    assert.equal(halted.syncs.length, 0);
    assert.equal(halted.conditions[0]!.reason, 'ApplicationSetRolloutError');
    assert.match(
      halted.conditions[0]!.message,
      /Rollout stopped at step 1: Application a at r2: it is Degraded/,
    );
    const annotation = resumeValue(halted.entries, undefined);
    assert.equal(annotation, resumeKey(halted.entries[0]!));
    const resumed = run(s, halted.entries, apps, [...annotation.split(';')]);
    assert.deepEqual(
      resumed.syncs.map((x) => x.application),
      ['b'],
    );
    assert.match(resumed.entries[0]!.message, /^Rollout resumed past: /);
  });

  it('a soaking step holds the next one, measured from the rollout’s own Healthy stamps', () => {
    const s = { ...strategy('dev', 'prod'), soakMs: [60_000, 0] };
    const previous = [{ ...was('d', 'dev', 'Healthy'), lastTransitionTime: '2025-12-31T23:59:30Z' }];
    const apps = [
      app('d', 'dev', 'syncedHealthy', { lastSync: { marker: 'current', phase: 'Succeeded' } }),
      app('p', 'prod', 'outOfSync'),
    ];
    const soaking = run(s, previous, apps);
    assert.equal(soaking.syncs.length, 0);
    assert.equal(soaking.requeueAfterMs, 30_000);
    const later = computeRollout({
      strategy: s,
      previous,
      apps,
      resumed: new Set(),
      now: new Date('2026-01-01T00:00:31Z'),
    });
    assert.deepEqual(
      later.syncs.map((x) => x.application),
      ['p'],
    );
  });
});

describe('the operation, as Argo writes it', () => {
  it('initiatedBy applicationset-controller, automated, prune and retry from the template, retry limit 5 by default', () => {
    const plain = run(strategy('dev'), [], [app('a', 'dev', 'outOfSync')]).syncs[0]!.operation;
    assert.deepEqual(plain['initiatedBy'], { username: 'applicationset-controller', automated: true });
    assert.deepEqual(plain['retry'], { limit: 5 });
    assert.deepEqual(plain['sync'], {});
    const withPolicy: AppView = {
      ...app('a', 'dev', 'outOfSync'),
      spec: {
        ...SPEC,
        syncPolicy: {
          automated: { prune: true, enabled: false } as { prune: boolean },
          retry: { limit: 2 },
          syncOptions: ['CreateNamespace=true'],
        },
      },
    };
    const op = run(strategy('dev'), [], [withPolicy]).syncs[0]!.operation;
    assert.deepEqual(op['sync'], { syncOptions: ['CreateNamespace=true'], prune: true });
    assert.deepEqual(op['retry'], { limit: 2 });
    const info = op['info'] as { name: string; value: string }[];
    assert.equal(info[0]!.value, 'ApplicationSet RollingSync triggered a sync of this Application resource');
    assert.equal(info[1]!.value, `${specDigest(SPEC)}@r2`);
  });
});

describe('reverse deletion', () => {
  it('deletes the last step first, the next only when it is gone', () => {
    const s = strategy('dev', 'prod');
    const obj = (name: string, env: string, deleting = false) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, labels: { env }, ...(deleting ? { deletionTimestamp: 'x' } : {}) },
    });
    const first = reverseDeletionStep(s, [obj('d', 'dev'), obj('p', 'prod'), obj('x', 'none')]);
    assert.deepEqual([first.step, first.remove.map((a) => a.metadata.name), first.done], [2, ['p'], false]);
    const waiting = reverseDeletionStep(s, [obj('d', 'dev'), obj('p', 'prod', true)]);
    assert.deepEqual([waiting.step, waiting.remove.length], [2, 0]);
    const next = reverseDeletionStep(s, [obj('d', 'dev'), obj('x', 'none')]);
    assert.deepEqual([next.step, next.remove.map((a) => a.metadata.name)], [1, ['d']]);
    assert.equal(reverseDeletionStep(s, [obj('x', 'none')]).done, true);
  });
});
