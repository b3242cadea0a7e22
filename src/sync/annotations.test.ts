import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { annotationValues, hookTypes, isHook, isIgnored, isSkipped } from './annotations.ts';

const withAnnotations = (annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', annotations },
});

describe('hook annotations', () => {
  const rows: {
    name: string;
    annotations: Record<string, string>;
    types: string[];
    hook: boolean;
    skipped: boolean;
    ignored: boolean;
  }[] = [
    { name: 'no annotations', annotations: {}, types: [], hook: false, skipped: false, ignored: false },
    {
      name: 'PreSync',
      annotations: { 'argocd.argoproj.io/hook': 'PreSync' },
      types: ['PreSync'],
      hook: true,
      skipped: false,
      ignored: false,
    },
    {
      name: 'several, spaced and repeated',
      annotations: { 'argocd.argoproj.io/hook': ' PreSync, PostSync ,PreSync,' },
      types: ['PreSync', 'PostSync'],
      hook: true,
      skipped: false,
      ignored: false,
    },
    {
      name: 'Skip alone',
      annotations: { 'argocd.argoproj.io/hook': 'Skip' },
      types: ['Skip'],
      hook: false,
      skipped: true,
      ignored: false,
    },
    {
      name: 'Skip with another type is a hook',
      annotations: { 'argocd.argoproj.io/hook': 'Skip,Sync' },
      types: ['Skip', 'Sync'],
      hook: true,
      skipped: false,
      ignored: false,
    },
    {
      name: 'unknown Argo type is ignored',
      annotations: { 'argocd.argoproj.io/hook': 'Later' },
      types: [],
      hook: true,
      skipped: false,
      ignored: true,
    },
    {
      name: 'Helm pre-install and post-upgrade',
      annotations: { 'helm.sh/hook': 'pre-install,post-upgrade' },
      types: ['PreSync', 'PostSync'],
      hook: true,
      skipped: false,
      ignored: false,
    },
    {
      name: 'Helm test hook is ignored',
      annotations: { 'helm.sh/hook': 'test' },
      types: [],
      hook: true,
      skipped: false,
      ignored: true,
    },
    {
      name: 'Helm crd-install is not a hook',
      annotations: { 'helm.sh/hook': 'crd-install' },
      types: [],
      hook: false,
      skipped: false,
      ignored: false,
    },
    {
      name: 'Argo type wins over Helm',
      annotations: { 'argocd.argoproj.io/hook': 'Sync', 'helm.sh/hook': 'pre-install' },
      types: ['Sync'],
      hook: true,
      skipped: false,
      ignored: false,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const obj = withAnnotations(row.annotations);
      assert.deepEqual(
        { types: hookTypes(obj), hook: isHook(obj), skipped: isSkipped(obj), ignored: isIgnored(obj) },
        { types: row.types, hook: row.hook, skipped: row.skipped, ignored: row.ignored },
      );
    });
  }

  test('annotationValues of an absent annotation is empty', () => {
    assert.deepEqual(annotationValues(withAnnotations({}), 'x'), []);
  });
});
