/**
 * Metrics with one series per Application. A gauge whose series are computed at scrape time straight from a list (Argo CD's collectors do
 * the same with const metrics) and written as text directly: no label hashing, no stored series,
 * no per-label object formatting, which is what keeps a scrape of 10,000 Applications fast. The
 * process's registry (metrics.ts) asks it for its text; anything else reads it through `get()`.
 */
import type { Metric, Registry } from 'prom-client';

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric that writes its own exposition text. */
export interface TextMetric {
  text(): string;
}

export function isTextMetric(metric: unknown): metric is TextMetric {
  return typeof (metric as Partial<TextMetric>).text === 'function';
}

export function registerScrapeGauge(
  registry: Registry,
  spec: { readonly name: string; readonly help: string; readonly samples: () => readonly Sample[] },
): void {
  const { name, help } = spec;
  const metric = {
    name,
    help,
    type: 'gauge',
    aggregator: 'sum',
    get: () => Promise.resolve({ name, help, type: 'gauge', aggregator: 'sum', values: spec.samples() }),
    reset: () => undefined,
    text: () => exposition(name, help, spec.samples()),
  };
  registry.registerMetric(metric as unknown as Metric);
}

function exposition(name: string, help: string, samples: readonly Sample[], type = 'gauge'): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const { labels, value } of samples) {
    let body = '';
    for (const key in labels) body += `${body === '' ? '' : ','}${key}="${escapeValue(labels[key]!)}"`;
    lines.push(`${name}{${body}} ${Number.isFinite(value) ? value : String(value)}`);
  }
  return lines.join('\n');
}

const NEEDS_ESCAPE = /[\\"\n]/;

/** The text format's label value escaping: backslash, double quote, newline. */
function escapeValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A counter with per-object labels (one series per Application), written as text directly. */
export interface TextCounter {
  inc(labels: Readonly<Record<string, string>>, by?: number): void;
}

export function registerTextCounter(
  registry: Registry,
  spec: { readonly name: string; readonly help: string; readonly labelNames: readonly string[] },
): TextCounter {
  const { name, help, labelNames } = spec;
  const series = new Map<string, Sample>();
  const samples = (): Sample[] => [...series.values()];
  const metric = {
    name,
    help,
    type: 'counter',
    aggregator: 'sum',
    get: () => Promise.resolve({ name, help, type: 'counter', aggregator: 'sum', values: samples() }),
    reset: () => series.clear(),
    text: () => exposition(name, help, samples(), 'counter'),
  };
  registry.registerMetric(metric as unknown as Metric);
  return {
    inc(labels, by = 1) {
      const key = labelNames.map((l) => labels[l] ?? '').join('\u0000');
      const ordered: Record<string, string> = {};
      for (const l of labelNames) ordered[l] = labels[l] ?? '';
      const previous = series.get(key);
      series.set(key, { labels: previous?.labels ?? ordered, value: (previous?.value ?? 0) + by });
    },
  };
}
