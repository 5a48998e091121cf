import { systemClock } from '../../src/core/clock.js';
import { writeFileSync } from 'node:fs';
import { DuckDbSink, replayJsonl } from '../../src/pipelines/index.js';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPipeline, openStore } from '../../src/app/index.js';
import { loadTestConfig } from '../helpers/config.js';
import { createLogger } from '../../src/core/log.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { tmpDir } from '../helpers/tmp.js';

describe('JSONL replay', () => {
  it('resumes after a crash from the last committed line, without loss or duplicates', async () => {
    const dir = tmpDir();
    const sim = new CallSimulator(9);
    const events = Array.from({ length: 120 }, (_, i) =>
      sim.nextCall(new Date(Date.now() - i * 60_000)),
    ).flat();
    const lines = events.map((e) => JSON.stringify(e));
    lines.splice(50, 0, '{"not": "an event"}');
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const config = loadTestConfig({ env: { DIALWISE_DATA_DIR: dir, DIALWISE_LOG_LEVEL: 'error' } });
    const logger = createLogger('error');
    const source = `file:${resolve(file)}`;
    const records = lines.map((value, i) => ({ source, partition: 0, offset: String(i), value }));

    // First run: commits part of the file, applies more, then dies before its next commit.
    let store = await openStore(config, logger);
    const first = await openPipeline(config, new DuckDbSink(store), logger, { clock: systemClock });
    await first.pipeline.process(records.slice(0, 200));
    await first.pipeline.flush();
    await first.pipeline.process(records.slice(200, 400));
    await store.close(); // no flush: the uncommitted 200 lines are lost with the process

    store = await openStore(config, logger);
    const second = await openPipeline(config, new DuckDbSink(store), logger, {
      clock: systemClock,
    });
    await replayJsonl(second.pipeline, file);
    const [row] = await store.query<{ accepted: number; dead: number; turns: number }>(
      `SELECT (SELECT value::INTEGER FROM ingest_counters WHERE name = 'accepted') AS accepted,
              (SELECT count(*)::INTEGER FROM dead_letters) AS dead,
              (SELECT count(*)::INTEGER FROM turns) AS turns`,
    );
    expect(row).toEqual({
      accepted: events.length,
      dead: 1,
      turns: events.filter((e) => e.type === 'dialog.turn').length,
    });
    const calls = await store.query<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM calls WHERE started_at IS NOT NULL',
    );
    expect(calls[0]!.n).toBe(120);
    await second.pipeline.stop();
    await store.close();
  });
});
