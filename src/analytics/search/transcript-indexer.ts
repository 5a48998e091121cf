/**
 * The transcript search indexer: turns past the watermark (the highest
 * indexed seq) become a level-0 segment of postings, written with its
 * segment row in one transaction, so a crash leaves a whole segment or none
 * and the next run resumes at the watermark. Segments then merge tier by tier.
 *
 * Hand-written rather than DuckDB's full-text (fts) extension: DuckDB
 * downloads that extension at run time, which the platform's machines
 * cannot do (no network but package registries), and fts neither segments
 * CJK text nor updates incrementally.
 */
import { readChunk, type Chunk } from './turn-chunk.js';
import { type BlockBatch, BlockWriter, bucketKey, BUCKETS } from './format/index.js';
import { mergeBlocks, pickMerge, type MergePolicy, type SegmentInfo } from './segment-merge.js';
import { SegmentBuilder } from './segment-builder.js';
import { purgeDeletedTurns, type PurgeRun } from './segment-purge.js';
import {
  addSegment,
  dropOrphans,
  dropSegments,
  newSegmentId,
  readBlocks,
  segments,
  watermark,
  writeBlocks,
  type IndexStore,
} from './index-store.js';

export interface IndexerOptions extends Partial<MergePolicy> {
  /** Seqs read into one level-0 segment at most. */
  segmentSeqs?: number;
}

export interface IndexRun {
  /** Turns newly indexed. */
  indexed: number;
  /** Merges done. */
  merged: number;
}

// Turns tokenised, and buckets merged, between two turns of the event loop:
// the API and the pipeline share the process.
const YIELD_EVERY = 10_000;
const YIELD_BUCKETS = 64;

async function build(chunk: Chunk): Promise<BlockBatch> {
  const { seqs, speakers, hours, folded, starts, ends } = chunk;
  const builder = new SegmentBuilder(chunk.firstSeq, { turns: seqs.length, chars: folded.length });
  for (let i = 0; i < seqs.length; i++) {
    builder.add(seqs[i]!, speakers[i]!, hours[i]!, folded, starts[i]!, ends[i]!);
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise(setImmediate);
  }
  return builder.postings();
}

const none = (): Promise<undefined> => Promise.resolve(undefined);

/** Bucket keys in sixteen ranges, after the pseudo-terms' ("\u0001…"). */
export const KEY_RANGES: [string, string][] = [
  ['', bucketKey(0)],
  ...Array.from({ length: 16 }, (_, i): [string, string] => [
    bucketKey((i * BUCKETS) / 16),
    i === 15 ? '\uffff' : bucketKey(((i + 1) * BUCKETS) / 16),
  ]),
];

/** A promise whose rejection is reported where it is awaited, and not as unhandled if it never is. */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

export class SearchIndexer {
  private readonly segmentSeqs: number;
  private readonly policy: MergePolicy;
  private running: Promise<IndexRun> | undefined;
  /** Runs and purges one at a time: both write blocks no segment row names yet. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: IndexStore,
    opts: IndexerOptions = {},
  ) {
    this.segmentSeqs = opts.segmentSeqs ?? 200_000;
    this.policy = {
      fanIn: opts.fanIn ?? 8,
      maxTurns: opts.maxTurns ?? 16_000_000,
      maxSpan: opts.maxSpan ?? 32_000_000,
    };
  }

  /**
   * Indexes up to `maxTurns` new turns, then merges what the policy allows.
   * A call while one runs gets that run's result instead of starting another.
   */
  run({ maxTurns = this.segmentSeqs }: { maxTurns?: number } = {}): Promise<IndexRun> {
    this.running ??= this.inTurn(() => this.work(maxTurns)).finally(
      () => (this.running = undefined),
    );
    return this.running;
  }

  /** Takes deleted turns (erasure, retention) out of the index, in turn with the runs. */
  purge(): Promise<PurgeRun> {
    return this.inTurn(() => purgeDeletedTurns(this.store));
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work);
    this.turn = next.catch(() => undefined);
    return next;
  }

  private async work(maxTurns: number): Promise<IndexRun> {
    let indexed = 0;
    let read = 0;
    let mark = await watermark(this.store);
    let reading = quiet(this.read(mark, maxTurns));
    let writing = Promise.resolve(true);
    let writingTurns = 0;
    for (;;) {
      const chunk = await reading;
      if (!chunk) break;
      read += chunk.seqs.length;
      // DuckDB gathers the next chunk in its threads while this one is tokenised.
      reading = quiet(read < maxTurns ? this.read(chunk.lastSeq, maxTurns - read) : none());
      const batch = await build(chunk);
      if (!(await writing)) break;
      indexed += writingTurns;
      writing = quiet(this.write(chunk, batch, mark));
      writingTurns = chunk.seqs.length;
      mark = chunk.lastSeq;
    }
    if (await writing) indexed += writingTurns;
    let merged = 0;
    for (;;) {
      const run = pickMerge(await segments(this.store), this.policy);
      if (!run || !(await this.merge(run))) break;
      merged += 1;
    }
    return { indexed, merged };
  }

  /** The turns after `after`, at most a segment's or `budget` seqs of them. */
  private async read(after: number, budget: number): Promise<Chunk | undefined> {
    const seqs = Math.min(this.segmentSeqs, budget);
    const chunk = await readChunk(this.store, after, after + seqs);
    if (chunk) return chunk;
    // A gap in the sequence (rolled-back inserts): skip to the next turn.
    const [next] = await this.store.query<{ seq: bigint | null }>(
      'SELECT min(seq) AS seq FROM turns WHERE seq > ?',
      [BigInt(after)],
    );
    if (next?.seq == null) return undefined;
    const from = Number(next.seq) - 1;
    return readChunk(this.store, from, from + seqs);
  }

  /** Writes a level-0 segment; false when the watermark moved (another indexer on this file). */
  private write(chunk: Chunk, batch: BlockBatch, mark: number): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      if ((await watermark(tx)) !== mark) return false;
      const id = await newSegmentId(tx);
      await addSegment(tx, id, {
        level: 0,
        firstSeq: chunk.firstSeq,
        lastSeq: chunk.lastSeq,
        turns: chunk.seqs.length,
      });
      await writeBlocks(tx, id, batch);
      return true;
    });
  }

  /**
   * Merges `run` into one segment of the next level; false when another
   * merge took them first. The merged blocks go in bucket range by bucket
   * range, each in a short transaction, under an id no segment row has yet:
   * queries skip them until the last transaction adds the row and drops the
   * run, and the next merge drops them if this one never gets there. So
   * neither the run's postings nor the pipeline wait for all of it at once.
   */
  private async merge(run: SegmentInfo[]): Promise<boolean> {
    const ids = run.map((s) => s.segment);
    const id = await this.store.transaction(async (tx) => {
      await dropOrphans(tx);
      return newSegmentId(tx);
    });
    for (const [lo, hi] of KEY_RANGES) {
      const rows = await readBlocks(this.store, ids, lo, hi);
      const blocks = new BlockWriter();
      for (let i = 0, buckets = 0; i < rows.length; buckets++) {
        let j = i;
        while (j < rows.length && rows[j]!.key === rows[i]!.key) j++;
        for (const { term, offsets } of mergeBlocks(rows.slice(i, j), run))
          blocks.add(rows[i]!.key, term, offsets);
        i = j;
        if (buckets % YIELD_BUCKETS === YIELD_BUCKETS - 1) await new Promise(setImmediate);
      }
      const batch = blocks.done();
      await this.store.transaction((tx) => writeBlocks(tx, id, batch));
    }
    const list = ids.map(() => '?').join(', ');
    return this.store.transaction(async (tx) => {
      const [still] = await tx.all<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM search_segments WHERE segment IN (${list})`,
        ids,
      );
      if (still?.n !== run.length) {
        await tx.run('DELETE FROM search_postings WHERE segment = ?', [id]);
        return false;
      }
      await addSegment(tx, id, {
        level: run[0]!.level + 1,
        firstSeq: run[0]!.firstSeq,
        lastSeq: run[run.length - 1]!.lastSeq,
        turns: run.reduce((n, s) => n + s.turns, 0),
      });
      await dropSegments(tx, ids);
      return true;
    });
  }
}
