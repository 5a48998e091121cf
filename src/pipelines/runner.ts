import type { Bus, Subscription } from '../core/bus/bus.js';
import type { Ingestor } from './ingest.js';
import { topicsOf } from './topics.js';

/** Consumes every event topic of `prefix` into the ingestor. */
export function startPipeline(opts: {
  bus: Bus;
  ingestor: Ingestor;
  prefix: string;
  groupId: string;
}): Promise<Subscription> {
  return opts.bus.subscribe({
    groupId: opts.groupId,
    topics: topicsOf(opts.prefix),
    onBatch: async (records) => {
      await opts.ingestor.ingest(records.map((r) => ({ source: r.topic, value: r.value })));
    },
  });
}
