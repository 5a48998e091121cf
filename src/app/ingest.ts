import type { Bus } from '../core/bus/bus.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import { parseEvent, type DialwiseEvent } from '../core/events/index.js';
import type { FieldCipher } from '../core/crypto.js';
import type { Health } from '../core/health.js';
import type { ReplicaRouting } from './replica-routing.js';
import {
  type DuckDbSink,
  STORE,
  type Pipeline,
  deadLetter,
  emptyRows,
  publishEvents,
} from '../pipelines/index.js';

/**
 * How `POST /events` hands over what it accepted (valid) and refused (raw,
 * for dead letters); `forwarded`: relayed by another decision replica.
 */
export type Submit = (
  valid: DialwiseEvent[],
  invalid: string[],
  forwarded?: boolean,
) => Promise<void>;

/**
 * The platform's ingest. On the embedded bus the API writes through the
 * pipeline and answers once the events are committed; on Kafka an
 * acknowledged produce is durable. While commits fail nothing new is taken in
 * (503, Retry-After), and a commit that does not finish in time answers 503
 * too: the caller sends again and the event ids drop what did get through.
 */
export function platformSubmit(deps: {
  config: Config;
  bus: Bus;
  pipeline: Pipeline;
  health: Health;
  clock: Clock;
  /** Told of the accepted events before the pipeline applies them (consent changes and touches bind at once). */
  onAccepted(events: DialwiseEvent[]): void;
}): Submit {
  const { config, bus, pipeline, health, clock } = deps;
  return async (valid, invalid) => {
    const failing = health.failing(STORE);
    if (failing && bus.kind !== 'kafka')
      throw new DialwiseError('STORE_FAILED', `the store is failing: ${failing.reason}`, {
        retryAfterS: 5,
      });
    const receivedAt = clock.now();
    // A revocation or a touch binds the next check, before the pipeline has applied it.
    deps.onAccepted(valid);
    if (bus.kind === 'kafka') await publishEvents(bus, config.topicPrefix, valid);
    const direct = [
      ...invalid.map((value) => ({ source: 'http', value, receivedAt })),
      ...(bus.kind === 'kafka'
        ? []
        : valid.map((e) => ({ source: 'http', value: JSON.stringify(e), receivedAt }))),
    ];
    if (direct.length) {
      await pipeline.process(direct);
      await withDeadline(pipeline.flush(), config.submitTimeoutMs, clock);
    }
  };
}

/** The loader's ingest: valid events to Kafka for the workers, invalid ones straight to dead letters. */
export function loaderSubmit(deps: {
  bus: Bus;
  prefix: string;
  sink: DuckDbSink;
  cipher: FieldCipher;
  clock: Clock;
}): Submit {
  return async (valid, invalid) => {
    await publishEvents(deps.bus, deps.prefix, valid);
    if (!invalid.length) return;
    const receivedAt = new Date(deps.clock.now()).toISOString();
    const deadLetters = invalid.map((payload) =>
      deadLetter(deps.cipher, 'http', parseReason(payload), payload, receivedAt),
    );
    await deps.sink.write({ ...emptyRows(), deadLetters }, []);
  };
}

const parseReason = (payload: string): string => {
  const r = parseEvent(payload);
  return r.ok ? 'rejected' : r.reason;
};

/** `work`, or a 503 once `ms` have passed (the work itself goes on). */
export function withDeadline<T>(work: Promise<T>, ms: number, clock: Clock): Promise<T> {
  let cancel = () => {};
  const late = new Promise<never>((_, reject) => {
    cancel = clock.after(Math.max(0, ms), () =>
      reject(
        new DialwiseError('STORE_FAILED', `not durable within ${ms} ms; send again later`, {
          retryAfterS: 5,
        }),
      ),
    );
  });
  return Promise.race([work, late]).finally(cancel);
}

/**
 * A decision replica's ingest: the events of customers another replica
 * owns are relayed to it (so their consent changes and touches bind its
 * next decision at once, as on one process), the rest taken in here.
 */
export function replicaSubmit(deps: {
  local: Submit;
  routing: ReplicaRouting;
  /** What replicas relay to each other with (the admin key they share). */
  authorization: string;
}): Submit {
  return async (valid, invalid, forwarded) => {
    // By partition: one relay for each owner's share.
    const elsewhere = new Map<number, DialwiseEvent[]>();
    const here: DialwiseEvent[] = [];
    for (const e of valid) {
      const p = deps.routing.partitionOf(e.customer_id);
      if (forwarded || deps.routing.owns(p)) here.push(e);
      else if (elsewhere.has(p)) elsewhere.get(p)!.push(e);
      else elsewhere.set(p, [e]);
    }
    const relayed = [...elsewhere.values()].map(async (events) => {
      const answer = await deps.routing.relay(events[0]!.customer_id, {
        path: '/events',
        body: JSON.stringify(events),
        authorization: `Bearer ${deps.authorization}`,
        forwarded: false,
      });
      // Owned here after all (a takeover while it waited).
      if (!answer) return deps.local(events, []);
      if (answer.status !== 202)
        throw new DialwiseError(
          'UNAVAILABLE',
          `a decision replica refused events: ${answer.body}`,
          {
            retryAfterS: 1,
          },
        );
    });
    await Promise.all([deps.local(here, invalid), ...relayed]);
  };
}
