import type { FieldCipher } from '../core/crypto.js';
import { parseEvent, type DialwiseEvent } from '../core/events/index.js';
import type { Logger } from '../core/log.js';
import type { Position, Sink } from './duckdb-sink.js';
import { emptyChanges, type Changes, type Enricher } from './enricher.js';
import { restoreProfile, SealCache, toRows, type DeadLetter, type SinkRows } from './rows.js';

export interface SourceRecord {
  /** Topic, "http", a file path: kept with dead letters and positions. */
  source: string;
  value: string;
  /** Durable sources give their position; replays below the stored one are skipped. */
  partition?: number;
  offset?: string;
  /** When the source received it (ms), for the event-to-profile latency. */
  receivedAt?: number;
}

export interface PipelineHooks {
  /** After each durable commit, with the positions it covered. */
  onCommit?(positions: Position[], ms: number): void | Promise<void>;
  /**
   * Before a commit is written, with its rows: derived streams published here
   * are at least once (a crash before the write replays and publishes again).
   */
  beforeCommit?(rows: SinkRows): Promise<void>;
  /** The valid events of each batch, once applied (the decision layer learns from them). */
  onEvents?(events: readonly DialwiseEvent[]): void;
  onApplied?(
    latenciesMs: number[],
    changes: { accepted: number; duplicates: number; dead: number },
  ): void;
}

export interface PipelineOptions {
  sink: Sink;
  enricher: Enricher;
  cipher: FieldCipher;
  logger: Logger;
  /** Longest time applied events wait for their commit. */
  commitIntervalMs: number;
  /** Applied-but-uncommitted events above which sources wait (back-pressure). */
  maxPending: number;
  clock?: () => number;
  hooks?: PipelineHooks;
}

const key = (source: string, partition: number) => `${source}#${partition}`;

/**
 * decode → dead letters → keyed enrichment (in memory, immediately visible) →
 * periodic commit of facts, profile snapshots and source positions in one
 * DuckDB transaction. State and positions always move together, so a restart
 * resumes exactly where the last commit ended: nothing lost, nothing twice.
 */
export class Pipeline {
  private pending: Changes = emptyChanges();
  private dead: DeadLetter[] = [];
  private readonly positions = new Map<string, Position>();
  private committing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly clock: () => number;
  private readonly seals: SealCache;
  private reload = false;

  private constructor(private readonly opts: PipelineOptions) {
    this.clock = opts.clock ?? Date.now;
    this.seals = new SealCache(opts.cipher);
  }

  /** Restores profiles and positions from the last commit, then starts the commit timer. */
  static async open(opts: PipelineOptions): Promise<Pipeline> {
    const p = new Pipeline(opts);
    await opts.sink.init();
    await p.restore();
    p.timer = setInterval(() => void p.flush().catch(() => undefined), opts.commitIntervalMs);
    p.timer.unref();
    return p;
  }

  private async restore(): Promise<void> {
    const rows = await this.opts.sink.loadProfiles();
    this.opts.enricher.restore(rows.map((r) => restoreProfile(r, this.opts.cipher)));
    for (const pos of await this.opts.sink.loadPositions()) {
      this.positions.set(key(pos.source, pos.partition), pos);
    }
  }

  /**
   * After a rebalance the source re-delivers from its committed offsets:
   * work applied but not committed is dropped and the state is loaded again
   * (for the partitions this member now owns) before the next batch.
   */
  requestReload(): void {
    this.reload = true;
  }

  /** The next offset this pipeline will apply for a source partition. */
  position(source: string, partition: number): bigint {
    return this.positions.get(key(source, partition))?.next ?? 0n;
  }

  get pendingCount(): number {
    return this.pending.accepted + this.pending.duplicates + this.dead.length;
  }

  /** Applies records now; resolves once they fit under the back-pressure limit. */
  async process(records: SourceRecord[]): Promise<void> {
    if (this.reload) {
      this.reload = false;
      await this.committing;
      this.pending = emptyChanges();
      this.dead = [];
      this.positions.clear();
      this.opts.enricher.profiles.clear();
      await this.restore();
    }
    const now = this.clock();
    const events: DialwiseEvent[] = [];
    const latencies: number[] = [];
    const receivedIso = new Date(now).toISOString();
    const before = {
      accepted: this.pending.accepted,
      duplicates: this.pending.duplicates,
      dead: this.dead.length,
    };
    for (const r of records) {
      if (r.offset !== undefined && r.partition !== undefined) {
        const k = key(r.source, r.partition);
        const offset = BigInt(r.offset);
        const pos = this.positions.get(k);
        if (pos && offset < pos.next) continue; // already committed before a restart
        this.positions.set(k, { source: r.source, partition: r.partition, next: offset + 1n });
      }
      const parsed = parseEvent(r.value);
      if (!parsed.ok) {
        this.dead.push({
          source: r.source,
          reason: parsed.reason,
          payload: r.value,
          received_at: receivedIso,
        });
        continue;
      }
      events.push(parsed.event);
      if (r.receivedAt !== undefined) latencies.push(now - r.receivedAt);
    }
    this.opts.enricher.apply(events, now, this.pending);
    this.opts.hooks?.onEvents?.(events);
    this.opts.hooks?.onApplied?.(latencies, {
      accepted: this.pending.accepted - before.accepted,
      duplicates: this.pending.duplicates - before.duplicates,
      dead: this.dead.length - before.dead,
    });
    if (this.pendingCount >= this.opts.maxPending) {
      // Wait for the commit in flight, then start this one and go on: DuckDB
      // writes one batch while the next is enriched, and at most two batches
      // (one committing, one pending) are held in memory.
      await this.committing;
      void this.flush().catch(() => undefined);
    }
  }

  /** Commits everything applied so far; resolves when it is durable. */
  flush(): Promise<void> {
    const next = this.committing.then(() => this.commit());
    this.committing = next.catch(() => undefined);
    return next;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async commit(): Promise<void> {
    if (this.pendingCount === 0) return;
    const started = this.clock();
    // Freeze this commit's rows now: the live state keeps moving while DuckDB writes.
    for (const p of this.pending.profiles) this.opts.enricher.refreshTags(p, started);
    const rows = toRows(this.pending, this.dead, this.seals, new Date(started).toISOString());
    const positions = [...this.positions.values()].map((p) => ({ ...p }));
    this.pending = emptyChanges();
    this.dead = [];
    for (let attempt = 0; ; attempt++) {
      try {
        await this.opts.hooks?.beforeCommit?.(rows);
        await this.opts.sink.write(rows, positions);
        break;
      } catch (err) {
        // Nothing is dropped: the same rows are written again until the store is back.
        this.opts.logger.log('error', 'commit failed; retrying', { attempt, err: String(err) });
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5_000)));
      }
    }
    try {
      await this.opts.hooks?.onCommit?.(positions, this.clock() - started);
    } catch (err) {
      // The data is durable already; a failed follow-up (e.g. Kafka's offset
      // commit during a rebalance) only means some records come again and are skipped.
      this.opts.logger.log('warn', 'after-commit hook failed', { err: String(err) });
    }
  }
}
