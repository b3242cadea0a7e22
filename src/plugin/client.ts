/**
 * One call to a generator plugin, as Argo CD makes it: POST `<baseUrl>/api/v1/getparams.execute`,
 * JSON body `{applicationSetName, input}`, `Authorization: Bearer <token>`, a timeout
 * (requestTimeout, default 30 s). Spokes also bounds the answer's size. The token is sent and
 * nowhere else: errors name the plugin and the URL, never the token.
 */
import { request } from 'undici';
import { SpokesError } from '../errors.ts';
import type { PluginRequest } from './types.ts';

export const DEFAULT_PLUGIN_TIMEOUT_SECONDS = 30;
/** Answers larger than this are refused (a plugin answer is a list of param sets, not a download). */
export const DEFAULT_PLUGIN_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const USER_AGENT = 'argocd-applicationset';

export interface PluginCall {
  /** The ConfigMap naming the plugin, for errors. */
  readonly plugin: string;
  readonly baseUrl: string;
  readonly token: string;
  readonly timeoutSeconds: number;
  readonly maxResponseBytes?: number;
  readonly request: PluginRequest;
}

export async function callPlugin(call: PluginCall): Promise<unknown> {
  const url = `${call.baseUrl.endsWith('/') ? call.baseUrl : `${call.baseUrl}/`}api/v1/getparams.execute`;
  const where = `plugin "${call.plugin}" (${url})`;
  const timeoutMs = call.timeoutSeconds * 1000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        ...(call.token === '' ? {} : { authorization: `Bearer ${call.token}` }),
      },
      body: JSON.stringify(call.request),
      signal: controller.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const body = await readLimited(
      response.body,
      call.maxResponseBytes ?? DEFAULT_PLUGIN_MAX_RESPONSE_BYTES,
      where,
    );
    if (response.statusCode < 200 || response.statusCode >= 300)
      throw new SpokesError(
        'PluginFailed',
        `${where}: API error with status code ${response.statusCode}: ${errorMessage(body)}`,
      );
    if (body.trim() === '') return undefined;
    try {
      return JSON.parse(body) as unknown;
    } catch (err) {
      throw new SpokesError('PluginFailed', `${where}: the answer is not JSON: ${(err as Error).message}`);
    }
  } catch (err) {
    if (err instanceof SpokesError) throw err;
    if (controller.signal.aborted || isTimeout(err))
      throw new SpokesError('Timeout', `${where}: no answer within ${call.timeoutSeconds}s (requestTimeout)`);
    throw new SpokesError('PluginFailed', `${where}: ${(err as Error).message}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

async function readLimited(body: AsyncIterable<Buffer>, maxBytes: number, where: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new SpokesError(
        'ResponseTooLarge',
        `${where}: the answer is larger than ${maxBytes} bytes; refused`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Argo CD's error text: the JSON body's `message` or `error`, else the body itself. */
function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
    if (typeof parsed.error === 'string') return parsed.error;
    return '';
  } catch {
    return body.slice(0, 500);
  }
}

function isTimeout(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}
