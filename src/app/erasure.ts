import { randomUUID } from 'node:crypto';
import { audit } from '../analytics/records/index.js';
import { forgetSearchesFor, SearchIndexer } from '../analytics/search/index.js';
import type { ErasureReport } from '../api/index.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import { parseEvent, type EventOf } from '../core/events/index.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import { erasureRecord, erasureRow, eraseStored, type ErasureRecord } from '../pipelines/index.js';
import { eraseFromFiles } from './erasure-files.js';
import { recordingsOf } from './recordings.js';
import type { Recordings } from '../analytics/recordings/index.js';
import { fieldCipher, openStore } from './setup.js';

export interface EraserDeps {
  config: Config;
  store: Store;
  /** Where the event goes: the pipeline (or Kafka, to the workers), or straight to the store. */
  apply(event: EventOf<'customer.erased'>): Promise<void>;
  /** The process's transcript indexer (purges run in turn with its runs). */
  indexer: SearchIndexer;
  clock: Clock;
  /** The call recordings (deleted with the customer's calls). */
  recordings: Recordings;
  /** How long to wait for the erasure to be applied (Kafka: by a worker, then the loader). */
  waitMs?: number;
}

/** The customer's calls, for the files that name a call rather than a customer. */
const callsOf = async (store: Store, customerId: string): Promise<string[]> =>
  (
    await store.query<{ call_id: string }>(
      `SELECT call_id FROM calls WHERE customer_id = ? UNION SELECT call_id FROM turns WHERE customer_id = ?`,
      [customerId, customerId],
    )
  ).map((r) => r.call_id);

async function applied(store: Store, eventId: string, waitMs: number): Promise<ErasureRecord> {
  const until = Date.now() + waitMs;
  for (;;) {
    const record = await erasureRecord(store, eventId);
    if (record) return record;
    if (Date.now() > until)
      throw new DialwiseError('UNAVAILABLE', `erasure ${eventId} not applied yet; ask again`, {
        retryAfterS: 5,
      });
    // Waiting on work, not on time: a real timer even when the clock is virtual.
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Erasure on request (PIPL art. 47, GDPR art. 17): a `customer.erased`
 * event through the pipeline (every process holding the profile drops it;
 * the sink deletes the customer's rows and pseudonymises the consent proof
 * in its commit), then the transcript index, the exported files, the
 * calls' recordings, and a
 * compaction of the DuckDB file so no deleted byte stays in it.
 */
export function customerEraser(deps: EraserDeps) {
  return async (customerId: string, requestedBy: string): Promise<ErasureReport> => {
    const parsed = parseEvent({
      event_id: `erase-${randomUUID()}`,
      type: 'customer.erased',
      ts: new Date(deps.clock.now()).toISOString(),
      schema_version: 1,
      customer_id: customerId,
      requested_by: requestedBy,
    });
    if (!parsed.ok) throw new DialwiseError('BAD_REQUEST', parsed.reason);
    const event = parsed.event as EventOf<'customer.erased'>;
    const calls = await callsOf(deps.store, customerId);
    // While their turns are there to tell which searches were for their words.
    const searches = await forgetSearchesFor(deps.store, customerId);
    await deps.apply(event);
    const record = await applied(deps.store, event.event_id, deps.waitMs ?? 60_000);
    const index = await deps.indexer.purge();
    const files = await eraseFromFiles(deps.config, deps.store, calls);
    const recordings = await deps.recordings.removeCalls(calls);
    await deps.store.compact();
    return {
      customer_id: customerId,
      event_id: event.event_id,
      erased: {
        ...record.erased,
        search_index: index.turns,
        audited_searches: searches,
        recordings,
      },
      files: files.files,
      hot_words_rewritten: files.hotWords,
      kept: record.kept,
      pseudonym: record.pseudonym,
      requested_by: requestedBy,
      at: record.erased_at,
    };
  };
}

export type Eraser = ReturnType<typeof customerEraser>;

/**
 * `dialwise customers erase ID` with no platform running: the erasure
 * applied to the DuckDB file directly (no process holds a profile), audited
 * as the CLI's. On Kafka the workers' changelog holds profiles too: the
 * erasure must go through the loader's API.
 */
export async function eraseOnFile(
  config: Config,
  logger: Logger,
  customerId: string,
): Promise<ErasureReport> {
  if (config.kafkaBrokers)
    throw new DialwiseError(
      'BAD_REQUEST',
      'on Kafka the workers hold profiles too: start `dialwise loader` and run this again',
    );
  const store = await openStore(config, logger);
  try {
    const cipher = fieldCipher(config, logger);
    const erase = customerEraser({
      config,
      store,
      indexer: new SearchIndexer(store),
      clock: systemClock,
      recordings: recordingsOf(config, store, cipher, systemClock),
      apply: (event) =>
        store.transaction(async (tx) => {
          await eraseStored(tx, erasureRow({ event, consents: [] }, cipher), event.ts, cipher);
        }),
    });
    const report = await erase(customerId, 'cli');
    await audit(store, { name: 'cli', role: 'admin' }, 'customer.erase', customerId);
    return report;
  } finally {
    await store.close();
  }
}
