import assert from 'node:assert/strict';
import { test } from 'node:test';
import { automatedMayRun } from './reconcile.ts';
import type { OperationState } from './status.ts';

const auto = (phase: string, revision: string): OperationState => ({
  operation: { initiatedBy: { automated: true } },
  phase,
  syncResult: { revision },
});

test('automatedMayRun: once per revision, and an interrupted one resumes', async (t) => {
  const rows: { name: string; last: OperationState | undefined; selfHeal: boolean; want: boolean }[] = [
    { name: 'never synced', last: undefined, selfHeal: false, want: true },
    { name: 'a new revision', last: auto('Succeeded', 'old'), selfHeal: false, want: true },
    { name: 'same revision succeeded', last: auto('Succeeded', 'rev'), selfHeal: false, want: false },
    { name: 'same revision succeeded, selfHeal', last: auto('Succeeded', 'rev'), selfHeal: true, want: true },
    { name: 'same revision failed: not retried', last: auto('Failed', 'rev'), selfHeal: true, want: false },
    // A replica died or lost the shard mid-operation: the new holder finishes it.
    {
      name: 'same revision left Running: resumed',
      last: auto('Running', 'rev'),
      selfHeal: false,
      want: true,
    },
    {
      name: 'a manual operation last',
      last: {
        operation: { initiatedBy: { username: 'me' } },
        phase: 'Succeeded',
        syncResult: { revision: 'rev' },
      },
      selfHeal: false,
      want: true,
    },
  ];
  for (const row of rows) {
    await t.test(row.name, () => assert.equal(automatedMayRun(row.last, 'rev', row.selfHeal), row.want));
  }
});
