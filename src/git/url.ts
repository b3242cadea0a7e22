/**
 * Repository URLs: comparing them the way Argo CD does, and keeping credentials out of anything
 * shown (errors, logs). Credentials written into a URL are moved out of it before git sees it.
 */

/** `git@host:org/repo` or `ssh://git@host/org/repo` (Argo CD's test for SSH URLs). */
const SSH_URL = /^(ssh:\/\/)?([^/:]*?)@[^@]+$/;
/** `scheme://userinfo@` in http(s) and other hierarchical URLs. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]*)@/i;

export function isSSHURL(url: string): boolean {
  return SSH_URL.test(url);
}

/**
 * A URL reduced for comparison, like Argo CD's NormalizeGitURL: trimmed, lowercased, the SCP-like
 * SSH form rewritten as a path, a trailing `.git` dropped.
 */
export function normalizeRepoURL(url: string): string {
  let out = url.trim().toLowerCase();
  if (isSSHURL(out) && !out.startsWith('ssh://')) out = out.replace(':', '/');
  out = out.replace(/^ssh:\/\//, '');
  return out.endsWith('.git') ? out.slice(0, -'.git'.length) : out;
}

/**
 * The key a git push is matched on: no scheme, user, `.git` suffix or trailing slash; lowercase. A push
 * names the repository by its web or https URL while an Application may name it by its SSH URL.
 */
export function pushMatchKey(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z+]+:\/\//, '')
    .replace(/^[^@/]+@/, '')
    .replace(/:(?!\d+\/)/, '/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

export interface URLCredentials {
  /** The URL without its userinfo (what git is given). */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

/** Moves `user:password@` out of an http(s) URL; other URLs are returned unchanged. */
export function splitURLCredentials(url: string): URLCredentials {
  const match = USERINFO.exec(url);
  if (match === null || !/^https?:\/\//i.test(url)) return { url };
  const [whole, scheme, userinfo] = match as unknown as [string, string, string];
  const stripped = scheme + url.slice(whole.length);
  const colon = userinfo.indexOf(':');
  const username = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
  const password = colon < 0 ? undefined : decode(userinfo.slice(colon + 1));
  return {
    url: stripped,
    ...(username === '' ? {} : { username }),
    ...(password === undefined || password === '' ? {} : { password }),
  };
}

/** The URL as it may be shown: http(s) userinfo removed, an SSH password removed. */
export function displayURL(url: string): string {
  if (/^https?:\/\//i.test(url)) return url.replace(USERINFO, '$1');
  return url.replace(USERINFO, (_whole, scheme: string, userinfo: string) => {
    const user = userinfo.split(':')[0] ?? '';
    return user === '' ? scheme : `${scheme}${user}@`;
  });
}

/**
 * Text from git (stderr) made safe to show: URL userinfo removed and every known secret value
 * replaced, wherever it appears.
 */
export function scrubCredentials(text: string, secrets: readonly string[]): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]*@/gi, '$1');
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
