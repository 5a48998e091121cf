import type { Bus } from '../core/bus/bus.js';
import type { Clock } from '../core/clock.js';
import type { DialwiseEvent } from '../core/events/index.js';
import type { Logger } from '../core/log.js';
import { type Pipeline, publishEvents } from '../pipelines/index.js';

/** How long decision events gather before they go as one batch. */
const GATHER_MS = 5;

/**
 * The decision layer's own events (turns spoken, transfers, consent
 * revoked) go the way every event goes, without holding up the decision.
 * Gathered for a few milliseconds and sent as one batch: one pipeline pass
 * (or one produce) for many decisions costs less than one each.
 */
export function decisionOutbox(deps: {
  bus: Bus;
  pipeline: Pipeline;
  prefix: string;
  logger: Logger;
  clock: Clock;
  /** The events of a batch the pipeline (or the bus) has taken. */
  onSent?: (events: readonly DialwiseEvent[]) => void;
}): { emit(events: DialwiseEvent[]): void; flush(): void } {
  const { bus, pipeline, clock } = deps;
  let outbox: DialwiseEvent[] = [];
  const flush = () => {
    const events = outbox;
    outbox = [];
    if (!events.length) return;
    const sent =
      bus.kind === 'kafka'
        ? publishEvents(bus, deps.prefix, events)
        : pipeline
            .process(
              events.map((e) => ({
                source: 'decisions',
                value: JSON.stringify(e),
                receivedAt: clock.now(),
              })),
            )
            .then(() => pipeline.committed());
    sent.then(
      () => {
        try {
          deps.onSent?.(events);
        } catch (err) {
          deps.logger.log(
            'error',
            'decision events sent but not marked; sent again at the next start',
            {
              err: String(err),
            },
          );
        }
      },
      (err) =>
        deps.logger.log('error', 'decision events not recorded; sent again at the next start', {
          err: String(err),
        }),
    );
  };
  return {
    emit(events) {
      if (outbox.length === 0) clock.after(GATHER_MS, flush);
      outbox.push(...events);
    },
    flush,
  };
}
