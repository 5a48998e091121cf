/**
 * Reads the turns an indexer segment covers as ONE value and folds them at
 * once: converting a value per turn through the client cost more than
 * tokenising it. Records are `seq,hour,hex(speaker)` \u0002 text, joined by
 * \u0001 (a \u0001 in a text becomes a space, which cuts tokens just as it
 * would), sent as UTF-8 bytes, which Node decodes faster than the client.
 */
import { DialwiseError } from '../../core/errors.js';
import type { IndexStore } from './index-store.js';
import { fold } from './format/index.js';

export interface Chunk {
  firstSeq: number;
  lastSeq: number;
  /** The folded records. */
  folded: string;
  /** Per turn in seq order: its seq, hour, speaker and its text's bounds in `folded`. */
  seqs: Float64Array;
  hours: Float64Array;
  speakers: string[];
  starts: Int32Array;
  ends: Int32Array;
}

export async function readChunk(
  store: IndexStore,
  after: number,
  upTo: number,
): Promise<Chunk | undefined> {
  const [row] = await store.query<{ n: number; first: bigint; last: bigint; records: Uint8Array }>(
    `SELECT count(*)::INTEGER AS n, min(seq) AS first, max(seq) AS last,
       encode(string_agg(concat(seq, ',', floor(epoch_ms(ts) / 3600000)::BIGINT, ',', hex(speaker),
         chr(2), CASE WHEN contains(text, chr(1)) THEN replace(text, chr(1), ' ') ELSE text END),
         chr(1))) AS records
     FROM turns WHERE seq > ? AND seq <= ?`,
    [BigInt(after), BigInt(upTo)],
  );
  if (!row || row.n === 0) return undefined;
  const raw = Buffer.from(row.records.buffer, row.records.byteOffset, row.records.byteLength);
  return parse(fold(raw.toString('utf8')), row.n, Number(row.first), Number(row.last));
}

const speakerOfHex = new Map<string, string>();

/** string_agg joins in no particular order: the records are put back in seq order. */
function parse(folded: string, n: number, firstSeq: number, lastSeq: number): Chunk {
  const slot = new Int32Array(lastSeq - firstSeq + 1).fill(-1);
  const seq = new Float64Array(n);
  const hour = new Float64Array(n);
  const speaker: string[] = [];
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  let k = 0;
  for (let at = 0; at < folded.length; k++) {
    const head = folded.indexOf('\u0002', at);
    let stop = folded.indexOf('\u0001', head);
    if (stop < 0) stop = folded.length;
    const c1 = folded.indexOf(',', at);
    const c2 = folded.indexOf(',', c1 + 1);
    const hex = folded.slice(c2 + 1, head);
    let who = speakerOfHex.get(hex);
    if (who === undefined) speakerOfHex.set(hex, (who = Buffer.from(hex, 'hex').toString()));
    seq[k] = digits(folded, at, c1);
    hour[k] = digits(folded, c1 + 1, c2);
    speaker.push(who);
    start[k] = head + 1;
    end[k] = stop;
    slot[seq[k]! - firstSeq] = k;
    at = stop + 1;
  }
  if (k !== n) throw new DialwiseError('STORE_FAILED', `search index: read ${k} of ${n} turns`);
  const chunk: Chunk = {
    firstSeq,
    lastSeq,
    folded,
    seqs: new Float64Array(n),
    hours: new Float64Array(n),
    speakers: [],
    starts: new Int32Array(n),
    ends: new Int32Array(n),
  };
  let j = 0;
  for (const r of slot) {
    if (r < 0) continue;
    chunk.seqs[j] = seq[r]!;
    chunk.hours[j] = hour[r]!;
    chunk.speakers.push(speaker[r]!);
    chunk.starts[j] = start[r]!;
    chunk.ends[j++] = end[r]!;
  }
  return chunk;
}

/** The integer written in s[from, to), perhaps negative. */
function digits(s: string, from: number, to: number): number {
  const negative = s.charCodeAt(from) === 45;
  let v = 0;
  for (let i = negative ? from + 1 : from; i < to; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return negative ? -v : v;
}
