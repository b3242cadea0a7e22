// Plain HTTP(S) requests to the servers: readiness probes, and raw API calls that send objects
// exactly as written (see Cluster.apply for why the typed client is not used there).
import { request as plainRequest } from 'node:http';
import { request as tlsRequest } from 'node:https';

export interface HttpRequest {
  url: string;
  method?: string;
  /** CA (PEM) that must have signed the server certificate. */
  ca?: string;
  /** Skip server certificate verification (only for self-signed health endpoints). */
  insecure?: boolean;
  token?: string;
  body?: string;
  contentType?: string;
  timeoutMs?: number;
  /** Resolve as soon as the status line arrives, with an empty body (for watch probes). */
  statusOnly?: boolean;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** Sends the request; resolves with status and body for any HTTP status, rejects on network errors. */
export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const secure = req.url.startsWith('https:');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  if (req.contentType) headers['content-type'] = req.contentType;
  const tls = secure ? { ca: req.ca, rejectUnauthorized: !req.insecure } : {};
  const options = { method: req.method ?? 'GET', headers, timeout: req.timeoutMs ?? 10_000, ...tls };
  return new Promise((resolve, reject) => {
    const request = (secure ? tlsRequest : plainRequest)(req.url, options, (res) => {
      if (req.statusOnly) {
        resolve({ status: res.statusCode ?? 0, body: '' });
        res.destroy();
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${options.method} ${req.url} timed out`)));
    request.on('error', reject);
    request.end(req.body);
  });
}

/** An API error with the HTTP status in `code`, like the client's ApiException. */
export class HttpError extends Error {
  readonly code: number;
  readonly body: string;

  constructor(message: string, code: number, body: string) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.body = body;
  }
}
