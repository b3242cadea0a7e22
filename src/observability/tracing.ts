/**
 * Spans: a helper that runs work inside one (status and exception recorded, always ended), and
 * the attribute keys Spokes uses. The tracer is handed in by the process; when tracing is off it
 * is the OpenTelemetry API's no-op tracer, which costs a function call per span.
 */
import {
  context,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Link,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';

export type { Span, SpanContext, Tracer } from '@opentelemetry/api';

/** The tracer used when none is handed in: records nothing. */
export const noopTracer: Tracer = trace.getTracerProvider().getTracer('spokes-noop');

export interface SpanOptions {
  readonly attributes?: Attributes;
  /** Start under the last of these spans (a webhook push) instead of the active one, linked to all. */
  readonly causes?: readonly SpanContext[];
  /** Start a new trace (a reconcile taken from a queue) unless `causes` name a parent. */
  readonly root?: boolean;
}

/** Runs `work` in a span named `name`, made the active one; errors mark the span and are rethrown. */
export function inSpan<T>(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const causes = options.causes ?? [];
  const parent =
    causes.length > 0
      ? trace.setSpanContext(ROOT_CONTEXT, causes.at(-1)!)
      : options.root
        ? ROOT_CONTEXT
        : context.active();
  const links: Link[] = causes.map((c) => ({ context: c }));
  return tracer.startActiveSpan(
    name,
    { ...(options.attributes ? { attributes: options.attributes } : {}), ...(links.length ? { links } : {}) },
    parent,
    async (span) => {
      try {
        return await work(span);
      } catch (err) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: err instanceof Error ? err.message : String(err),
        });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** The active span's context when it is recording (a push being handled), else undefined. */
export function activeCause(): SpanContext | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span.spanContext() : undefined;
}

/**
 * Notes a step on the active span when one is recording (a cache lookup inside a generator or a
 * render): an event per step, and the step's attributes on the span, so the last one's outcome can
 * be searched for in a trace backend.
 */
export function noteOnActiveSpan(event: string, attributes: Attributes): void {
  const span = trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return;
  span.setAttributes(attributes);
  span.addEvent(event, attributes);
}

/** Argo CD's Application attributes (controller/state.go). */
export function appAttributes(app: {
  metadata: { namespace?: string; name: string };
  spec?: { project?: string };
}): Attributes {
  return {
    'argocd.app.name': app.metadata.name,
    'argocd.app.namespace': app.metadata.namespace ?? '',
    'argocd.app.project': app.spec?.project || 'default',
  };
}

/** Per key, the push spans that caused it to be queued, taken when its reconcile starts. */
export class Causes {
  readonly #pending = new Map<string, SpanContext[]>();

  /** Records the active push span (if tracing) as a cause of `key`'s next reconcile. */
  add(key: string): void {
    const cause = activeCause();
    if (cause === undefined) return;
    const list = this.#pending.get(key) ?? [];
    list.push(cause);
    this.#pending.set(key, list);
  }

  take(key: string): SpanContext[] {
    const list = this.#pending.get(key) ?? [];
    this.#pending.delete(key);
    return list;
  }
}
