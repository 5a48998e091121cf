import { everyInTurn, systemClock, type Clock } from '../core/clock.js';
import type { FieldCipher } from '../core/crypto.js';
import { DialwiseError } from '../core/errors.js';
import { parseEvent, type DialwiseEvent } from '../core/events/index.js';
import type { Health } from '../core/health.js';
import type { Logger } from '../core/log.js';
import { retry } from '../core/retry.js';
import { writeOnce } from './write-once.js';
import {
  type Position,
  type Sink,
  deadLetter,
  restoreProfile,
  SealCache,
  toRows,
  type DeadLetter,
  type ProfileRow,
  type SinkRows,
} from './sinks/index.js';
import { emptyChanges, type Changes, type Enricher, sealLegacyUnmapped } from './enrich/index.js';

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
  /** After a durable commit: the callbacks it scheduled, kept and missed. */
  onCallbacks?(counts: Changes['callbackCounts']): void;
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
  /** Commit timer, stop deadline, retry waits and "now"; the system clock if absent. */
  clock?: Clock;
  hooks?: PipelineHooks;
  /**
   * Why an event its schema admits is refused all the same (a correction's
   * label the served models do not know): dead-lettered with the reason.
   */
  refuse?(event: DialwiseEvent): string | undefined;
  /** Where failing commits are reported (component `store`) and cleared once one succeeds. */
  health?: Health;
}

const key = (source: string, partition: number) => `${source}#${partition}`;

/** Records applied between two turns of the event loop. */
const SLICE = 64;

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
  private timer: { stop(): Promise<void> } | undefined;
  private readonly clock: Clock;
  private readonly seals: SealCache;
  /** A reload of the state under way (or failed: the next batch tries again). */
  private reloading: Promise<void> | undefined;
  /** Batches being applied, which a reload waits for. */
  private readonly applying = new Set<Promise<void>>();
  /** Set by stop() once its deadline passes: a failing commit gives up instead of retrying. */
  private readonly abandon = new AbortController();
  /** Events in the commit being written (for what a stop past its deadline leaves behind). */
  private inFlight = 0;
  /** committed() callers, resolved by the next commit that succeeds. */
  private waiting: (() => void)[] = [];
  /** Customers erased since the last commit, and in the commit being written. */
  private erased = new Set<string>();
  private erasing = new Set<string>();

  private constructor(private readonly opts: PipelineOptions) {
    this.clock = opts.clock ?? systemClock;
    this.seals = new SealCache(opts.cipher);
  }

  /** Restores profiles and positions from the last commit, then starts the commit timer. */
  static async open(opts: PipelineOptions): Promise<Pipeline> {
    if (opts.enricher.profiles.max !== Infinity && !opts.sink.loadProfilesOf)
      throw new DialwiseError(
        'CONFIG_INVALID',
        'profiles can leave memory only where the sink gives them back: bound them over a DuckDB sink',
      );
    const p = new Pipeline(opts);
    await opts.sink.init();
    await p.restore();
    // Missed callbacks are found on the clock's time, then committed with the
    // rest; in turn, so a virtual clock moved an hour at once runs one round.
    p.timer = everyInTurn(
      p.clock,
      opts.commitIntervalMs,
      () => {
        opts.enricher.expireCallbacks(p.clock.now(), p.pending);
        return p.flush();
      },
      () => undefined,
    );
    return p;
  }

  private async restore(): Promise<void> {
    // With a bound, the hot ones only: the rest are read back when needed.
    const { sink, enricher } = this.opts;
    const bound = enricher.profiles.max;
    const rows = await sink.loadProfiles(bound);
    if (rows.length >= bound) enricher.profiles.complete = false;
    const profiles = rows.map((r) => this.restoreProfile(r));
    this.opts.enricher.restore(profiles);
    // Profiles stored before unmapped personal fields were recognised are
    // stored again at the first commit, those fields sealed.
    for (const p of profiles) if (sealLegacyUnmapped(p)) this.pending.profiles.add(p);
    for (const pos of await this.opts.sink.loadPositions()) {
      this.positions.set(key(pos.source, pos.partition), pos);
    }
  }

  /**
   * After a rebalance the source re-delivers from its committed offsets:
   * work applied but not committed is dropped and the state is loaded again
   * for the partitions this member now owns, at once (after the batches
   * being applied and the commit under way), before the next batch.
   */
  requestReload(): Promise<void> {
    const before = [this.reloading, ...this.applying];
    const run = (async () => {
      await Promise.allSettled(before);
      await this.committing;
      this.pending = emptyChanges();
      this.dead = [];
      this.positions.clear();
      this.opts.enricher.profiles.clear();
      await this.restore();
    })();
    this.reloading = run;
    run.then(
      () => {
        if (this.reloading === run) this.reloading = undefined;
      },
      () => undefined,
    );
    return run;
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
    // A reload that failed is tried again; failing again, the batch fails (the source delivers it again).
    if (this.reloading) await this.reloading.catch(() => this.requestReload());
    const run = this.applyAll(records);
    this.applying.add(run);
    try {
      await run;
    } finally {
      this.applying.delete(run);
    }
  }

  private async applyAll(records: SourceRecord[]): Promise<void> {
    for (let from = 0; from < records.length; from += SLICE) {
      // Between slices the event loop answers what waits, a decision say, so a large batch never stalls it.
      if (from > 0) await new Promise(setImmediate);
      await this.apply(records.slice(from, from + SLICE));
    }
    if (this.pendingCount >= this.opts.maxPending) {
      // Wait for the commit in flight, then start this one and go on: DuckDB
      // writes one batch while the next is enriched, and at most two batches
      // (one committing, one pending) are held in memory.
      await this.committing;
      void this.flush().catch(() => undefined);
    }
  }

  /** Decodes, brings the customers in, then applies: positions and state move together. */
  private async apply(records: SourceRecord[]): Promise<void> {
    const parsed = records.map((r) => parseEvent(r.value));
    await this.ensure(parsed.flatMap((x) => (x.ok ? [x.event.customer_id] : [])));
    // From here to the end of the slice nothing waits: positions and state move together.
    const now = this.clock.now();
    const events: DialwiseEvent[] = [];
    const latencies: number[] = [];
    const receivedIso = new Date(now).toISOString();
    const before = {
      accepted: this.pending.accepted,
      duplicates: this.pending.duplicates,
      dead: this.dead.length,
    };
    for (const [i, r] of records.entries()) {
      if (r.offset !== undefined && r.partition !== undefined) {
        const k = key(r.source, r.partition);
        const offset = BigInt(r.offset);
        const pos = this.positions.get(k);
        if (pos && offset < pos.next) continue; // already committed before a restart
        this.positions.set(k, { source: r.source, partition: r.partition, next: offset + 1n });
      }
      const x = parsed[i]!;
      const refused = x.ok ? this.opts.refuse?.(x.event) : x.reason;
      if (!x.ok || refused !== undefined) {
        this.dead.push(deadLetter(this.opts.cipher, r.source, refused!, r.value, receivedIso));
        continue;
      }
      events.push(x.event);
      if (x.event.type === 'customer.erased') this.erased.add(x.event.customer_id);
      if (r.receivedAt !== undefined) latencies.push(now - r.receivedAt);
    }
    this.opts.enricher.apply(events, now, this.pending);
    this.opts.hooks?.onEvents?.(events);
    this.opts.hooks?.onApplied?.(latencies, {
      accepted: this.pending.accepted - before.accepted,
      duplicates: this.pending.duplicates - before.duplicates,
      dead: this.dead.length - before.dead,
    });
  }

  /** Brings these customers' profiles into memory (stored, or new) until the next commit; undefined if all are there. */
  ensure(ids: readonly string[]): Promise<void> | undefined {
    const { enricher } = this.opts;
    for (const id of ids) enricher.profiles.touch(id);
    // Unbounded profiles (the only kind a sink without look-ups gets) are always complete.
    if (enricher.profiles.complete || enricher.missing(ids).length === 0) return undefined;
    return this.load(ids);
  }

  private async load(ids: readonly string[]): Promise<void> {
    const { enricher, sink } = this.opts;
    // A profile may be dropped while this waits for the store: looked up again.
    for (let missing = enricher.missing(ids); missing.length; missing = enricher.missing(ids)) {
      // An erasure not yet committed leaves the old row in the store: that customer starts anew.
      const stored = missing.filter((id) => !this.erased.has(id) && !this.erasing.has(id));
      const rows = stored.length ? await sink.loadProfilesOf!(stored) : [];
      enricher.admit(
        missing,
        rows.map((r) => this.restoreProfile(r)),
      );
    }
  }

  /** A stored profile, its sealed fields remembered (not sealed again until they change). */
  private restoreProfile(row: ProfileRow) {
    const p = restoreProfile(row, this.opts.cipher);
    this.seals.stored(p, row);
    return p;
  }

  /** Resolves once what was applied so far is durable, by the periodic commit (nothing forced). */
  committed(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Commits everything applied so far; resolves when it is durable. */
  flush(): Promise<void> {
    const next = this.committing.then(() => this.commit());
    this.committing = next.catch(() => undefined);
    return next;
  }

  /**
   * Final commit, given at most `deadlineMs` (while the store fails, commits
   * are retried until then). What could not be committed is counted in the
   * log: on Kafka it comes again from the uncommitted offsets.
   */
  async stop(deadlineMs = Infinity): Promise<void> {
    void this.timer?.stop();
    const cancel =
      deadlineMs === Infinity
        ? undefined
        : this.clock.after(deadlineMs, () => this.abandon.abort());
    try {
      await this.flush();
    } catch (err) {
      this.opts.logger.log('error', 'stopped without the final commit', {
        uncommitted: this.inFlight + this.pendingCount,
        err: String(err),
      });
    } finally {
      cancel?.();
    }
  }

  private async commit(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = [];
    if (this.pendingCount === 0 && this.pending.callbacks.size === 0) {
      this.evict();
      for (const resolve of waiting) resolve();
      return;
    }
    const started = this.clock.now();
    // Freeze this commit's rows now: the live state keeps moving while DuckDB writes.
    for (const p of this.pending.profiles) this.opts.enricher.refreshTags(p, started);
    const nowIso = new Date(started).toISOString();
    const commit = { rows: toRows(this.pending, this.dead, this.seals, nowIso), nowIso };
    const positions = [...this.positions.values()].map((p) => ({ ...p }));
    this.inFlight = this.pendingCount;
    const callbacks = this.pending.callbackCounts;
    this.pending = emptyChanges();
    this.dead = [];
    this.erasing = this.erased;
    this.erased = new Set();
    // Nothing is dropped: every failure is tried again (100 ms doubling to
    // 5 s) until it succeeds or stop()'s deadline gives up.
    let last: unknown;
    await retry((attempt) => writeOnce(this.opts, commit, positions, attempt), {
      attempts: Infinity,
      baseMs: 100,
      maxMs: 5_000,
      clock: this.clock,
      signal: this.abandon.signal,
      onRetry: (err) => (last = err),
    }).catch((err: unknown) => {
      throw err === this.abandon.signal.reason && last ? last : err;
    });
    this.inFlight = 0;
    this.erasing = new Set();
    this.evict();
    for (const resolve of waiting) resolve();
    this.opts.hooks?.onCallbacks?.(callbacks);
    try {
      await this.opts.hooks?.onCommit?.(positions, this.clock.now() - started);
    } catch (err) {
      // The data is durable already; a failed follow-up (e.g. Kafka's offset
      // commit during a rebalance) only means some records come again and are skipped.
      this.opts.logger.log('warn', 'after-commit hook failed', { err: String(err) });
    }
  }

  /** After a commit what it wrote may leave memory; what changed since stays. */
  private evict(): void {
    this.opts.enricher.evict(this.pending.profiles);
  }
}
