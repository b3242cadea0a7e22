/**
 * The helper namespaces Argo CD puts beside `app` in both trigger conditions and templates:
 * `time` (Now, Parse, durations, layouts), `strings` (ReplaceAll, ToUpper, ToLower), `repo`
 * (RepoURLToHTTPS, FullNameByRepoURL, QueryEscape) and `sync` (GetInfoItem). Each is a Go-typed
 * function, so `time.Parse(x)` in a condition and `{{ call .time.Parse x }}` in a template are the
 * same function with the same argument checks.
 */
import { fn, FuncError, GoFuncValue } from '../template/go/funcs.ts';
import { GoDuration, GoTime, LOCAL_ZONE, parseTime } from '../template/go/gotime.ts';
import type { GoValue } from '../template/go/value.ts';

const RFC3339 = '2006-01-02T15:04:05Z07:00';

const func = (params: readonly string[], call: (args: GoValue[]) => GoValue): GoFuncValue =>
  new GoFuncValue(fn(params, call));

const LAYOUTS: Readonly<Record<string, string>> = {
  Layout: "01/02 03:04:05PM '06 -0700",
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339,
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
  Kitchen: '3:04PM',
  Stamp: 'Jan _2 15:04:05',
  StampMilli: 'Jan _2 15:04:05.000',
  StampMicro: 'Jan _2 15:04:05.000000',
  StampNano: 'Jan _2 15:04:05.000000000',
};

/** `time`: Now and Parse (RFC 3339, as Argo's), the Duration constants and the layout names. */
export function timeHelpers(now: () => number = Date.now): Record<string, GoValue> {
  return {
    Now: func([], () => GoTime.fromMillis(now(), LOCAL_ZONE)),
    Parse: func(['string'], ([text]) => parseTime(RFC3339, text as string)),
    Nanosecond: new GoDuration(1n),
    Microsecond: new GoDuration(1000n),
    Millisecond: new GoDuration(1_000_000n),
    Second: new GoDuration(1_000_000_000n),
    Minute: new GoDuration(60_000_000_000n),
    Hour: new GoDuration(3_600_000_000_000n),
    ...LAYOUTS,
  };
}

export const STRINGS_HELPERS: Readonly<Record<string, GoValue>> = {
  ReplaceAll: func(['string', 'string', 'string'], ([s, from, to]) =>
    (s as string).replaceAll(from as string, to as string),
  ),
  ToUpper: func(['string'], ([s]) => (s as string).toUpperCase()),
  ToLower: func(['string'], ([s]) => (s as string).toLowerCase()),
};

/** A git URL (https, ssh, scp-like `git@host:owner/repo`) split into host and path. */
function parseGitURL(raw: string): { host: string; path: string } {
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.*)$/.exec(raw);
  if (scp !== null && !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw))
    return { host: scp[1]!, path: `/${scp[2]!.replace(/^\//, '')}` };
  try {
    const url = new URL(raw);
    return { host: url.host, path: decodeURIComponent(url.pathname) };
  } catch {
    throw new FuncError(`failed to parse git URL ${JSON.stringify(raw)}`);
  }
}

/** The HTTPS form of a git URL (credentials dropped), as Argo's repo.RepoURLToHTTPS. */
export function repoURLToHTTPS(raw: string): string {
  const { host, path } = parseGitURL(raw);
  return `https://${host}${path}`;
}

/** `owner/name` of a git URL, as Argo's repo.FullNameByRepoURL. */
export function fullNameByRepoURL(raw: string): string {
  const path = parseGitURL(raw).path.replace(/\.git$/, '');
  const parts = path.split('/').filter((p) => p !== '');
  return parts.length >= 2 ? parts.slice(0, 2).join('/') : path;
}

/** Go's url.QueryEscape: spaces become `+`, everything but unreserved characters is %-escaped. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

const unsupported = (name: string): GoFuncValue =>
  new GoFuncValue({
    params: [],
    variadic: 'interface {}',
    call: () => {
      throw new FuncError(`repo.${name} needs Argo CD's repo server, which Spokes does not run`);
    },
  });

export const REPO_HELPERS: Readonly<Record<string, GoValue>> = {
  RepoURLToHTTPS: func(['string'], ([url]) => repoURLToHTTPS(url as string)),
  FullNameByRepoURL: func(['string'], ([url]) => fullNameByRepoURL(url as string)),
  QueryEscape: func(['string'], ([s]) => queryEscape(s as string)),
  GetCommitMetadata: unsupported('GetCommitMetadata'),
  GetAppDetails: unsupported('GetAppDetails'),
};

export const SYNC_HELPERS: Readonly<Record<string, GoValue>> = {
  /** The value of `name` in the sync operation's info items, or "". */
  GetInfoItem: func(['interface {}', 'string'], ([app, name]) => {
    const status = (app as { status?: { operationState?: { operation?: { info?: unknown } } } } | null)
      ?.status;
    const info = status?.operationState?.operation?.info;
    if (!Array.isArray(info)) return '';
    const item = (info as { name?: unknown; value?: unknown }[]).find((i) => i.name === name);
    return typeof item?.value === 'string' ? item.value : '';
  }),
};

const DEFAULT_HELPERS = Object.freeze({
  time: timeHelpers(),
  strings: STRINGS_HELPERS,
  repo: REPO_HELPERS,
  sync: SYNC_HELPERS,
});

/** The helper namespaces, by the names conditions and templates use (made once unless `now` is given). */
export function helperVars(now?: () => number): Readonly<Record<string, GoValue>> {
  if (now === undefined) return DEFAULT_HELPERS;
  return { time: timeHelpers(now), strings: STRINGS_HELPERS, repo: REPO_HELPERS, sync: SYNC_HELPERS };
}
