import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PipelineHooks } from './pipeline.js';

/** Prometheus metrics of the pipeline, fed through its hooks. */
export interface PipelineMetrics {
  registry: Registry;
  hooks: PipelineHooks;
  consumerLag: Gauge;
  /** 1 while a component (store, kafka-consumer, …) is healthy, 0 while it fails. */
  componentUp: Gauge;
}

export function createPipelineMetrics(): PipelineMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dialwise_process_' });
  const events = new Counter({
    name: 'dialwise_events_total',
    help: 'Events seen by the pipeline, by result',
    labelNames: ['result'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'dialwise_event_to_profile_seconds',
    help: 'From the source receiving an event to the profile holding it',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const commit = new Histogram({
    name: 'dialwise_commit_seconds',
    help: 'Time to write one commit (facts, profiles, positions) to DuckDB',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const callbacks = new Counter({
    name: 'dialwise_callbacks_total',
    help: 'Callbacks promised to customers, by what became of them: scheduled, kept, missed',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const consumerLag = new Gauge({
    name: 'dialwise_consumer_lag',
    help: 'Records behind the end of each source partition',
    labelNames: ['source', 'partition'],
    registers: [registry],
  });
  const componentUp = new Gauge({
    name: 'dialwise_component_up',
    help: 'Whether a component is healthy (1) or failing (0), as /health reports it',
    labelNames: ['component'],
    registers: [registry],
  });
  return {
    registry,
    consumerLag,
    componentUp,
    hooks: {
      onApplied(latenciesMs, c) {
        if (c.accepted) events.inc({ result: 'accepted' }, c.accepted);
        if (c.duplicates) events.inc({ result: 'duplicate' }, c.duplicates);
        if (c.dead) events.inc({ result: 'dead_letter' }, c.dead);
        for (const ms of latenciesMs) latency.observe(ms / 1000);
      },
      onCommit(_positions, ms) {
        commit.observe(ms / 1000);
      },
      onCallbacks(counts) {
        for (const [outcome, n] of Object.entries(counts)) if (n) callbacks.inc({ outcome }, n);
      },
    },
  };
}
