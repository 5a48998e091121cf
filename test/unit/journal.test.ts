import { appendFileSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFieldCipher } from '../../src/core/crypto.js';
import { Journal } from '../../src/core/journal.js';
import { tmpDir } from '../helpers/tmp.js';

const cipher = createFieldCipher(Buffer.alloc(32, 3).toString('base64'));
type R = { n: number; text?: string };

describe('journal', () => {
  it('reads back what was appended, sealed on disk', () => {
    const dir = tmpDir();
    const { journal, records } = Journal.open<R>(dir, 'j', cipher);
    expect(records).toEqual([]);
    journal.append({ n: 1, text: '我的电话是13800138000' });
    journal.append({ n: 2 });
    journal.close();
    const raw = readFileSync(join(dir, 'j-0.log'), 'utf8');
    expect(raw).not.toContain('13800138000');
    expect(raw.trim().split('\n')).toHaveLength(2);
    const again = Journal.open<R>(dir, 'j', cipher);
    expect(again.records).toEqual([{ n: 1, text: '我的电话是13800138000' }, { n: 2 }]);
    expect(again.torn).toBe(0);
  });

  it('skips a last line torn by a crash and goes on writing after it', () => {
    const dir = tmpDir();
    const { journal } = Journal.open<R>(dir, 'j', cipher);
    journal.append({ n: 1 });
    journal.close();
    const half = cipher.encrypt(JSON.stringify({ n: 2 })).slice(0, 20);
    appendFileSync(join(dir, 'j-0.log'), half);
    const opened = Journal.open<R>(dir, 'j', cipher);
    expect(opened.records).toEqual([{ n: 1 }]);
    expect(opened.torn).toBe(1);
    opened.journal.append({ n: 3 });
    opened.journal.close();
    expect(Journal.open<R>(dir, 'j', cipher).records).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('refuses a damaged line that is not the last (not a crash: damage)', () => {
    const dir = tmpDir();
    const { journal } = Journal.open<R>(dir, 'j', cipher);
    journal.close();
    writeFileSync(join(dir, 'j-0.log'), `garbage\n${cipher.encrypt('{"n":1}')}\n`);
    expect(() => Journal.open<R>(dir, 'j', cipher)).toThrow(/not a sealed value/);
  });

  it('compacts to a snapshot of the next generation and keeps appending after it', () => {
    const dir = tmpDir();
    const { journal } = Journal.open<R>(dir, 'j', cipher);
    for (let n = 0; n < 10; n++) journal.append({ n });
    expect(journal.bytes).toBeGreaterThan(0);
    journal.compact([{ n: 100 }]);
    expect(journal.bytes).toBe(0);
    journal.append({ n: 101 });
    journal.close();
    expect(readdirSync(dir).sort()).toEqual(['j-1.log', 'j-1.snapshot']);
    expect(Journal.open<R>(dir, 'j', cipher).records).toEqual([{ n: 100 }, { n: 101 }]);
  });

  it('opens the older generation whole when a compaction died before its rename', () => {
    const dir = tmpDir();
    const { journal } = Journal.open<R>(dir, 'j', cipher);
    journal.append({ n: 1 });
    journal.compact([{ n: 2 }]);
    journal.append({ n: 3 });
    journal.close();
    // A crash mid-compaction: the next snapshot exists only under its temporary name.
    writeFileSync(join(dir, 'j-2.snapshot.tmp'), `${cipher.encrypt('{"n":9}')}\n`);
    expect(Journal.open<R>(dir, 'j', cipher).records).toEqual([{ n: 2 }, { n: 3 }]);
    expect(readdirSync(dir).sort()).toEqual(['j-1.log', 'j-1.snapshot']);
  });

  it('opens the newer generation alone when a compaction died after its rename', () => {
    const dir = tmpDir();
    const { journal } = Journal.open<R>(dir, 'j', cipher);
    journal.append({ n: 1 });
    journal.close();
    // The new snapshot was renamed into place; the old log was not removed yet.
    writeFileSync(join(dir, 'j-1.snapshot.tmp'), `${cipher.encrypt('{"n":7}')}\n`);
    renameSync(join(dir, 'j-1.snapshot.tmp'), join(dir, 'j-1.snapshot'));
    expect(Journal.open<R>(dir, 'j', cipher).records).toEqual([{ n: 7 }]);
    expect(readdirSync(dir).sort()).toEqual(['j-1.log', 'j-1.snapshot']);
  });
});
