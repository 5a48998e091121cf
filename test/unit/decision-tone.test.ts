import { describe, expect, it } from 'vitest';
import { seeded } from '../../src/core/rng.js';
import {
  chooseTone,
  createExperiment,
  record,
  TONE_NODE,
  toneSegmentOf,
} from '../../src/decision/scripts/index.js';
import { customerView } from '../helpers/decision.js';
import { engine, T0, turn } from '../helpers/decision-engine.js';

const withIndustry = (industry?: string) =>
  customerView({ crm: industry === undefined ? {} : { industry } });

describe('the tone experiment', () => {
  it('learns a cell per industry as the CRM gives it', () => {
    expect(toneSegmentOf(withIndustry(' Retail '))).toBe('retail');
    expect(toneSegmentOf(withIndustry())).toBe('unknown');
  });

  it('draws a tone, notes it for the reward, and moves to the tone that converts in each trade', () => {
    const exp = createExperiment({ minSamples: 20, draws: 300 });
    const rng = seeded(3);
    // Retail customers buy on short calls, finance on full ones.
    const buys = { retail: 'concise', finance: 'full' } as const;
    for (let i = 0; i < 400; i++) {
      for (const trade of ['retail', 'finance'] as const) {
        const spoken: { node: string; segment: string; variant: string }[] = [];
        const tone = chooseTone(exp, withIndustry(trade), spoken, rng);
        expect(spoken).toEqual([{ node: TONE_NODE, segment: trade, variant: tone }]);
        const p = tone === buys[trade] ? 0.3 : 0.1;
        record(exp, TONE_NODE, trade, tone, rng() < p ? 1 : 0);
      }
    }
    const share = (trade: 'retail' | 'finance', tone: string) => {
      let n = 0;
      for (let i = 0; i < 400; i++) if (chooseTone(exp, withIndustry(trade), [], rng) === tone) n++;
      return n / 400;
    };
    expect(share('retail', 'concise')).toBeGreaterThan(0.8);
    expect(share('finance', 'full')).toBeGreaterThan(0.8);
  });

  it('keeps one tone through a call and rewards it with the call’s outcome', () => {
    const { e } = engine();
    const first = e.turn(turn('call-tone', '你好'));
    const second = e.turn(turn('call-tone', '是我，我是负责人'));
    expect(second.concise).toBe(first.concise);
    e.observe([
      {
        event_id: 'e-tone',
        type: 'call.ended',
        ts: new Date(T0).toISOString(),
        schema_version: 1,
        customer_id: 'c-1',
        call_id: 'call-tone',
        duration_s: 60,
        outcome: 'converted',
      },
    ]);
    const cells = e.experimentCells().filter((c: { node: string }) => c.node === TONE_NODE);
    expect(cells).toHaveLength(1);
    const rows = e.experimentReport(TONE_NODE, cells[0]!.segment);
    const tone = first.concise ? 'concise' : 'full';
    expect(rows.find((r) => r.variant === tone)).toMatchObject({ trials: 1, conversions: 1 });
  });
});
