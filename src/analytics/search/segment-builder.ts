/** Builds one segment's postings from the turns of one indexer chunk. */
import {
  type BlockBatch,
  BlockWriter,
  bucketOf,
  hourTerm,
  scanTokens,
  speakerTerm,
  TermTable,
} from './format/index.js';

/**
 * Postings gather as (term id, offset) pairs in typed arrays and are grouped
 * by term once, at the end: no array per term while tokenising.
 */
export class SegmentBuilder {
  private readonly table: TermTable;
  private readonly speakers = new Map<string, number>();
  private readonly hours = new Map<number, number>();
  private termOf: Int32Array;
  private offsetOf: Int32Array;
  private pairs = 0;
  /** Per term id, the offset it was last posted at: a word said twice in a turn is one posting. */
  private lastOffset = new Int32Array(1 << 12).fill(-1);
  private offset = 0;
  private text = '';
  private readonly onToken = (start: number, end: number): void =>
    this.post(this.table.id(this.text, start, end));

  /**
   * `firstSeq`: the seq that offset 0 stands for, the lowest of the segment.
   * `turns` and `chars` (of text) size the arrays, so they seldom grow.
   */
  constructor(
    readonly firstSeq: number,
    { turns = 1024, chars = 65_536 } = {},
  ) {
    this.table = new TermTable(turns);
    this.termOf = new Int32Array((chars >>> 1) + 2 * turns);
    this.offsetOf = new Int32Array((chars >>> 1) + 2 * turns);
  }

  /**
   * Indexes folded[start, end) as the text of turn `seq`, with its speaker
   * and UTC hour. Turns must come in ascending seq order.
   */
  add(
    seq: number,
    speaker: string,
    hour: number,
    folded: string,
    start: number,
    end: number,
  ): void {
    this.offset = seq - this.firstSeq;
    this.text = folded;
    scanTokens(folded, start, end, this.onToken, true);
    let s = this.speakers.get(speaker);
    if (s === undefined) this.speakers.set(speaker, (s = this.table.idOf(speakerTerm(speaker))));
    this.post(s);
    let h = this.hours.get(hour);
    if (h === undefined) this.hours.set(hour, (h = this.table.idOf(hourTerm(hour))));
    this.post(h);
  }

  private post(id: number): void {
    if (id >= this.lastOffset.length) {
      const grown = new Int32Array(this.lastOffset.length * 2).fill(-1);
      grown.set(this.lastOffset);
      this.lastOffset = grown;
    }
    if (this.lastOffset[id] === this.offset) return;
    this.lastOffset[id] = this.offset;
    if (this.pairs === this.termOf.length) {
      this.termOf = grow(this.termOf);
      this.offsetOf = grow(this.offsetOf);
    }
    this.termOf[this.pairs] = id;
    this.offsetOf[this.pairs++] = this.offset;
  }

  /** Every term's postings, in blocks by bucket. */
  postings(): BlockBatch {
    const terms = this.table.size;
    const starts = new Int32Array(terms + 1);
    for (let i = 0; i < this.pairs; i++) starts[this.termOf[i]! + 1]! += 1;
    for (let t = 0; t < terms; t++) starts[t + 1]! += starts[t]!;
    // A stable counting sort: each term's offsets stay in the ascending order they came in.
    const next = starts.slice(0, terms);
    const grouped = new Int32Array(this.pairs);
    for (let i = 0; i < this.pairs; i++) grouped[next[this.termOf[i]!]!++] = this.offsetOf[i]!;
    const buckets = new Map<string, number[]>();
    for (let t = 0; t < terms; t++) {
      const key = bucketOf(this.table.terms[t]!);
      const ids = buckets.get(key);
      if (ids) ids.push(t);
      else buckets.set(key, [t]);
    }
    const blocks = new BlockWriter();
    for (const [key, ids] of buckets)
      for (const t of ids)
        blocks.add(key, this.table.terms[t]!, grouped.subarray(starts[t]!, starts[t + 1]!));
    return blocks.done();
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
