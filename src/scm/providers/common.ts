/** What every provider client shares: its HTTP cache, auth headers, TLS options and error reading. */
import { SpokesError } from '../../errors.ts';
import { isPlainObject } from '../../params.ts';
import { redactUrl, type ScmHttp, type ScmResponse } from '../http.ts';

export interface ProviderClient {
  readonly http: ScmHttp;
  /** The API root, ending in `/` (e.g. https://api.github.com/). */
  readonly base: string;
  /** Authorization and provider headers. */
  readonly headers: Readonly<Record<string, string>>;
  readonly insecure?: boolean;
  readonly ca?: string;
}

export async function get(client: ProviderClient, path: string): Promise<ScmResponse> {
  return client.http.get({
    url: client.base + path,
    headers: client.headers,
    ...(client.insecure ? { insecure: true } : {}),
    ...(client.ca ? { ca: client.ca } : {}),
  });
}

/** The answer's body when 2xx; 404 as ScmNotFound; any other status as ScmRequestFailed. */
export function ok(response: ScmResponse, client: ProviderClient, path: string): unknown {
  if (response.status >= 200 && response.status < 300) return response.body;
  const url = redactUrl(client.base + path);
  const message = errorMessage(response.body);
  const detail = `GET ${url}: HTTP ${response.status}${message ? `: ${message}` : ''}`;
  throw new SpokesError(response.status === 404 ? 'ScmNotFound' : 'ScmRequestFailed', detail);
}

function errorMessage(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 200);
  if (isPlainObject(body)) {
    for (const key of ['message', 'error', 'errors']) {
      const value = body[key];
      if (typeof value === 'string') return value;
    }
  }
  return '';
}

/** The body as a list of maps, or a clear error naming the URL. */
export function list(body: unknown, client: ProviderClient, path: string): Record<string, unknown>[] {
  if (!Array.isArray(body) || !body.every(isPlainObject)) {
    throw new SpokesError('ScmRequestFailed', `GET ${redactUrl(client.base + path)}: expected a JSON list`);
  }
  return body;
}

/** A string or number field as text; anything else as ''. */
export function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

export function field(obj: unknown, ...keys: readonly string[]): unknown {
  let value = obj;
  for (const key of keys) value = isPlainObject(value) ? value[key] : undefined;
  return value;
}

/** `<...?page=N...>; rel="next"` of a Link header, as the next page number. */
export function nextPageFromLink(link: string | undefined): number | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match === null) continue;
    const page = new URL(match[1]!, 'http://x').searchParams.get('page');
    return page === null ? undefined : Number(page);
  }
  return undefined;
}

export function withQuery(
  path: string,
  query: Readonly<Record<string, string | number | boolean | undefined>>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${text}`;
}

export const seg = encodeURIComponent;
