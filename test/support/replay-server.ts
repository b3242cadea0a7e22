/**
 * An HTTP server on 127.0.0.1 that replays recorded answers in a provider's documented API shape
 * (GitHub REST v3, GitLab REST v4, Bitbucket Server REST 1.0), keyed by method, path and query.
 * It honours If-None-Match with each answer's ETag (304, as GitHub and GitLab do) and records
 * every request, so tests can assert what was asked, with which headers, and how often.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReplayAnswer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Sent as ETag; a request with a matching If-None-Match gets 304. */
  readonly etag?: string;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The status answered. */
  readonly status: number;
}

export interface ReplayServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Sets (or replaces) the answer for `GET path?query` (query keys in any order). */
  answer(pathAndQuery: string, answer: ReplayAnswer): void;
  close(): Promise<void>;
}

export async function startReplayServer(
  answers: Readonly<Record<string, ReplayAnswer>> = {},
): Promise<ReplayServer> {
  const table = new Map<string, ReplayAnswer>();
  const set = (pathAndQuery: string, answer: ReplayAnswer): void => {
    table.set(normalize(pathAndQuery), answer);
  };
  for (const [key, answer] of Object.entries(answers)) set(key, answer);
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const answer = table.get(normalize(url));
    const status = statusFor(answer, req.headers['if-none-match']);
    requests.push({ method: req.method ?? 'GET', url, headers: req.headers, status });
    res.statusCode = status;
    for (const [key, value] of Object.entries(answer?.headers ?? {})) res.setHeader(key, value);
    if (answer?.etag !== undefined) res.setHeader('etag', answer.etag);
    if (status === 304) {
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer === undefined ? { message: 'Not Found' } : answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: set,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function statusFor(answer: ReplayAnswer | undefined, ifNoneMatch: string | undefined): number {
  if (answer === undefined) return 404;
  if (answer.etag !== undefined && ifNoneMatch === answer.etag) return 304;
  return answer.status ?? 200;
}

function normalize(pathAndQuery: string): string {
  const url = new URL(pathAndQuery, 'http://x');
  const query = [...url.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${url.pathname}?${new URLSearchParams(query).toString()}`;
}
