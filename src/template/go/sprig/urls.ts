/**
 * sprig's urlParse and urlJoin on Go's net/url rules: scheme, opaque, authority (userinfo, host,
 * port), path, raw query and fragment, with Go's escaping when a URL is put back together.
 */
import { FuncError, fn, type GoFunc } from '../funcs.ts';
import { quote } from '../strconv.ts';
import { isMap, kindOf, type GoMap } from '../value.ts';

type Mode = 'path' | 'host' | 'userPassword' | 'fragment' | 'query';

function shouldEscape(c: string, mode: Mode): boolean {
  if (/[A-Za-z0-9]/.test(c)) return false;
  if (mode === 'host' && '!$&\'()*+,;=:[]<>"'.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?';
    if (mode === 'userPassword') return c === '@' || c === '/' || c === '?' || c === ':';
    if (mode === 'fragment') return false;
    return true;
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && !shouldEscape(c, mode) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function unescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length;) {
    if (s[i] === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new FuncError(`invalid URL escape ${quote(s.slice(i, Math.min(i + 3, s.length)))}`);
      }
      bytes.push(parseInt(hex, 16));
      i += 3;
      continue;
    }
    for (const b of Buffer.from(s[i]!, 'utf8')) bytes.push(b);
    i++;
  }
  return Buffer.from(bytes).toString('utf8');
}

interface Url {
  scheme: string;
  opaque: string;
  user?: { username: string; password?: string };
  host: string;
  path: string;
  rawQuery: string;
  fragment: string;
}

function splitScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new FuncError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function parseAuthority(authority: string, u: Url): void {
  const at = authority.lastIndexOf('@');
  const host = at < 0 ? authority : authority.slice(at + 1);
  if (at >= 0) {
    const info = authority.slice(0, at);
    const colon = info.indexOf(':');
    u.user =
      colon < 0
        ? { username: unescape(info) }
        : { username: unescape(info.slice(0, colon)), password: unescape(info.slice(colon + 1)) };
  }
  const port = /:([^:\]]*)$/.exec(host);
  if (port !== null && !host.endsWith(']') && !/^[0-9]*$/.test(port[1]!)) {
    throw new FuncError(`invalid port ${quote(':' + port[1])} after host`);
  }
  u.host = unescape(host);
}

/** net/url.Parse. */
export function parseUrl(rawIn: string): Url {
  if (/[\x00-\x1f\x7f]/.test(rawIn)) throw new FuncError('net/url: invalid control character in URL');
  const hash = rawIn.indexOf('#');
  const u: Url = { scheme: '', opaque: '', host: '', path: '', rawQuery: '', fragment: '' };
  if (hash >= 0) u.fragment = unescape(rawIn.slice(hash + 1));
  const [scheme, afterScheme] = splitScheme(hash < 0 ? rawIn : rawIn.slice(0, hash));
  let rest = afterScheme;
  u.scheme = scheme.toLowerCase();
  const q = rest.indexOf('?');
  if (q >= 0) [rest, u.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    const slash = rest.indexOf('/');
    if ((slash < 0 ? rest : rest.slice(0, slash)).includes(':')) {
      throw new FuncError('first path segment in URL cannot contain colon');
    }
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    parseAuthority(authority, u);
  }
  u.path = unescape(rest);
  return u;
}

function userString(user: NonNullable<Url['user']>): string {
  const name = escape(user.username, 'userPassword');
  return user.password === undefined ? name : `${name}:${escape(user.password, 'userPassword')}`;
}

function hostname(host: string): string {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close < 0 ? host.slice(1) : host.slice(1, close);
  }
  const colon = host.lastIndexOf(':');
  return colon >= 0 && /^[0-9]*$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : host;
}

/** The `//userinfo@host` part of URL.String (or nothing). */
function authorityString(u: Url): string {
  if (u.scheme === '' && u.host === '' && u.user === undefined) return '';
  let out = u.host !== '' || u.path !== '' || u.user !== undefined ? '//' : '';
  if (u.user !== undefined) out += userString(u.user) + '@';
  return out + escape(u.host, 'host');
}

/** URL.String. */
export function urlString(u: Url): string {
  let out = u.scheme === '' ? '' : u.scheme + ':';
  if (u.opaque !== '') out += u.opaque;
  else {
    out += authorityString(u);
    const path = escape(u.path, 'path');
    if (path !== '' && path[0] !== '/' && u.host !== '') out += '/';
    // A first segment with a colon would read as a scheme.
    if (out === '' && (path.split('/')[0] ?? '').includes(':')) out += './';
    out += path;
  }
  if (u.rawQuery !== '') out += '?' + u.rawQuery;
  if (u.fragment !== '') out += '#' + escape(u.fragment, 'fragment');
  return out;
}

function urlParse(v: string): GoMap {
  let u: Url;
  try {
    u = parseUrl(v);
  } catch (err) {
    throw new FuncError(`unable to parse url: parse ${quote(v)}: ${(err as Error).message}`);
  }
  return {
    scheme: u.scheme,
    host: u.host,
    hostname: hostname(u.host),
    path: u.path,
    query: u.rawQuery,
    opaque: u.opaque,
    fragment: u.fragment,
    userinfo: u.user === undefined ? '' : userString(u.user),
  };
}

function field(d: GoMap, key: string): string {
  if (!Object.hasOwn(d, key)) return '';
  const v = d[key];
  if (typeof v !== 'string') {
    throw new FuncError(`unable to parse ${key} key, must be of type string, but ${kindOf(v)} found`);
  }
  return v;
}

function urlJoin(d: GoMap): string {
  const info = field(d, 'userinfo');
  let user: Url['user'];
  if (info !== '') {
    try {
      user = parseUrl(`proto://${info}@host`).user;
    } catch (err) {
      throw new FuncError(
        `unable to parse userinfo in dict: parse ${quote(`proto://${info}@host`)}: ${(err as Error).message}`,
      );
    }
  }
  return urlString({
    scheme: field(d, 'scheme'),
    host: field(d, 'host'),
    path: field(d, 'path'),
    rawQuery: field(d, 'query'),
    opaque: field(d, 'opaque'),
    fragment: field(d, 'fragment'),
    user,
  });
}

export const URL_FUNCS: Record<string, GoFunc> = {
  urlParse: fn(['string'], ([v]) => urlParse(v as string)),
  urlJoin: fn(['map[string]interface {}'], ([d]) => urlJoin(isMap(d) ? d : {})),
};
