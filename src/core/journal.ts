/**
 * An append-only journal of sealed records in a folder: a snapshot and the
 * log of what changed since, one record a line, each sealed on its own
 * (AES-256-GCM, `crypto.ts`), so whatever personal data a record holds is
 * encrypted at rest.
 *
 * An append is a synchronous write to the operating system before the
 * caller answers: a process killed with kill -9 loses nothing it has
 * acknowledged (the kernel keeps the page); a power loss may lose what the
 * kernel had not flushed yet. A crash in the middle of a write tears at
 * most the last line, which is skipped and counted on the next open.
 *
 * Snapshot and log carry a generation in their names. Compaction writes
 * the next generation's snapshot (to a temporary name, flushed, then
 * renamed) and starts its empty log before removing the old pair, so a
 * crash at any point leaves one complete generation to open: never a
 * snapshot with the log of another.
 */
import {
  closeSync,
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
import type { FieldCipher } from './crypto.js';

export interface JournalOpened<R> {
  journal: Journal<R>;
  /** The snapshot's records, then the log's, in the order written. */
  records: R[];
  /** Lines that did not open (a write torn by a crash; anything else is an error). */
  torn: number;
}

export class Journal<R> {
  private fd: number;
  private logBytes = 0;

  private constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly cipher: FieldCipher,
    private generation: number,
  ) {
    this.fd = openSync(this.file(generation, 'log'), 'a', 0o600);
  }

  /** Opens (or creates) the journal `name` in `dir` and reads back what it holds. */
  static open<R>(dir: string, name: string, cipher: FieldCipher): JournalOpened<R> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pattern = new RegExp(`^${name}-(\\d+)\\.(snapshot|log)$`);
    const files = readdirSync(dir).flatMap((f) => {
      const m = pattern.exec(f);
      return m ? [{ f, generation: Number(m[1]), kind: m[2] }] : [];
    });
    const snapshots = files.filter((x) => x.kind === 'snapshot').map((x) => x.generation);
    const generation = snapshots.length ? Math.max(...snapshots) : 0;
    const journal = new Journal<R>(dir, name, cipher, generation);
    // What an older generation left (a compaction cut short) and temporaries go.
    for (const x of files) if (x.generation < generation) rmSync(join(dir, x.f));
    for (const f of readdirSync(dir))
      if (f.startsWith(`${name}-`) && f.endsWith('.tmp')) rmSync(join(dir, f));
    const records: R[] = [];
    let torn = 0;
    for (const kind of ['snapshot', 'log'] as const) {
      let text: string;
      try {
        text = readFileSync(journal.file(generation, kind), 'utf8');
      } catch {
        continue;
      }
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (!line) return;
        try {
          records.push(JSON.parse(cipher.decrypt(line)) as R);
        } catch (err) {
          // Only the last line, unfinished, can be torn by a crash: anything else is damage.
          if (kind === 'snapshot' || i !== lines.length - 1) throw err;
          torn += 1;
        }
      });
      if (kind === 'log') {
        // The torn tail is cut off, so the next append starts a line of its own.
        journal.logBytes = Buffer.byteLength(text) - (torn ? Buffer.byteLength(lines.at(-1)!) : 0);
        if (torn) truncateSync(journal.file(generation, 'log'), journal.logBytes);
      }
    }
    return { journal, records, torn };
  }

  /** Bytes in the log since the last compaction. */
  get bytes(): number {
    return this.logBytes;
  }

  /** Writes one record before returning (undefined: only ends a torn line). */
  append(record: R | undefined): void {
    const line = record === undefined ? '\n' : `${this.cipher.encrypt(JSON.stringify(record))}\n`;
    this.logBytes += writeSync(this.fd, line);
  }

  /** Replaces everything written so far with `records` (the state as it is now). */
  compact(records: Iterable<R>): void {
    const next = this.generation + 1;
    const target = this.file(next, 'snapshot');
    const tmp = `${target}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const lines: string[] = [];
      for (const r of records) lines.push(`${this.cipher.encrypt(JSON.stringify(r))}\n`);
      writeSync(fd, lines.join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
    const old = this.generation;
    closeSync(this.fd);
    this.generation = next;
    this.fd = openSync(this.file(next, 'log'), 'a', 0o600);
    this.logBytes = 0;
    rmSync(this.file(old, 'snapshot'), { force: true });
    rmSync(this.file(old, 'log'), { force: true });
  }

  close(): void {
    closeSync(this.fd);
  }

  private file(generation: number, kind: 'snapshot' | 'log'): string {
    return join(this.dir, `${this.name}-${generation}.${kind}`);
  }
}
