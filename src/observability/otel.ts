/**
 * The OpenTelemetry SDK, started when tracing is asked for (`--otlp-address`, or the standard
 * OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): spans go over OTLP/gRPC,
 * sampled ParentBased(TraceIDRatio) as Argo CD does. Off, the tracer is the API's no-op one and no
 * SDK is loaded.
 */
import { context, type Tracer } from '@opentelemetry/api';
import { noopTracer } from './tracing.ts';

export interface TracingConfig {
  /** host:port of the OTLP gRPC receiver; empty: the OTEL_* variables decide. */
  readonly address: string;
  /** Plain-text gRPC (Argo CD's default) rather than TLS. */
  readonly insecure: boolean;
  /** Sent with every export (authentication to the collector). */
  readonly headers: Readonly<Record<string, string>>;
  /** Resource attributes added to every span. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The share of new traces kept (0..1); a trace started elsewhere keeps its parent's decision. */
  readonly sampleRatio: number;
}

export interface Tracing {
  readonly tracer: Tracer;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { tracer: noopTracer, shutdown: () => Promise.resolve() };

/** Whether tracing is on: an address, or an OTLP endpoint in the standard environment variables. */
export function tracingEnabled(
  config: TracingConfig,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return (
    config.address !== '' ||
    Boolean(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) ||
    Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'])
  );
}

export async function startTracing(
  config: TracingConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Tracing> {
  if (!tracingEnabled(config, env) || env['OTEL_SDK_DISABLED'] === 'true') return OFF;
  // Loaded only when on: a controller without tracing pays nothing for the SDK.
  const [{ AsyncLocalStorageContextManager }, sdk, { OTLPTraceExporter }, resources, grpc] =
    await Promise.all([
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-grpc'),
      import('@opentelemetry/resources'),
      import('@grpc/grpc-js'),
    ]);
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(config.headers)) metadata.set(key, value);
  const exporter = new OTLPTraceExporter({
    ...(config.address === '' ? {} : { url: `${config.insecure ? 'http' : 'https'}://${config.address}` }),
    ...(Object.keys(config.headers).length > 0 ? { metadata } : {}),
  });
  const resource = resources
    .resourceFromAttributes({ 'service.name': 'spokes-controller' })
    .merge(resources.detectResources({ detectors: [resources.envDetector] }))
    .merge(resources.resourceFromAttributes(config.attributes));
  const provider = new sdk.TracerProvider({
    resource,
    sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000 })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  return {
    tracer: provider.getTracer('spokes'),
    async shutdown() {
      await provider.shutdown();
      context.disable();
    },
  };
}

/** `a=b,c=d` (headers) or `a:b,c:d` (Argo's --otlp-attrs) into a map; a malformed item is an error naming it. */
export function parsePairs(
  items: readonly string[],
  separator: '=' | ':',
  flag: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items.flatMap((i) => i.split(',')).map((i) => i.trim())) {
    if (item === '') continue;
    const at = item.indexOf(separator);
    if (at <= 0) throw new Error(`${flag}: "${item}" is not key${separator}value`);
    out[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return out;
}
