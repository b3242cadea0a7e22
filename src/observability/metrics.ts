/** The process's one Prometheus registry, with Node's process metrics; components register on it. */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { isTextMetric } from './text-metrics.ts';

/**
 * prom-client's gauges of live handles, requests and resources end in `_total`, which Prometheus
 * reserves for counters (`promtool check metrics` fails them); the per-type breakdowns stay.
 */
const MISNAMED = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** A registry that lets scrape-time gauges (text-metrics.ts) write their own text. */
class ProcessRegistry extends Registry {
  override async metrics(): Promise<string> {
    const parts = await Promise.all(
      this.getMetricsAsArray().map((metric) =>
        isTextMetric(metric) ? Promise.resolve(metric.text()) : this.getSingleMetricAsString(metric.name),
      ),
    );
    return `${parts.join('\n\n')}\n`;
  }
}

export function createMetricsRegistry(): Registry {
  const registry = new ProcessRegistry();
  collectDefaultMetrics({ register: registry, prefix: 'spokes_' });
  for (const name of MISNAMED) registry.removeSingleMetric(`spokes_${name}`);
  return registry;
}
