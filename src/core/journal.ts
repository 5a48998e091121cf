/**
 * An append-only journal of records in a folder: a snapshot and the log of
 * what changed since, one JSON record a line, encrypted at rest.
 *
 * Each file is sealed under a key of its own (envelope encryption): its
 * first line is a random 256-bit file key and IV sealed with the data key
 * (`crypto.ts`, AES-256-GCM, naming the data key that sealed it, so a
 * rotated key still opens it); the rest is the records' lines as one
 * AES-256-CTR stream under the file key. A record then costs one stream
 * update instead of a GCM seal of its own (about a tenth of the CPU on a
 * decision's path). Each line carries the CRC-32 of its record, so a
 * damaged file is refused rather than read wrong; CTR itself gives
 * confidentiality, not integrity against someone who can write the files.
 *
 * An append is a synchronous write to the operating system before the
 * caller answers: a process killed with kill -9 loses nothing it has
 * acknowledged (the kernel keeps the page); a power loss may lose what the
 * kernel had not flushed yet. A crash in the middle of a write tears at
 * most the end of the log, which is cut off (and counted) at the next open.
 *
 * Files carry a generation: `<name>-<g>.snapshot` and `<name>-<g>.log`.
 * A compaction switches the appends to the next generation's log at once
 * and writes that generation's snapshot under a temporary name, a chunk a
 * turn of the event loop, flushes it to disk and renames it; only then do
 * the older files go. So the state is always the newest complete snapshot
 * followed by every log of its generation and later: a crash during a
 * compaction leaves the older snapshot, its log and the new log, which read
 * together give the same state.
 */
import { createCipheriv, createDecipheriv, randomBytes, type Cipher } from 'node:crypto';
import {
  closeSync,
  fsync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { FieldCipher } from './crypto.js';

/** Snapshot records written per turn of the event loop. */
const COMPACT_CHUNK = 100;

export interface JournalOpened<R> {
  journal: Journal<R>;
  /** The snapshot's records, then the logs', in the order written. */
  records: R[];
  /** Logs whose torn end (a write cut short by a crash) was cut off. */
  torn: number;
}

/** A file being written: its descriptor, its stream and the bytes after its header. */
interface Segment {
  fd: number;
  stream: Cipher;
  bytes: number;
}

/** AES-256-CTR under `key` from byte `offset` of the stream (the counter is the IV plus offset ÷ 16). */
function ctr(key: Buffer, iv: Buffer, offset: number): Cipher {
  const counter =
    (BigInt(`0x${iv.toString('hex')}`) + BigInt(Math.floor(offset / 16))) % 2n ** 128n;
  const at = Buffer.from(counter.toString(16).padStart(32, '0'), 'hex');
  const stream = createCipheriv('aes-256-ctr', key, at);
  stream.update(Buffer.alloc(offset % 16));
  return stream;
}

/** A new file: its header written, the stream ready. */
function create(file: string, cipher: FieldCipher, flags: 'a' | 'w'): Segment {
  const [key, iv] = [randomBytes(32), randomBytes(16)];
  const fd = openSync(file, flags, 0o600);
  writeSync(fd, `${cipher.encrypt(Buffer.concat([key, iv]).toString('base64'))}\n`);
  return { fd, stream: createCipheriv('aes-256-ctr', key, iv), bytes: 0 };
}

/** A line as written: its CRC-32 (damage is told from a torn end by it), a space, the record. */
const line = (json: string): string => `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;

/** The record of a whole line, or an error naming the file: damage, not a crash. */
function parseLine(text: string, file: string): unknown {
  const json = text.slice(9);
  if (text[8] !== ' ' || crc32(json).toString(16).padStart(8, '0') !== text.slice(0, 8))
    throw new Error(`${file}: a damaged record (its checksum does not match)`);
  return JSON.parse(json);
}

/** A file's whole lines and the bytes of its torn end, and where its stream is; undefined if there is no such file. */
function read(file: string, cipher: FieldCipher) {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return undefined;
  }
  const nl = raw.indexOf(10);
  // No whole header: the file was created and the process died before it was written.
  if (nl < 0) return { records: [], torn: 0, whole: 0, stream: undefined };
  const secret = Buffer.from(cipher.decrypt(raw.subarray(0, nl).toString()), 'base64');
  const [key, iv] = [secret.subarray(0, 32), secret.subarray(32, 48)];
  const plain = createDecipheriv('aes-256-ctr', key, iv).update(raw.subarray(nl + 1));
  const whole = plain.lastIndexOf(10) + 1;
  const text = plain.subarray(0, whole).toString();
  const records = text
    ? text
        .slice(0, -1)
        .split('\n')
        .map((l) => parseLine(l, file))
    : [];
  return { records, torn: plain.length - whole, whole, stream: { key, iv, headerBytes: nl + 1 } };
}

/** The journal `name`'s snapshots and logs in `dir`, with their generations. */
function filesOf(dir: string, name: string) {
  const pattern = new RegExp(`^${name}-(\\d+)\\.(snapshot|log)$`);
  return readdirSync(dir).flatMap((file) => {
    const m = pattern.exec(file);
    return m ? [{ file, generation: Number(m[1]), kind: m[2] }] : [];
  });
}

export class Journal<R> {
  private out!: Segment;
  /** The compaction whose snapshot is being written, if one is. */
  private flushing: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly cipher: FieldCipher,
    private generation: number,
  ) {}

  /** Opens (or creates) the journal `name` in `dir` and reads back what it holds. */
  static open<R>(dir: string, name: string, cipher: FieldCipher): JournalOpened<R> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const files = filesOf(dir, name);
    const snapshots = files.filter((x) => x.kind === 'snapshot').map((x) => x.generation);
    const base = snapshots.length ? Math.max(...snapshots) : 0;
    const logs = files
      .filter((x) => x.kind === 'log' && x.generation >= base)
      .map((x) => x.generation)
      .sort((a, b) => a - b);
    const journal = new Journal<R>(dir, name, cipher, Math.max(base, ...logs));
    // What older generations left, and the temporary snapshot of a compaction cut short, go.
    journal.removeBefore(base);
    for (const f of readdirSync(dir))
      if (f.startsWith(`${name}-`) && f.endsWith('.tmp')) rmSync(join(dir, f));
    const records: R[] = [];
    let torn = 0;
    const snapshot = read(journal.file(base, 'snapshot'), cipher);
    if (snapshot?.torn) throw new Error(`${journal.file(base, 'snapshot')}: incomplete`);
    records.push(...((snapshot?.records ?? []) as R[]));
    for (const g of logs) {
      const file = journal.file(g, 'log');
      const log = read(file, cipher)!;
      records.push(...(log.records as R[]));
      if (g !== journal.generation) continue;
      if (!log.stream) {
        journal.out = create(file, cipher, 'w');
        continue;
      }
      // Only the end of the log being written can be torn (a write cut short): it is cut off.
      if (log.torn) {
        torn += 1;
        truncateSync(file, log.stream.headerBytes + log.whole);
      }
      const { key, iv } = log.stream;
      journal.out = {
        fd: openSync(file, 'a', 0o600),
        stream: ctr(key, iv, log.whole),
        bytes: log.whole,
      };
    }
    journal.out ??= create(journal.file(journal.generation, 'log'), cipher, 'a');
    return { journal, records, torn };
  }

  /** Bytes in the log since the last compaction. */
  get bytes(): number {
    return this.out.bytes;
  }

  /** Writes one record before returning. */
  append(record: R): void {
    this.write(this.out, line(JSON.stringify(record)));
  }

  /**
   * Replaces everything written so far with the records `state` yields (the
   * state as it is now). Appends go on at once in the next generation. The
   * snapshot is written COMPACT_CHUNK records a turn of the event loop (so a
   * large state never stalls it; whatever changes meanwhile is in the new
   * log, which is read after the snapshot), then flushed to disk and
   * renamed: `flushed()` resolves then. With `sync` all of it happens
   * before returning. A compaction asked for while the last one is still
   * being written is skipped.
   */
  compact(state: () => Iterable<R>, sync = false): void {
    this.open();
    if (this.flushing && !sync) return;
    const next = this.generation + 1;
    closeSync(this.out.fd);
    this.generation = next;
    this.out = create(this.file(next, 'log'), this.cipher, 'a');
    const target = this.file(next, 'snapshot');
    const tmp = `${target}.tmp`;
    const snapshot = create(tmp, this.cipher, 'w');
    const records = state()[Symbol.iterator]();
    // The first record is taken now: a generator reads the state it snapshots as it starts.
    let r = records.next();
    /** Writes the next chunk; true once all is written. */
    const chunk = (): boolean => {
      let text = '';
      for (let n = 0; !r.done && n < COMPACT_CHUNK; n++, r = records.next())
        text += line(JSON.stringify(r.value));
      if (text) this.write(snapshot, text);
      return r.done === true;
    };
    const done = () => {
      renameSync(tmp, target);
      this.removeBefore(next);
    };
    if (sync) {
      try {
        while (!chunk());
        fsyncSync(snapshot.fd);
      } finally {
        closeSync(snapshot.fd);
      }
      return done();
    }
    this.flushing = new Promise<void>((resolve, reject) => {
      const failed = (err: unknown) => {
        // The older snapshot and logs are still in place: the state reads the same, uncompacted.
        this.flushing = undefined;
        closeSync(snapshot.fd);
        reject(err as Error);
      };
      const step = () => {
        try {
          if (!chunk()) return void setImmediate(step);
        } catch (err) {
          return failed(err);
        }
        fsync(snapshot.fd, (err) => {
          if (err) return failed(err);
          this.flushing = undefined;
          try {
            closeSync(snapshot.fd);
            done();
            resolve();
          } catch (e) {
            reject(e as Error);
          }
        });
      };
      step();
    });
    this.flushing.catch(() => undefined);
  }

  /** Resolves once the last compaction's snapshot is on disk; rejects if it could not be written. */
  flushed(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.out.fd);
  }

  /** Throws once closed: the closed descriptor's number may already belong to another file. */
  private open(): void {
    if (this.closed) throw new Error(`journal ${this.name} is closed`);
  }

  private write(segment: Segment, text: string): void {
    this.open();
    const data = segment.stream.update(text, 'utf8');
    // One write of a few kilobytes is whole on a local disk; a short write goes on from where it stopped.
    for (let at = 0; at < data.length;) at += writeSync(segment.fd, data, at);
    segment.bytes += data.length;
  }

  /** Removes this journal's snapshots and logs older than `generation`. */
  private removeBefore(generation: number): void {
    for (const x of filesOf(this.dir, this.name))
      if (x.generation < generation) rmSync(join(this.dir, x.file));
  }

  private file(generation: number, kind: 'snapshot' | 'log'): string {
    return join(this.dir, `${this.name}-${generation}.${kind}`);
  }
}
