import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { deletePolicies } from './operation.ts';
import { optionValue, parseDurationMs, propagationPolicy, resourceOption } from './options.ts';

const withAnnotations = (annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'x', annotations },
});

test('optionValue: Name=value, the last one wins, spaces trimmed', () => {
  assert.equal(optionValue(['CreateNamespace=true'], 'CreateNamespace'), 'true');
  assert.equal(optionValue(['Prune=true', ' Prune = false '], 'Prune'), 'false');
  assert.equal(optionValue(['PruneLast'], 'PruneLast'), undefined);
  assert.equal(optionValue([], 'X'), undefined);
});

test("a resource's annotation wins over the Application's options", () => {
  const obj = withAnnotations({ 'argocd.argoproj.io/sync-options': 'Prune=false,PruneLast=true' });
  assert.equal(resourceOption(obj, ['Prune=true'], 'Prune'), 'false');
  assert.equal(resourceOption(obj, [], 'PruneLast'), 'true');
  assert.equal(resourceOption(withAnnotations({}), ['Prune=true'], 'Prune'), 'true');
});

describe('propagationPolicy', () => {
  const cases: [string[], string][] = [
    [[], 'Foreground'],
    [['PrunePropagationPolicy=background'], 'Background'],
    [['PrunePropagationPolicy=orphan'], 'Orphan'],
    [['PrunePropagationPolicy=Foreground'], 'Foreground'],
  ];
  for (const [options, expected] of cases)
    test(`${options.join(',') || 'none'} → ${expected}`, () =>
      assert.equal(propagationPolicy(options), expected));
});

describe('parseDurationMs (Go durations, as retry backoff writes them)', () => {
  const cases: [string | undefined, number][] = [
    ['5s', 5000],
    ['3m', 180_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['10', 10_000],
    [undefined, 42],
    ['soon', 42],
  ];
  for (const [text, expected] of cases)
    test(`${text} → ${expected}`, () => assert.equal(parseDurationMs(text, 42), expected));
});

describe('hook delete policies', () => {
  const cases: [Record<string, string>, string[]][] = [
    [{}, ['BeforeHookCreation']],
    [
      { 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded,HookFailed' },
      ['HookSucceeded', 'HookFailed'],
    ],
    [
      { 'helm.sh/hook-delete-policy': 'hook-succeeded,before-hook-creation' },
      ['HookSucceeded', 'BeforeHookCreation'],
    ],
    [{ 'argocd.argoproj.io/hook-delete-policy': 'Bogus' }, ['BeforeHookCreation']],
  ];
  for (const [annotations, expected] of cases)
    test(JSON.stringify(annotations), () =>
      assert.deepEqual([...deletePolicies(withAnnotations(annotations))], expected),
    );
});
