import type { Bus, Subscription } from '../../core/bus/bus.js';
import type { Pipeline } from '../pipeline.js';
import { topicsOf } from '../topics.js';

/**
 * Feeds every event topic of `prefix` into the pipeline. On a durable bus
 * (Kafka) records carry their partition and offset, so the pipeline can skip
 * what an earlier run already committed.
 */
export function consumeBus(opts: {
  bus: Bus;
  pipeline: Pipeline;
  prefix: string;
  groupId: string;
  /** Scaled-out workers: co-partitioned assignment, state reloaded on each rebalance. */
  onAssigned?: (assignment: Record<string, number[]>) => void;
  /** A decision replica's address, for the group's description (KafkaBus.owners). */
  advertise?: string;
  /** A rebalance has begun (a decision replica stops deciding until it ends). */
  onRebalancing?: () => void;
}): Promise<Subscription> {
  const durable = opts.bus.kind === 'kafka';
  return opts.bus.subscribe({
    groupId: opts.groupId,
    topics: topicsOf(opts.prefix),
    ...(opts.onAssigned ? { coPartitioned: true, onAssigned: opts.onAssigned } : {}),
    ...(opts.advertise ? { advertise: opts.advertise } : {}),
    ...(opts.onRebalancing ? { onRebalancing: opts.onRebalancing } : {}),
    onBatch: (records) =>
      opts.pipeline.process(
        records.map((r) => ({
          source: r.topic,
          value: r.value,
          receivedAt: r.timestamp,
          ...(durable ? { partition: r.partition, offset: r.offset } : {}),
        })),
      ),
  });
}
