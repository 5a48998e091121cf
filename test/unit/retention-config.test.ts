import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cutoffs,
  KIND_NAMES,
  parseRetentionConfig,
  RETENTION_KINDS,
} from '../../src/analytics/retention/index.js';
import { retentionJob } from '../../src/app/retention.js';
import { manualClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/log.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { tmpDir } from '../helpers/tmp.js';

const DAY = 86_400_000;

describe('parseRetentionConfig', () => {
  it('gives every kind its default period, a daily schedule and no archive', () => {
    const c = parseRetentionConfig({});
    expect(c).toMatchObject({ schedule: '30 3 * * *', archive: false, batchRows: 50_000 });
    for (const k of KIND_NAMES) expect(c.days[k]).toBe(RETENTION_KINDS[k].days);
    expect(c.days.consent_proof).toBeGreaterThanOrEqual(150);
  });

  it.each([
    [{ days: { consent_proof: 149 } }, 'days.consent_proof: at least 150 days'],
    [{ days: { audit_log: 90 } }, 'days.audit_log: at least 180 days'],
    [{ days: { turns: 0 } }, 'days.turns:'],
    [{ days: { turns: 1.5 } }, 'days.turns: must be a whole number of days'],
    [{ days: { sms_logs: 30 } }, 'days: Unrecognized key'],
    [{ archive: 'yes' }, 'archive:'],
    [{ batchRows: 10 }, 'batchRows:'],
  ])('refuses %j with its path', (raw, message) => {
    expect(() => parseRetentionConfig(raw)).toThrow(message);
  });

  it('reports every problem at once', () => {
    expect(() =>
      parseRetentionConfig({ days: { consent_proof: 10, dead_letters: -1 } }, 'r.json'),
    ).toThrow(
      /invalid r\.json:\n {2}- days\.dead_letters.*\n {2}- days\.consent_proof|invalid r\.json:\n {2}- days\.consent_proof.*\n {2}- days\.dead_letters/,
    );
  });

  it('keeps a row exactly at the cutoff: the cutoff is now minus the period', () => {
    const now = Date.parse('2026-03-01T00:00:00Z');
    const c = parseRetentionConfig({ days: { turns: 10 } });
    expect(cutoffs(c, now).turns.toISOString()).toBe('2026-02-19T00:00:00.000Z');
    expect(cutoffs(c, now).consent_proof.getTime()).toBe(now - 1095 * DAY);
  });
});

describe('retentionJob', () => {
  it('runs at its cron time on the clock, and refuses a bad schedule at start', async () => {
    const dir = tmpDir();
    const file = join(dir, 'retention.json');
    const config = loadConfig({
      env: { DIALWISE_DATA_DIR: dir, DIALWISE_RETENTION_CONFIG: file },
    });
    mkdirSync(dir, { recursive: true });
    const store = await Store.open(join(dir, 'j.duckdb'));
    await migrate(store);
    const lines: string[] = [];
    const logger = createLogger('info', (l) => lines.push(l));
    const clock = manualClock(Date.parse('2026-03-01T00:00:00Z'));
    writeFileSync(file, JSON.stringify({ schedule: '0 25 * * *' }));
    expect(() => retentionJob(config, store, logger, clock)).toThrow(/cron "0 25 \* \* \*"/);

    writeFileSync(file, JSON.stringify({ schedule: '30 3 * * *', days: { dead_letters: 1 } }));
    await store.transaction((tx) =>
      tx.run(`INSERT INTO dead_letters (received_at, source, reason, payload)
        VALUES ('2026-02-27T00:00:00Z', 's', 'r', '{}'), ('2026-03-01T00:00:00Z', 's', 'r', '{}')`),
    );
    const job = retentionJob(config, store, logger, clock);
    clock.advance(3.5 * 3_600_000);
    await job.stop();
    const done = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'retention');
    expect(done?.removed).toEqual({ dead_letters: 1 });
    expect(done?.elsewhere).toEqual([
      expect.stringMatching(/^recordings: deleted with their sealed audio/),
      expect.stringMatching(/^personal: cleared through the pipeline/),
    ]);
    const again = retentionJob(config, store, logger, clock);
    const dry = await again.run({ dryRun: true });
    await again.stop();
    expect(dry.kinds.find((k) => k.kind === 'dead_letters')!.removed.dead_letters).toBe(0);
    await store.close();
  });
});
