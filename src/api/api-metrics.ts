/**
 * The API's own Prometheus metrics, beside the pipeline's in one registry:
 * every answer by status class (error rates), the decision routes' time
 * (the decision SLO, ops/slo.md), and the delivery of alert notices to Slack.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ApiMetrics {
  /** One answered request: the hot route it took (null: any other), its status, its seconds. */
  answered(route: string | null, status: number, seconds: number): void;
  /** One round of alert deliveries: notices sent, whether one failed, what still waits. */
  delivered(round: { sent: number; failed: boolean; waiting: number }): void;
}

/** One set per registry: the API and the alert runner of a process share it. */
const made = new WeakMap<Registry, ApiMetrics>();

export function apiMetrics(registry: Registry): ApiMetrics {
  const known = made.get(registry);
  if (known) return known;
  const responses = new Counter({
    name: 'dialwise_http_responses_total',
    help: 'HTTP answers by status class (2xx, 3xx, 4xx, 5xx)',
    labelNames: ['class'],
    registers: [registry],
  });
  const decisions = new Histogram({
    name: 'dialwise_decision_seconds',
    help: 'Time to answer a decision route (/dialog/turn, /outreach/check), from its request to its answer',
    labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'dialwise_alert_deliveries_total',
    help: 'Alert notices posted to Slack (delivered), and delivery rounds that stopped on a failure (failed)',
    labelNames: ['result'],
    registers: [registry],
  });
  const outbox = new Gauge({
    name: 'dialwise_alert_outbox',
    help: 'Alert notices waiting to be delivered to Slack',
    registers: [registry],
  });
  const metrics: ApiMetrics = {
    answered(route, status, seconds) {
      responses.inc({ class: `${Math.floor(status / 100)}xx` });
      if (route) decisions.observe({ route }, seconds);
    },
    delivered({ sent, failed, waiting }) {
      if (sent) deliveries.inc({ result: 'delivered' }, sent);
      if (failed) deliveries.inc({ result: 'failed' });
      outbox.set(waiting);
    },
  };
  made.set(registry, metrics);
  return metrics;
}
