// A decision engine writes its state down as it changes; a second engine that
// reads the journal (as a restarted process does, nothing closed: kill -9)
// goes on with every live call where it was and with what the first learned.
import { describe, expect, it } from 'vitest';
import { createFieldCipher } from '../../src/core/crypto.js';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import { Journal } from '../../src/core/journal.js';
import {
  EngineJournal,
  emptyEngineState,
  foldRecord,
  loadScripts,
  type EngineRecord,
} from '../../src/decision/index.js';
import { check, engine, json, T0, turn } from '../helpers/decision-engine.js';
import { tmpDir } from '../helpers/tmp.js';

const cipher = createFieldCipher(Buffer.alloc(32, 5).toString('base64'));

const ended = (callId: string, outcome: 'converted' | 'rejected'): DialwiseEvent => ({
  event_id: `end-${callId}`,
  type: 'call.ended',
  ts: new Date(T0).toISOString(),
  schema_version: 1,
  customer_id: 'c-1',
  call_id: callId,
  duration_s: 60,
  outcome,
});

/** An engine writing to a journal in `dir`, resumed from what the journal holds. */
function journaled(dir: string, now = T0, compactAtBytes?: number) {
  const opened = Journal.open<EngineRecord>(dir, 'engine', cipher);
  const state = opened.records.reduce(foldRecord, emptyEngineState());
  const journal = new EngineJournal(opened.journal, state, compactAtBytes);
  const x = engine({ journal: journal.write, now });
  x.e.resume(state);
  journal.state = () => x.e.durableState();
  return { ...x, journal, state };
}

const rewarded = <C extends { trials: number }>(cells: C[]) => cells.filter((c) => c.trials > 0);

const withoutId = ({ decision_id: _, ...d }: { decision_id: string }) => d;

describe('decision engine journal', () => {
  it('goes on after a kill with every live call, the experiments, skills, agents and scripts as they were', () => {
    const dir = tmpDir();
    const a = journaled(dir);
    a.e.turn(turn('call-1', '你好'));
    a.e.turn(turn('call-1', '是我，我是负责人'));
    a.e.turn(turn('call-1', '我们预算大概二十万，下个月要'));
    for (const id of ['call-2', 'call-3']) a.e.turn(turn(id, '你好'));
    a.e.observe([ended('call-2', 'converted'), ended('call-3', 'rejected')]);
    const t = a.e.turn(turn('call-t', '我想找人工客服聊聊'));
    expect(t.action).toBe('transfer');
    a.e.setAgentAvailable('agent-li', false);
    const v2 = structuredClone(json('scripts.json'));
    v2.version = '2026-12-07';
    a.e.rollOutScripts(loadScripts(v2, check));
    a.e.turn(turn('call-v2', '你好'));
    a.clock.advance(10_000);

    // No close: the process is gone. Another reads the same journal.
    const b = journaled(dir, a.clock.now());
    expect(b.state.sessions.size).toBe(3);
    for (const id of ['call-1', 'call-t', 'call-v2'])
      expect(b.e.context(id)).toEqual(a.e.context(id));
    expect(b.e.context('call-v2')!.script_version).toBe('2026-12-07');
    expect(b.e.context('call-2')).toBeUndefined();
    // Cells that had an outcome; one only drawn from gets its arms again at its next draw.
    expect(rewarded(b.e.experimentCells())).toEqual(rewarded(a.e.experimentCells()));
    for (const { node, segment } of rewarded(a.e.experimentCells()))
      expect(b.e.experimentReport(node, segment)).toEqual(a.e.experimentReport(node, segment));
    expect(b.e.durableState().outcomes).toEqual(a.e.durableState().outcomes);
    expect(b.e.durableState().agents).toEqual(a.e.durableState().agents);
    expect(b.e.durableState().agents.get('agent-li')!.available).toBe(false);

    // The next turn of the call is decided as the first process would have.
    const next = '价格怎么算？';
    expect(withoutId(b.e.turn(turn('call-1', next)))).toEqual(
      withoutId(a.e.turn(turn('call-1', next))),
    );

    // The transfer's no-pickup deadline survives too: 30 s after the transfer, not after the restart.
    for (const x of [a, b]) x.clock.advance(19_000);
    expect(b.alerts).toEqual([]);
    for (const x of [a, b]) x.clock.advance(2_000);
    expect(b.alerts).toEqual(a.alerts);
    expect(b.alerts).toHaveLength(1);
    expect(b.e.context('call-t')!.fallback).toBe(a.e.context('call-t')!.fallback);
  });

  it('answers a retried turn (same turn_id) with the decision already taken, before and after a restart', () => {
    const dir = tmpDir();
    const a = journaled(dir);
    const ask = (id: string, text: string) => ({ ...turn('call-i', text), turn_id: id });
    a.e.turn(ask('t1', '你好'));
    const second = a.e.turn(ask('t2', '是我，我是负责人'));
    expect(a.e.turn(ask('t2', '是我，我是负责人'))).toEqual(second);
    expect(a.e.context('call-i')!.customer_turns).toBe(2);
    // The answer to t2 was lost in a kill: the retry reaches the restarted process.
    const b = journaled(dir);
    expect(b.e.turn(ask('t2', '是我，我是负责人'))).toEqual(second);
    expect(b.e.context('call-i')!.customer_turns).toBe(2);
    expect(b.e.turn(ask('t3', '价格怎么算？')).decision_id).not.toBe(second.decision_id);
    expect(b.e.context('call-i')!.customer_turns).toBe(3);
  });

  it('keeps a version rolled out through the API current after a restart', async () => {
    const dir = tmpDir();
    const a = journaled(dir);
    // What a platform does at start: the state, the config's scripts with it, compacted.
    a.journal.compact(true);
    const v2 = structuredClone(json('scripts.json'));
    v2.version = '2026-12-08';
    a.e.rollOutScripts(loadScripts(v2, check));
    const b = journaled(dir);
    expect(b.e.turn(turn('call-new', '你好')).script_version).toBe('2026-12-08');
    // A version that config/ brings and the journal never saw would be current instead
    // (as a first start on a changed file is); here config's own is only kept loaded.
    expect(b.e.durableState().libraries.map((l) => l.version)).toEqual([
      '2026-12-06',
      '2026-12-08',
    ]);
  });

  it('keeps a version rolled back to current after a restart, and after a compaction', () => {
    const dir = tmpDir();
    const a = journaled(dir);
    a.journal.compact(true);
    const v2 = structuredClone(json('scripts.json'));
    v2.version = '2026-12-09';
    a.e.rollOutScripts(loadScripts(v2, check));
    a.e.rollBackScripts('2026-12-06');
    expect(a.e.turn(turn('call-a', '你好')).script_version).toBe('2026-12-06');
    const b = journaled(dir);
    expect(b.e.turn(turn('call-b', '你好')).script_version).toBe('2026-12-06');
    expect(b.e.scriptVersions().map((l) => l.version)).toEqual(['2026-12-09', '2026-12-06']);
    b.journal.compact(true);
    const c = journaled(dir);
    expect(c.e.turn(turn('call-c', '你好')).script_version).toBe('2026-12-06');
  });

  it('keeps an ended call and its rewards together: a repeated call.ended counts once', () => {
    const dir = tmpDir();
    const a = journaled(dir);
    const d = a.e.turn(turn('call-r', '你好'));
    a.e.observe([ended('call-r', 'converted')]);
    const b = journaled(dir);
    // The pipeline delivers the end again after the restart (not committed before the kill).
    b.e.observe([ended('call-r', 'converted')]);
    const row = b.e
      .experimentReport(d.script_id, 'manufacturing/none')
      .find((r) => r.variant === d.variant)!;
    expect(row).toMatchObject({ trials: 1, conversions: 1 });
  });

  it('keeps a spoken opt-out binding after the restart until the pipeline has it', () => {
    const dir = tmpDir();
    const a = journaled(dir);
    const d = a.e.turn(turn('call-o', '别再给我打电话了，把我的号码删掉'));
    expect(d.state).toBe('do_not_call');
    const b = journaled(dir);
    expect(b.state.unsent.size).toBeGreaterThan(0);
    expect(b.e.check('c-1', { channel: 'call' })).toMatchObject({ ok: false });
    // Once the events are sent they are no longer the journal's to keep.
    b.journal.write({ k: 'sent', ids: [...b.state.unsent.keys()] });
    expect(journaled(dir).state.unsent.size).toBe(0);
  });

  it('compacts to the state as it is, and resumes from the compaction the same', async () => {
    const dir = tmpDir();
    const a = journaled(dir, T0, 4_000);
    for (let i = 0; i < 20; i++) {
      a.e.turn(turn(`call-${i}`, '你好'));
      if (i % 2) a.e.observe([ended(`call-${i}`, i % 4 === 1 ? 'converted' : 'rejected')]);
    }
    // (A kill before the snapshot is flushed: the journal's own test.)
    await a.journal.flushed();
    const b = journaled(dir);
    expect(b.state.sessions.size).toBe(10);
    expect(b.e.experimentCells()).toEqual(a.e.experimentCells());
    for (let i = 0; i < 20; i += 2)
      expect(b.e.context(`call-${i}`)).toEqual(a.e.context(`call-${i}`));
  });

  it('leaves nothing of an erased customer in the journal', async () => {
    const dir = tmpDir();
    const a = journaled(dir);
    a.e.turn(turn('call-e', '我叫王小明，电话13912345678'));
    a.e.observe([
      {
        event_id: 'erase-1',
        type: 'customer.erased',
        ts: new Date(T0).toISOString(),
        schema_version: 1,
        customer_id: 'c-1',
      } as DialwiseEvent,
    ]);
    await a.journal.forget('c-1');
    const b = journaled(dir);
    expect(b.state.sessions.size).toBe(0);
    expect(b.state.unsent.size).toBe(0);
  });
});
