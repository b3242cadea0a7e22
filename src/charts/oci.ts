/**
 * An OCI distribution client, enough for Helm charts and Argo CD's OCI sources: the registry's
 * auth challenge answered (Basic, or a Bearer token from its realm with the repository's
 * credentials), tags listed (following `Link` pages), manifests resolved to digests, blobs
 * downloaded and checked against their digest. Tokens are kept in memory until they expire.
 */
import { createHash } from 'node:crypto';
import { SpokesError } from '../errors.ts';
import { Redacted } from '../redact.ts';
import { basicAuthOf, type ChartCredentials } from './credentials.ts';
import { statusError, type HttpAuth, type HttpClient, type HttpResponse, type TlsSettings } from './http.ts';

export const HELM_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_LAYER_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
/** The layer types Argo CD accepts by default for OCI sources. */
const CONTENT_LAYER_TYPES = new Set([HELM_LAYER_MEDIA_TYPE, 'application/vnd.oci.image.layer.v1.tar+gzip']);

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface Registry {
  readonly host: string;
  readonly credentials: ChartCredentials | undefined;
  readonly tls: TlsSettings;
}

export interface OciManifest {
  readonly digest: string;
  readonly config?: { readonly mediaType?: string };
  readonly layers: readonly { readonly mediaType: string; readonly digest: string; readonly size?: number }[];
}

interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** `Bearer realm="…",service="…",scope="…"` → scheme and parameters. */
export function parseChallenge(header: string): Challenge {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of header.slice(space + 1).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]!.toLowerCase()] = m[2]!;
  return { scheme, params };
}

/** The `next` link of a paged tags list, relative to the registry. */
function nextLink(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  return text === undefined ? undefined : /<([^>]+)>\s*;\s*rel="?next"?/.exec(text)?.[1];
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export class OciClient {
  readonly #http: HttpClient;
  readonly #tokens = new Map<string, { token: Redacted<string>; expires: number }>();
  readonly #now: () => number;

  constructor(http: HttpClient, now: () => number = Date.now) {
    this.#http = http;
    this.#now = now;
  }

  #base(registry: Registry): string {
    return `${registry.credentials?.plainHTTP ? 'http' : 'https'}://${registry.host}`;
  }

  #tokenKey(registry: Registry, scope: string): string {
    const who = createHash('sha256')
      .update(`${registry.credentials?.username ?? ''}\0${registry.credentials?.password?.reveal() ?? ''}`)
      .digest('hex');
    return `${registry.host}\0${scope}\0${who}`;
  }

  /** A GET on the registry, answering one auth challenge. */
  async #get(
    registry: Registry,
    repository: string,
    path: string,
    opts: { accept?: string; maxBytes: number; what: string },
  ) {
    const url = `${this.#base(registry)}${path}`;
    const scope = `repository:${repository}:pull`;
    const cached = this.#tokens.get(this.#tokenKey(registry, scope));
    const auth: HttpAuth | undefined =
      cached !== undefined && cached.expires > this.#now()
        ? { kind: 'bearer', token: cached.token }
        : undefined;
    const request = (a: HttpAuth | undefined): Promise<HttpResponse> =>
      this.#http.get(url, {
        tls: registry.tls,
        maxBytes: opts.maxBytes,
        what: opts.what,
        ...(opts.accept ? { accept: opts.accept } : {}),
        ...(a ? { auth: a } : {}),
      });
    const res = await request(auth);
    if (res.status !== 401) return res;
    const header = res.headers['www-authenticate'];
    const challenge = parseChallenge(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''));
    const retryAuth = await this.#answer(registry, challenge, scope, opts.what);
    if (retryAuth === undefined) return res;
    return request(retryAuth);
  }

  async #answer(
    registry: Registry,
    challenge: Challenge,
    scope: string,
    what: string,
  ): Promise<HttpAuth | undefined> {
    const basic = basicAuthOf(registry.credentials);
    if (challenge.scheme === 'basic') return basic;
    const realm = challenge.params['realm'];
    if (challenge.scheme !== 'bearer' || realm === undefined) return undefined;
    const url = new URL(realm);
    if (challenge.params['service']) url.searchParams.set('service', challenge.params['service']);
    url.searchParams.set('scope', challenge.params['scope'] ?? scope);
    const token = await this.#fetchToken(url.toString(), registry.tls, basic, what);
    this.#tokens.set(this.#tokenKey(registry, scope), {
      token: token.token,
      expires: this.#now() + token.lifetimeMs,
    });
    return { kind: 'bearer', token: token.token };
  }

  /** A token from the registry's token service (the realm), asked with the repository's credentials. */
  async #fetchToken(url: string, tls: TlsSettings, basic: HttpAuth | undefined, what: string) {
    const res = await this.#http.get(url, {
      tls,
      maxBytes: 1024 * 1024,
      what: `token for ${what}`,
      ...(basic ? { auth: basic } : {}),
    });
    if (res.status !== 200) throw statusError(res, `${what}: the registry's token service`);
    const body = JSON.parse(res.body.toString('utf8')) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = body.token ?? body.access_token;
    if (token === undefined)
      throw new SpokesError('Unauthorized', `${what}: the registry's token service sent no token`);
    return { token: new Redacted(token), lifetimeMs: Math.max(10, (body.expires_in ?? 60) - 10) * 1000 };
  }

  /** Every tag of `repository`, `_` turned back into `+` (Helm's convention for semver metadata). */
  async tags(registry: Registry, repository: string, maxBytes: number): Promise<string[]> {
    const what = `tags of ${registry.host}/${repository}`;
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repository}/tags/list?n=1000`;
    for (let page = 0; path !== undefined && page < 1000; page++) {
      const res = await this.#get(registry, repository, path, { maxBytes, what });
      if (res.status !== 200) throw statusError(res, what);
      const body = JSON.parse(res.body.toString('utf8')) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []).map((t) => t.replaceAll('_', '+')));
      const next = nextLink(res.headers['link']);
      path =
        next === undefined
          ? undefined
          : next.startsWith('/')
            ? next
            : new URL(next).pathname + new URL(next).search;
    }
    return tags;
  }

  /** The manifest of `reference` (a tag or a digest). */
  async manifest(registry: Registry, repository: string, reference: string): Promise<OciManifest> {
    const what = `${registry.host}/${repository}:${reference}`;
    const res = await this.#get(
      registry,
      repository,
      `/v2/${repository}/manifests/${reference.replaceAll('+', '_')}`,
      {
        accept: MANIFEST_ACCEPT,
        maxBytes: 4 * 1024 * 1024,
        what,
      },
    );
    if (res.status === 404)
      throw new SpokesError('VersionNotFound', `${what}: no such tag or digest in the registry`);
    if (res.status !== 200) throw statusError(res, what);
    const digest = sha256(res.body);
    if (reference.startsWith('sha256:') && reference !== digest) {
      throw new SpokesError('RenderFailed', `${what}: the registry sent a manifest with digest ${digest}`);
    }
    const body = JSON.parse(res.body.toString('utf8')) as {
      config?: { mediaType?: string };
      layers?: { mediaType: string; digest: string; size?: number }[];
      manifests?: unknown;
    };
    if (body.layers === undefined) {
      throw new SpokesError(
        'RenderFailed',
        `${what}: not a single-artifact manifest (an index of ${body.manifests ? 'platforms' : 'nothing'})`,
      );
    }
    return { digest, ...(body.config ? { config: body.config } : {}), layers: body.layers };
  }

  /** The content layer of an artifact: the Helm chart layer, else the one tar(+gzip) layer. */
  contentLayer(manifest: OciManifest, what: string): { digest: string; helmChart: boolean } {
    const helmChart = manifest.config?.mediaType === HELM_CONFIG_MEDIA_TYPE;
    const layer = helmChart
      ? manifest.layers.find((l) => l.mediaType === HELM_LAYER_MEDIA_TYPE)
      : manifest.layers.find((l) => CONTENT_LAYER_TYPES.has(l.mediaType));
    if (layer === undefined) {
      const types = manifest.layers.map((l) => l.mediaType).join(', ') || 'none';
      throw new SpokesError('RenderFailed', `${what}: no layer of an accepted media type (found: ${types})`);
    }
    return { digest: layer.digest, helmChart };
  }

  /** A blob's bytes, checked against its digest. */
  async blob(registry: Registry, repository: string, digest: string, maxBytes: number): Promise<Buffer> {
    const what = `${registry.host}/${repository}@${digest}`;
    const res = await this.#get(registry, repository, `/v2/${repository}/blobs/${digest}`, {
      maxBytes,
      what,
    });
    if (res.status !== 200) throw statusError(res, what);
    if (sha256(res.body) !== digest)
      throw new SpokesError('RenderFailed', `${what}: the content does not match its digest`);
    return res.body;
  }
}
