import type { Bus, Subscription } from '../../core/bus/bus.js';
import type { Logger } from '../../core/log.js';
import type { DuckDbSink, Position } from './duckdb-sink.js';
import type { FactRecord, LoggedRow, LoggedTable } from './kafka-sink.js';
import { emptyRows, mergeCallbacks, type ProfileRow, type SinkRows } from './rows.js';
import { derivedTopic } from '../topics.js';

const key = (source: string, partition: number) => `${source}#${partition}`;

/**
 * The one writer of the analytics DuckDB file when workers are scaled out:
 * it consumes the workers' facts and profile changelog and writes each batch
 * with its offsets in one transaction (exactly once from those topics).
 * Workers deliver at least once across a crash or rebalance, so the sink
 * skips facts whose event is already stored.
 */
export async function startLoader(opts: {
  bus: Bus;
  sink: DuckDbSink;
  prefix: string;
  groupId: string;
  logger: Logger;
  /**
   * Stores the decision replicas' logged rows, each once (a row may come
   * again: a replica ships at least once). Before the batch's offsets, so a
   * crash between the two sends them again.
   */
  logged?: (table: LoggedTable, rows: LoggedRow[]) => Promise<void>;
}): Promise<Subscription> {
  await opts.sink.init();
  const positions = new Map<string, Position>();
  for (const p of await opts.sink.loadPositions()) positions.set(key(p.source, p.partition), p);
  const profilesTopic = derivedTopic(opts.prefix, 'profile.updated');
  // Kafka's own offsets only show lag here (DuckDB holds the positions), and a
  // batch may arrive before subscribe() returns: commit through a late binding.
  const bound: { sub?: Subscription } = {};
  bound.sub = await opts.bus.subscribe({
    groupId: opts.groupId,
    topics: [derivedTopic(opts.prefix, 'facts'), profilesTopic],
    onBatch: async (records) => {
      let rows = emptyRows();
      let logged = emptyLogged();
      let touched = new Map<string, Position>();
      /** Erased profiles (tombstones on the changelog) not stored again later in the batch. */
      const tombstoned = new Set<string>();
      const write = async () => {
        // Keep each profile's last snapshot of the batch: the table holds one row per customer.
        rows.profiles = [...new Map(rows.profiles.map((p) => [p.customer_id, p])).values()];
        rows.calls = mergeCalls(rows.calls);
        rows.callbacks = mergeCallbacks(rows.callbacks);
        for (const [table, list] of Object.entries(logged) as [LoggedTable, LoggedRow[]][])
          if (list.length) await opts.logged?.(table, list);
        await opts.sink.write(rows, [...touched.values()]);
        if (tombstoned.size) await opts.sink.dropProfiles([...tombstoned]);
        for (const [k, p] of touched) positions.set(k, p);
        await bound.sub
          ?.commit(
            [...touched.values()].map((p) => ({
              topic: p.source,
              partition: p.partition,
              next: p.next,
            })),
          )
          .catch((err) =>
            opts.logger.log('warn', 'loader offset commit failed', { err: String(err) }),
          );
        rows = emptyRows();
        logged = emptyLogged();
        touched = new Map();
        tombstoned.clear();
      };
      for (const r of records) {
        const k = key(r.topic, r.partition);
        const offset = BigInt(r.offset);
        if (offset < (positions.get(k)?.next ?? 0n)) continue;
        const at = { source: r.topic, partition: r.partition, next: offset + 1n };
        if (r.topic === profilesTopic) {
          touched.set(k, at);
          if (r.value === '') tombstoned.add(r.key);
          else tombstoned.delete(r.key);
          rows.profiles = rows.profiles.filter((p) => p.customer_id !== r.key);
          if (r.value !== '') rows.profiles.push(JSON.parse(r.value) as ProfileRow);
          continue;
        }
        const f = JSON.parse(r.value) as FactRecord;
        // An erasure applies after the rows before it and before those after it.
        if (f.kind === 'erased' && touched.size) await write();
        touched.set(k, at);
        if (f.kind === 'logged') logged[f.table].push(f.row);
        else take(rows, f);
      }
      if (touched.size) await write();
    },
  });
  return bound.sub;
}

const emptyLogged = (): Record<LoggedTable, LoggedRow[]> => ({
  decisions: [],
  dialing_violations: [],
});

/** A fact into the rows of the loader's next write. */
function take(rows: SinkRows, f: Exclude<FactRecord, { kind: 'logged' }>): void {
  if (f.kind === 'counters') {
    for (const [name, v] of Object.entries(f.row))
      rows.counters[name as keyof SinkRows['counters']] += v;
  } else if (f.kind === 'call') rows.calls.push(f.row);
  else if (f.kind === 'turn') rows.turns.push(f.row);
  else if (f.kind === 'hit') rows.hits.push(f.row);
  else if (f.kind === 'visit') rows.visits.push(f.row);
  else if (f.kind === 'correction') rows.corrections.push(f.row);
  else if (f.kind === 'consent') rows.consents.push(f.row);
  else if (f.kind === 'touch') rows.touches.push(f.row);
  else if (f.kind === 'callback') rows.callbacks.push(f.row);
  else if (f.kind === 'erased') rows.erasures.push(f.row);
  else rows.deadLetters.push(f.row);
}

/**
 * One row per call and customer for the upsert: later snapshots of a call
 * fill in what earlier ones lacked. Two customers' rows with one call_id stay
 * apart, so the sink can keep the call its first owner's.
 */
function mergeCalls(calls: SinkRows['calls']): SinkRows['calls'] {
  const byId = new Map<string, SinkRows['calls'][number]>();
  for (const c of calls) {
    const key = `${c.call_id}\u0000${c.customer_id}`;
    const prev = byId.get(key);
    if (!prev) byId.set(key, { ...c });
    else
      for (const [k, v] of Object.entries(c))
        if (v !== null) (prev as unknown as Record<string, unknown>)[k] = v;
  }
  return [...byId.values()];
}
