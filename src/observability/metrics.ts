/** The process's one Prometheus registry, with Node's process metrics; components register on it. */
import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * prom-client's gauges of live handles, requests and resources end in `_total`, which Prometheus
 * reserves for counters (`promtool check metrics` fails them); the per-type breakdowns stay.
 */
const MISNAMED = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'spokes_' });
  for (const name of MISNAMED) registry.removeSingleMetric(`spokes_${name}`);
  return registry;
}
