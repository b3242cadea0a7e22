// A real trace backend: Jaeger v2 (built from its Go module by `npm run test:bins`; Debian has no
// package), receiving OTLP/gRPC on 127.0.0.1 and keeping traces in memory, read back through
// Jaeger's query API (/api/traces) as its UI reads them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireBinaries } from './bins.ts';
import { startProcess, trackTempDir, untrackTempDir } from './processes.ts';
import { freePort, waitReady } from './servers.ts';

export interface Jaeger {
  /** host:port of the OTLP/gRPC receiver (what `--otlp-address` takes). */
  readonly otlpAddress: string;
  /** Base URL of the query API. */
  readonly queryUrl: string;
  /** The traces of `service` (having a span named `operation`, if given), newest first. */
  traces(service: string, operation?: string): Promise<JaegerTrace[]>;
  stop(): Promise<void>;
}

/** A trace as Jaeger's query API returns it. */
export interface JaegerTrace {
  readonly traceID: string;
  readonly spans: JaegerSpan[];
  /** The exporting processes: service name and resource attributes. */
  readonly processes: Record<string, { serviceName: string; tags: JaegerKeyValue[] }>;
}

export interface JaegerSpan {
  readonly spanID: string;
  readonly operationName: string;
  readonly references: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }[];
  readonly tags: JaegerKeyValue[];
  readonly logs: { timestamp: number; fields: JaegerKeyValue[] }[];
  readonly startTime: number;
  readonly duration: number;
}

export interface JaegerKeyValue {
  readonly key: string;
  readonly value: unknown;
}

/** The span's attribute `key`, or undefined. */
export function tag(span: JaegerSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value;
}

/**
 * The span's parent: its first reference, as Jaeger's UI reads it (a parent that is also one of
 * the span's links, as a push is for the reconciles it causes, arrives as FOLLOWS_FROM).
 */
export function parentOf(span: JaegerSpan): string | undefined {
  return span.references[0]?.spanID;
}

/** Starts Jaeger with in-memory storage, its OTLP receiver and query API on free loopback ports. */
export async function startJaeger(): Promise<Jaeger> {
  const binary = requireBinaries(['jaeger']).jaeger;
  const dir = await mkdtemp(path.join(tmpdir(), 'spokes-jaeger-'));
  trackTempDir(dir);
  const [otlp, query, queryGrpc] = [await freePort(), await freePort(), await freePort()];
  const config = path.join(dir, 'jaeger.yaml');
  await writeFile(
    config,
    [
      'service:',
      '  extensions: [jaeger_storage, jaeger_query]',
      '  pipelines:',
      '    traces: {receivers: [otlp], processors: [batch], exporters: [jaeger_storage_exporter]}',
      '  telemetry:',
      '    metrics: {level: none}',
      '    logs: {level: warn}',
      'extensions:',
      '  jaeger_storage:',
      '    backends: {memory_store: {memory: {max_traces: 10000}}}',
      '  jaeger_query:',
      '    storage: {traces: memory_store}',
      `    http: {endpoint: "127.0.0.1:${query}"}`,
      `    grpc: {endpoint: "127.0.0.1:${queryGrpc}"}`,
      'receivers:',
      `  otlp: {protocols: {grpc: {endpoint: "127.0.0.1:${otlp}"}}}`,
      'processors:',
      '  batch: {timeout: 200ms}',
      'exporters:',
      '  jaeger_storage_exporter: {trace_storage: memory_store}',
      '',
    ].join('\n'),
  );
  const proc = startProcess('jaeger', binary, [`--config=file:${config}`], {
    logFile: path.join(dir, 'jaeger.log'),
    env: { PATH: process.env.PATH, HOME: dir },
  });
  const queryUrl = `http://127.0.0.1:${query}`;
  await waitReady(proc, { url: `${queryUrl}/api/services` });
  return {
    otlpAddress: `127.0.0.1:${otlp}`,
    queryUrl,
    async traces(service, operation) {
      const params = new URLSearchParams({ service, limit: '500', lookback: '1h' });
      if (operation !== undefined) params.set('operation', operation);
      const response = await fetch(`${queryUrl}/api/traces?${params.toString()}`);
      // An unknown service (nothing exported yet) is a 404 or an error body: no traces.
      if (!response.ok) return [];
      const body = (await response.json()) as { data?: JaegerTrace[] | null };
      return body.data ?? [];
    },
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
      untrackTempDir(dir);
    },
  };
}
