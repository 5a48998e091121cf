import type { KafkaBus } from '../../core/bus/kafka.js';
import type { EventOf } from '../../core/events/index.js';
import type { Position, Sink } from './duckdb-sink.js';
import type { ComplianceRow, EnrichedTurn, CallState } from '../enrich/index.js';
import type { CallbackRow, ConsentRow, TouchRow } from '../../core/store/migrations.js';
import type { DeadLetter, ErasureRow, ProfileRow, SinkRows } from './rows.js';
import { derivedTopic } from '../topics.js';

/** One row of a commit as it travels from a worker to the loader. */
export type FactRecord =
  | { kind: 'erased'; row: ErasureRow }
  | { kind: 'call'; row: CallState }
  | { kind: 'turn'; row: EnrichedTurn }
  | { kind: 'hit'; row: ComplianceRow }
  | { kind: 'visit'; row: EventOf<'web.visit'> }
  | { kind: 'correction'; row: EventOf<'correction.submitted'> }
  | { kind: 'consent'; row: ConsentRow }
  | { kind: 'touch'; row: TouchRow }
  | { kind: 'callback'; row: CallbackRow }
  | { kind: 'dead'; row: DeadLetter }
  | { kind: 'counters'; row: SinkRows['counters'] }
  | { kind: 'logged'; table: LoggedTable; row: LoggedRow };

/** What the decision replicas log for the loader to store: their decision log and dialing violations. */
export type LoggedTable = 'decisions' | 'dialing_violations';
export type LoggedRow = { customer_id: string } & object;

/**
 * The sink of a scaled-out worker: a commit's rows go to the facts topic,
 * profile snapshots to the compacted changelog (both keyed by customer_id, so
 * they share partitions with the source topics). State comes back from the
 * changelog, for the partitions this worker owns.
 */
export class KafkaSink implements Sink {
  private owned = new Set<number>();

  constructor(
    private readonly bus: KafkaBus,
    private readonly prefix: string,
  ) {}

  own(partitions: number[]): void {
    this.owned = new Set(partitions);
  }

  async init(): Promise<void> {
    await this.bus.ensureTopics([derivedTopic(this.prefix, 'facts')]);
    await this.bus.ensureTopics([derivedTopic(this.prefix, 'profile.updated')], { compact: true });
  }

  async write(rows: SinkRows): Promise<void> {
    const facts: FactRecord[] = [
      // First, as the DuckDB sink applies them: the commit's other rows came after.
      ...rows.erasures.map((row) => ({ kind: 'erased' as const, row })),
      ...rows.calls.map((row) => ({ kind: 'call' as const, row })),
      ...rows.turns.map((row) => ({ kind: 'turn' as const, row })),
      ...rows.hits.map((row) => ({ kind: 'hit' as const, row })),
      ...rows.visits.map((row) => ({ kind: 'visit' as const, row })),
      ...rows.corrections.map((row) => ({ kind: 'correction' as const, row })),
      ...rows.consents.map((row) => ({ kind: 'consent' as const, row })),
      ...rows.touches.map((row) => ({ kind: 'touch' as const, row })),
      ...rows.callbacks.map((row) => ({ kind: 'callback' as const, row })),
      ...rows.deadLetters.map((row) => ({ kind: 'dead' as const, row })),
      { kind: 'counters', row: rows.counters },
    ];
    const keyOf = (f: FactRecord) => ('customer_id' in f.row ? f.row.customer_id : f.kind);
    await this.bus.publish(
      derivedTopic(this.prefix, 'facts'),
      facts.map((f) => ({ key: keyOf(f), value: JSON.stringify(f) })),
    );
    await this.bus.publish(derivedTopic(this.prefix, 'profile.updated'), [
      // A tombstone: compaction drops the erased profile, a restore does not bring it back.
      ...rows.erasures.map((e) => ({ key: e.customer_id, value: null })),
      ...rows.profiles.map((p) => ({ key: p.customer_id, value: JSON.stringify(p) })),
    ]);
  }

  /** A decision replica's logged rows, to the loader (which skips those it stored already). */
  async ship(table: LoggedTable, rows: readonly LoggedRow[]): Promise<void> {
    await this.bus.publish(
      derivedTopic(this.prefix, 'facts'),
      rows.map((row) => ({
        key: row.customer_id,
        value: JSON.stringify({ kind: 'logged', table, row } satisfies FactRecord),
      })),
    );
  }

  async loadProfiles(): Promise<ProfileRow[]> {
    if (this.owned.size === 0) return [];
    const latest = new Map<string, ProfileRow>();
    await this.bus.readToEnd(
      derivedTopic(this.prefix, 'profile.updated'),
      (partition, key, value) => {
        if (!this.owned.has(partition)) return;
        if (value === null) latest.delete(key);
        else latest.set(key, JSON.parse(value) as ProfileRow);
      },
    );
    return [...latest.values()];
  }

  /** Kafka's committed offsets are the worker's positions. */
  async loadPositions(): Promise<Position[]> {
    return [];
  }
}
