/**
 * The trigger language's table of cases, shared by the unit test (Spokes' evaluator) and the expr
 * oracle (`npm run oracle:expr`: the same expressions through expr-lang/expr itself, the library
 * Argo CD uses). Expected values are Go's `%v` of the result; cases marked Argo-only use Argo CD's
 * repo helpers, which the oracle does not have.
 */

/** time.Now() in both evaluators. */
export const NOW = Date.parse('2024-05-01T12:00:00Z');

export const app = {
  metadata: { name: 'guestbook', annotations: { 'example.com/version': 'v0.1' }, labels: { env: 'prod' } },
  spec: { project: 'default', source: { repoURL: 'git@github.com:org/repo.git' } },
  status: {
    sync: { status: 'Synced', revision: 'abc123' },
    health: { status: 'Healthy', lastTransitionTime: '2024-05-01T11:59:00Z' },
    operationState: {
      phase: 'Succeeded',
      startedAt: '2024-05-01T11:50:00Z',
      finishedAt: '2024-05-01T11:58:00Z',
      syncResult: { revision: 'abc123' },
    },
    conditions: [
      { type: 'SyncError', message: 'boom' },
      { type: 'Warning', message: 'meh' },
    ],
    replicas: 3,
  },
};
export const bare = { metadata: { name: 'new' }, status: {} };

/** [expression, object, expected %v of the result] */
export const CASES: readonly (readonly [string, unknown, string])[] = [
  // literals and arithmetic
  ['1 + 2 * 3', app, '7'],
  ['(1 + 2) * 3', app, '9'],
  ['7 / 2', app, '3.5'],
  ['7 % 3', app, '1'],
  ['2 ** 10', app, '1024'],
  ['-3 + +1', app, '-2'],
  ['0x1F + 0b11 + 0o10 + 1_000', app, '1042'],
  ['1.5e2', app, '150'],
  ['"a" + \'b\' + `c\\n`', app, 'abc\\n'],
  ['"tab\\there"', app, 'tab\there'],
  ['1..4', app, '[1 2 3 4]'],
  ['[1, "a", true, nil]', app, '[1 a true <nil>]'],
  ['{a: 1, "b": 2}.b', app, '2'],
  // comparison, logic, precedence
  ['1 < 2 < 3', app, 'true'],
  ['3 > 2 > 2', app, 'false'],
  ['"abc" < "abd"', app, 'true'],
  ['1 == 1.0', app, 'true'],
  ['nil == nil', app, 'true'],
  ['app.status.missing == nil', app, 'true'],
  ['app.metadata.name == 1', app, 'false'],
  ['true and false or true', app, 'true'],
  ['true && !false || false', app, 'true'],
  ['not true == false', app, 'true'],
  ['not (1 == 2)', app, 'true'],
  ['1 == 2 ? "yes" : "no"', app, 'no'],
  ['false ?: "fallback"', app, 'fallback'],
  ['true ?: "fallback"', app, 'true'],
  ['app.status.nothing ?? "default"', app, 'default'],
  ['app.status.sync.status ?? "default"', app, 'Synced'],
  // members, optional chaining, indexing
  ['app.metadata.name', app, 'guestbook'],
  ['app.metadata.annotations["example.com/version"]', app, 'v0.1'],
  ['app.status.conditions[0].type', app, 'SyncError'],
  ['app.status.conditions[-1].message', app, 'meh'],
  ['app.status.conditions[0:1][0].message', app, 'boom'],
  ['app.status.operationState?.syncResult?.revision', app, 'abc123'],
  ['app.status.operationState?.syncResult?.revision', bare, '<nil>'],
  ['app.status.operationState?.syncResult.revision', bare, '<nil>'],
  ['app.status?.["sync"]?.status', app, 'Synced'],
  ['app.status.replicas', app, '3'],
  // in, matches, string operators
  ["app.status.operationState.phase in ['Error', 'Failed']", app, 'false'],
  ["app.status.operationState.phase not in ['Error', 'Failed']", app, 'true'],
  ["'env' in app.metadata.labels", app, 'true'],
  ["'x' in app.status.missing", app, 'false'],
  ["app.metadata.name matches '^guest'", app, 'true'],
  ["app.metadata.name not matches 'x$'", app, 'true'],
  ["app.metadata.name contains 'est'", app, 'true'],
  ["app.metadata.name startsWith 'guest' and app.metadata.name endsWith 'book'", app, 'true'],
  // builtins and predicates
  ['len(app.status.conditions)', app, '2'],
  ['len("héllo")', app, '5'],
  ["any(app.status.conditions, {.type == 'SyncError'})", app, 'true'],
  ["all(app.status.conditions, #.message != '')", app, 'true'],
  ["none(app.status.conditions, .type == 'Other')", app, 'true'],
  ["one(app.status.conditions, .type == 'Warning')", app, 'true'],
  ["filter(app.status.conditions, .type == 'Warning')[0].message", app, 'meh'],
  ['map(app.status.conditions, .type)', app, '[SyncError Warning]'],
  ["count(app.status.conditions, .type startsWith 'S')", app, '1'],
  ["find(app.status.conditions, .type == 'Warning').message", app, 'meh'],
  ["app.status.conditions | map(.message) | join(',')", app, 'boom,meh'],
  ['upper(app.metadata.name) + lower("X")', app, 'GUESTBOOKx'],
  ["split('a,b', ',')", app, '[a b]'],
  ["replace('a-b-c', '-', '+')", app, 'a+b+c'],
  ['trimPrefix("v1.2", "v") + trim("  x ")', app, '1.2x'],
  ['int("42") + int(3.9) + float("0.5")', app, '45.5'],
  ['max(1, 5, 3) - min([4, 2])', app, '3'],
  ['abs(-2) + ceil(1.2) + floor(1.8) + round(2.5)', app, '8'],
  ['string(12) + string(true)', app, '12true'],
  // Go ranges over a map in random order, so expr's keys() of two or more keys has no fixed order
  // (ours are sorted): one key exactly, more as a set.
  ['keys({a: 2})', app, '[a]'],
  ['len(keys({b: 1, a: 2})) == 2 and "a" in keys({b: 1, a: 2}) and "b" in keys({b: 1, a: 2})', app, 'true'],
  // Argo's helpers: time, strings, repo
  ['time.Now().Sub(time.Parse(app.status.operationState.startedAt)).Minutes()', app, '10'],
  ['time.Now().Sub(time.Parse(app.status.operationState.startedAt)).Minutes() >= 5', app, 'true'],
  [
    'time.Parse(app.status.health.lastTransitionTime).Before(time.Parse(app.status.operationState.finishedAt))',
    app,
    'false',
  ],
  ['time.Parse("2024-05-01T11:00:00Z").Add(2 * time.Hour).After(time.Now())', app, 'true'],
  ['time.Now() - time.Parse("2024-05-01T11:00:00Z") > time.Minute * 59', app, 'true'],
  ['time.Now() - time.Parse("2024-05-01T11:00:00Z")', app, '1h0m0s'],
  ['time.Parse("2024-05-01T11:00:00.5+02:00").Format(time.RFC3339Nano)', app, '2024-05-01T11:00:00.5+02:00'],
  ['time.Parse("2024-05-01T11:00:00Z")', app, '2024-05-01 11:00:00 +0000 UTC'],
  ['time.Now().Year() + 1', app, '2025'],
  ['strings.ReplaceAll(app.metadata.name, "book", "room")', app, 'guestroom'],
  ['strings.ToUpper("a") + strings.ToLower("B")', app, 'Ab'],
  ['repo.RepoURLToHTTPS(app.spec.source.repoURL)', app, 'https://github.com/org/repo.git'],
  ['repo.RepoURLToHTTPS("ssh://git@gitlab.com:22/a/b.git")', app, 'https://gitlab.com:22/a/b.git'],
  ['repo.FullNameByRepoURL("https://user@github.com/org/repo.git")', app, 'org/repo'],
  ['repo.QueryEscape("a b&c")', app, 'a+b%26c'],
];

/** [expression, object, a part of the error message] */
export const RUNTIME_ERRORS: readonly (readonly [string, unknown, RegExp])[] = [
  ["app.status.operationState.phase in ['Succeeded']", bare, /cannot fetch phase from <nil>/],
  ['app.status.health.status == "Degraded"', bare, /cannot fetch status from <nil>/],
  ['time.Parse(app.status.health.lastTransitionTime)', bare, /cannot fetch lastTransitionTime from <nil>/],
  ['time.Parse(app.metadata.name)', bare, /Parse: parsing time/],
  ['time.Parse(nil)', app, /cannot use <nil> as argument \(type string\)/],
  ['1 and true', app, /non-bool int/],
  ['app.metadata.name ?: "x"', app, /non-bool string/],
  ['"a" < 1', app, /invalid operation: string < int/],
  ['app.status.conditions[5]', app, /index out of range: 5/],
  ['1 matches "x"', app, /mismatched type int/],
  ['repo.GetCommitMetadata("abc")', app, /needs Argo CD's repo server/],
  ['nope()', app, /nope is not a function/],
  ['all(nil, # > 1)', app, /cannot iterate <nil>/],
];

export const SYNTAX_ERRORS: readonly (readonly [string, RegExp])[] = [
  ['app.status ==', /unexpected token EOF \(1:14\)/],
  ["app.status.sync.status == 'Unknown", /literal not terminated \(1:27\)/],
  ['a b', /unexpected token Identifier\("b"\) \(1:3\)/],
  ['(1 + 2', /unexpected token EOF/],
  ['1 ?? 2 + 3', /cannot be mixed/],
  ['a @ b', /unrecognized character/],
  ['a not b', /unexpected token Identifier\("b"\)/],
  ['all(x)', /expected 2 arguments/],
];
