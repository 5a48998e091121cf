import {
  closeSync,
  copyFileSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFieldCipher } from '../../src/core/crypto.js';
import { Journal } from '../../src/core/journal.js';
import { tmpDir } from '../helpers/tmp.js';

const cipher = createFieldCipher(Buffer.alloc(32, 3).toString('base64'));
type R = { n: number; text?: string };

describe('journal', () => {
  it('reads back what was appended, across reopenings, encrypted on disk', () => {
    const dir = tmpDir();
    const { journal, records } = Journal.open<R>(dir, 'j', cipher);
    expect(records).toEqual([]);
    journal.append({ n: 1, text: '我的电话是13800138000' });
    journal.append({ n: 2 });
    journal.close();
    const raw = readFileSync(join(dir, 'j-0.log'));
    expect(raw.includes('13800138000')).toBe(false);
    expect(raw.includes('"n"')).toBe(false);
    // Reopened, it goes on in the same file from where the stream stopped.
    const again = Journal.open<R>(dir, 'j', cipher);
    expect(again.records).toEqual([{ n: 1, text: '我的电话是13800138000' }, { n: 2 }]);
    again.journal.append({ n: 3, text: 'x'.repeat(37) });
    again.journal.close();
    expect(Journal.open<R>(dir, 'j', cipher).records.map((r) => r.n)).toEqual([1, 2, 3]);
    // Another data key cannot open it.
    const other = createFieldCipher(Buffer.alloc(32, 4).toString('base64'));
    expect(() => Journal.open<R>(dir, 'j', other)).toThrow(/unknown key/);
  });

  it('refuses a write once closed, leaving the file that now holds its old descriptor alone', () => {
    const dir = tmpDir();
    const { journal } = Journal.open<R>(dir, 'j', cipher);
    journal.append({ n: 1 });
    journal.close();
    // The descriptor's number is free again: the next file opened takes it.
    const other = join(dir, 'other');
    const fd = openSync(other, 'w');
    expect(() => journal.append({ n: 2 })).toThrow(/journal j is closed/);
    expect(() => journal.compact(() => [{ n: 3 }], true)).toThrow(/closed/);
    closeSync(fd);
    expect(statSync(other).size).toBe(0);
    expect(Journal.open<R>(dir, 'j', cipher).records).toEqual([{ n: 1 }]);
    journal.close();
  });

  it('cuts off an end torn by a crash and goes on writing after it', () => {
    const dir = tmpDir();
    const { journal } = Journal.open<R>(dir, 'j', cipher);
    journal.append({ n: 1 });
    const size = statSync(join(dir, 'j-0.log')).size;
    journal.append({ n: 2, text: 'the write the crash cut short' });
    journal.close();
    // The kill came in the middle of the second write: part of its line is on disk.
    truncateSync(join(dir, 'j-0.log'), size + 20);
    const opened = Journal.open<R>(dir, 'j', cipher);
    expect(opened.records).toEqual([{ n: 1 }]);
    expect(opened.torn).toBe(1);
    expect(statSync(join(dir, 'j-0.log')).size).toBe(size);
    opened.journal.append({ n: 3 });
    opened.journal.close();
    expect(Journal.open<R>(dir, 'j', cipher).records).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('refuses a log damaged before its end (not a crash: damage)', () => {
    const dir = tmpDir();
    const { journal } = Journal.open<R>(dir, 'j', cipher);
    for (let n = 0; n < 5; n++) journal.append({ n, text: 'abcdefghij' });
    journal.close();
    const file = join(dir, 'j-0.log');
    const raw = readFileSync(file);
    // One letter of the last record's text flipped: still JSON, but not what was written.
    const at = raw.length - 10;
    raw[at] = raw[at]! ^ 0x01;
    writeFileSync(file, raw);
    expect(() => Journal.open<R>(dir, 'j', cipher)).toThrow(/damaged record/);
  });

  it('compacts to a snapshot of the next generation and keeps appending after it', async () => {
    const dir = tmpDir();
    const { journal } = Journal.open<R>(dir, 'j', cipher);
    for (let n = 0; n < 10; n++) journal.append({ n });
    expect(journal.bytes).toBeGreaterThan(0);
    // More records than one chunk: the snapshot is written over several turns of the event loop.
    journal.compact(() => Array.from({ length: 250 }, (_, i) => ({ n: 100 + i })));
    // Appends go on at once into the next generation while the snapshot is written.
    expect(journal.bytes).toBe(0);
    journal.append({ n: 1000 });
    await journal.flushed();
    journal.close();
    expect(readdirSync(dir).sort()).toEqual(['j-1.log', 'j-1.snapshot']);
    const records = Journal.open<R>(dir, 'j', cipher).records.map((r) => r.n);
    expect(records).toHaveLength(251);
    expect(records.slice(-2)).toEqual([349, 1000]);
  });

  it('reads the older snapshot with both logs when a compaction died before its rename', () => {
    const dir = tmpDir();
    const { journal } = Journal.open<R>(dir, 'j', cipher);
    journal.append({ n: 1 });
    journal.compact(() => [{ n: 2 }], true);
    journal.append({ n: 3 });
    // A compaction whose snapshot is not on disk yet when the process dies.
    journal.compact(() => [{ n: 9 }]);
    journal.append({ n: 4 });
    expect(readdirSync(dir).sort()).toEqual([
      'j-1.log',
      'j-1.snapshot',
      'j-2.log',
      'j-2.snapshot.tmp',
    ]);
    const opened = Journal.open<R>(dir, 'j', cipher);
    expect(opened.records).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
    // It goes on in generation 2.
    opened.journal.append({ n: 5 });
    opened.journal.close();
    expect(Journal.open<R>(dir, 'j', cipher).records.map((r) => r.n)).toEqual([2, 3, 4, 5]);
  });

  it('reads the newer generation alone when a compaction died after its rename', async () => {
    const dir = tmpDir();
    const { journal } = Journal.open<R>(dir, 'j', cipher);
    journal.append({ n: 1 });
    copyFileSync(join(dir, 'j-0.log'), join(dir, 'kept'));
    journal.compact(() => [{ n: 7 }]);
    await journal.flushed();
    journal.close();
    // The old log had not been removed yet.
    copyFileSync(join(dir, 'kept'), join(dir, 'j-0.log'));
    expect(Journal.open<R>(dir, 'j', cipher).records).toEqual([{ n: 7 }]);
    expect(readdirSync(dir).sort()).toEqual(['j-1.log', 'j-1.snapshot', 'kept']);
  });
});
