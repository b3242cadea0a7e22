/** The ApplicationSet half's Prometheus metrics, on the registry the process hands it. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ReconcileOutcome } from './reconciler.ts';

export interface HubMetrics {
  observeReconcile(outcome: ReconcileOutcome): void;
  observeGenerator(generator: string, seconds: number): void;
  countWrite(verb: string): void;
  setQueueDepth(depth: number): void;
}

export function createHubMetrics(registry: Registry): HubMetrics {
  const reconciles = new Counter({
    name: 'spokes_appset_reconcile_total',
    help: 'ApplicationSet reconciles by result',
    labelNames: ['result'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'spokes_appset_reconcile_duration_seconds',
    help: 'Time to reconcile one ApplicationSet',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const applications = new Gauge({
    name: 'spokes_appset_applications',
    help: 'Applications generated per ApplicationSet',
    labelNames: ['appset'],
    registers: [registry],
  });
  const generators = new Histogram({
    name: 'spokes_generator_duration_seconds',
    help: 'Time one generator took, by type',
    labelNames: ['generator'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const writes = new Counter({
    name: 'spokes_hub_writes_total',
    help: 'Writes the ApplicationSet controller made to the hub apiserver, by verb',
    labelNames: ['verb'],
    registers: [registry],
  });
  const depth = new Gauge({
    name: 'spokes_workqueue_depth',
    help: 'ApplicationSets waiting to be reconciled',
    registers: [registry],
  });
  return {
    observeReconcile(outcome) {
      reconciles.inc({ result: outcome.result });
      duration.observe(outcome.seconds);
      if (outcome.result === 'success') applications.set({ appset: outcome.appSet }, outcome.applications);
    },
    observeGenerator: (generator, seconds) => generators.observe({ generator }, seconds),
    countWrite: (verb) => writes.inc({ verb }),
    setQueueDepth: (value) => depth.set(value),
  };
}
