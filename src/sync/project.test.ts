import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AppProjectSpec } from '../api/appproject.ts';
import {
  isDestinationPermitted,
  isResourcePermitted,
  isSourcePermitted,
  type Destination,
} from './project.ts';

describe('project source repositories', () => {
  const rows: { name: string; repos: string[]; url: string; expected: boolean }[] = [
    { name: 'wildcard allows all', repos: ['*'], url: 'https://github.com/org/app.git', expected: true },
    {
      name: 'exact, normalised (case, .git)',
      repos: ['https://github.com/Org/App'],
      url: 'https://github.com/org/app.git',
      expected: true,
    },
    {
      name: '* stays within a path segment',
      repos: ['https://github.com/org/*'],
      url: 'https://github.com/org/team/app',
      expected: false,
    },
    {
      name: '** crosses segments',
      repos: ['https://github.com/org/**'],
      url: 'https://github.com/org/team/app',
      expected: true,
    },
    {
      name: 'no match',
      repos: ['https://github.com/other/*'],
      url: 'https://github.com/org/app',
      expected: false,
    },
    {
      name: 'deny pattern wins',
      repos: ['*', '!https://github.com/org/secret'],
      url: 'https://github.com/org/secret.git',
      expected: false,
    },
    {
      name: 'deny pattern for another repo',
      repos: ['*', '!https://github.com/org/secret'],
      url: 'https://github.com/org/app',
      expected: true,
    },
    { name: 'no sourceRepos allows nothing', repos: [], url: 'https://github.com/org/app', expected: false },
  ];
  for (const row of rows)
    test(row.name, () => assert.equal(isSourcePermitted({ sourceRepos: row.repos }, row.url), row.expected));
});

describe('project destinations', () => {
  const spoke: Destination = { server: 'https://spoke-a:6443', name: 'spoke-a', namespace: 'team-a' };
  const rows: {
    name: string;
    destinations: NonNullable<AppProjectSpec['destinations']>;
    dest?: Destination;
    expected: boolean;
  }[] = [
    { name: 'any', destinations: [{ server: '*', namespace: '*' }], expected: true },
    {
      name: 'by server and namespace glob',
      destinations: [{ server: 'https://spoke-a:6443', namespace: 'team-*' }],
      expected: true,
    },
    { name: 'by name', destinations: [{ name: 'spoke-*', namespace: '*' }], expected: true },
    {
      name: 'namespace not allowed',
      destinations: [{ server: '*', namespace: 'kube-system' }],
      expected: false,
    },
    {
      name: 'denied namespace',
      destinations: [
        { server: '*', namespace: '*' },
        { server: '*', namespace: '!team-a' },
      ],
      expected: false,
    },
    {
      name: 'denied server',
      destinations: [
        { server: '*', namespace: '*' },
        { server: '!https://spoke-a:6443', namespace: '*' },
      ],
      expected: false,
    },
    {
      name: 'denied other server',
      destinations: [
        { server: '*', namespace: '*' },
        { server: '!https://spoke-b:6443', namespace: '*' },
      ],
      expected: true,
    },
    { name: 'no destinations', destinations: [], expected: false },
  ];
  for (const row of rows) {
    test(row.name, () =>
      assert.equal(
        isDestinationPermitted({ destinations: row.destinations }, row.dest ?? spoke),
        row.expected,
      ),
    );
  }
});

describe('project resources', () => {
  const deployment = { group: 'apps', kind: 'Deployment', name: 'web', namespaced: true };
  const clusterRole = {
    group: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
    name: 'reader',
    namespaced: false,
  };
  const rows: { name: string; spec: AppProjectSpec; res: typeof deployment; expected: boolean }[] = [
    { name: 'namespaced allowed by default', spec: {}, res: deployment, expected: true },
    {
      name: 'namespaced blacklisted',
      spec: { namespaceResourceBlacklist: [{ group: 'apps', kind: '*' }] },
      res: deployment,
      expected: false,
    },
    {
      name: 'namespaced whitelist without it',
      spec: { namespaceResourceWhitelist: [{ group: '', kind: 'ConfigMap' }] },
      res: deployment,
      expected: false,
    },
    {
      name: 'empty namespaced whitelist allows none',
      spec: { namespaceResourceWhitelist: [] },
      res: deployment,
      expected: false,
    },
    { name: 'cluster-scoped denied by default', spec: {}, res: clusterRole, expected: false },
    {
      name: 'cluster-scoped whitelisted',
      spec: { clusterResourceWhitelist: [{ group: '*', kind: '*' }] },
      res: clusterRole,
      expected: true,
    },
    {
      name: 'cluster-scoped whitelisted by name pattern',
      spec: {
        clusterResourceWhitelist: [
          { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'read*' },
        ],
      },
      res: clusterRole,
      expected: true,
    },
    {
      name: 'cluster-scoped whitelist names another',
      spec: {
        clusterResourceWhitelist: [
          { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
        ],
      },
      res: clusterRole,
      expected: false,
    },
    {
      name: 'cluster-scoped whitelisted then blacklisted',
      spec: {
        clusterResourceWhitelist: [{ group: '*', kind: '*' }],
        clusterResourceBlacklist: [{ group: '*', kind: 'ClusterRole' }],
      },
      res: clusterRole,
      expected: false,
    },
  ];
  for (const row of rows)
    test(row.name, () => assert.equal(isResourcePermitted(row.spec, row.res), row.expected));
});
