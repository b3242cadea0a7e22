/** The process's one Prometheus registry, with Node's process metrics; components register on it. */
import { Registry, collectDefaultMetrics } from 'prom-client';

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'spokes_' });
  return registry;
}
