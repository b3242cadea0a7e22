/** The notifications' Prometheus metrics, with Argo CD's names, on the registry the process hands in. */
import { Counter, type Registry } from 'prom-client';

export interface NotificationsMetrics {
  countDelivery(trigger: string, service: string, succeeded: boolean): void;
  countEvaluation(trigger: string, triggered: boolean): void;
}

export function createNotificationsMetrics(registry: Registry): NotificationsMetrics {
  const deliveries = new Counter({
    name: 'argocd_notifications_deliveries_total',
    help: 'Number of delivered notifications.',
    labelNames: ['trigger', 'service', 'succeeded'],
    registers: [registry],
  });
  const evaluations = new Counter({
    name: 'argocd_notifications_trigger_eval_total',
    help: 'Number of trigger evaluations.',
    labelNames: ['name', 'triggered'],
    registers: [registry],
  });
  return {
    countDelivery: (trigger, service, succeeded) =>
      deliveries.inc({ trigger, service, succeeded: String(succeeded) }),
    countEvaluation: (name, triggered) => evaluations.inc({ name, triggered: String(triggered) }),
  };
}
