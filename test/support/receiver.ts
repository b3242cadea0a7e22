/**
 * A real HTTP receiver for notification tests: records every request (method, path, headers,
 * body) and answers from a script (status codes per path prefix, taken in order), 200 otherwise.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status this request was answered with. */
  readonly status: number;
}

export interface Answer {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Answers the next requests whose path starts with `prefix` with these, in order. */
  script(prefix: string, answers: readonly (Answer | number)[]): void;
  /** Answers every request whose path starts with `prefix` like this (after any script). */
  always(prefix: string, answer: Answer): void;
  received(prefix: string): ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const scripts: { prefix: string; answers: Answer[] }[] = [];
  const defaults: { prefix: string; answer: Answer }[] = [];
  const answerFor = (path: string): Answer => {
    const script = scripts.find((s) => path.startsWith(s.prefix) && s.answers.length > 0);
    if (script) return script.answers.shift()!;
    return defaults.find((d) => path.startsWith(d.prefix))?.answer ?? { status: 200, body: 'ok' };
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const answer = answerFor(path);
      requests.push({
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status: answer.status,
      });
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (prefix, answers) =>
      scripts.push({ prefix, answers: answers.map((a) => (typeof a === 'number' ? { status: a } : a)) }),
    always: (prefix, answer) => defaults.push({ prefix, answer }),
    received: (prefix) => requests.filter((r) => r.path.startsWith(prefix)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
