import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { createKeywordModels } from '../../src/models/keyword/index.js';
import { baselinePropensity } from '../../src/models/propensity.js';
import { predictPropensity } from '../../src/models/propensity-model.js';
import { callKey, Enricher, loadTagRules } from '../../src/pipelines/index.js';
import {
  simulatorRows,
  DEFAULT_PROPENSITY_OPTIONS,
  trainPropensity,
} from '../../src/training/propensity/index.js';

/**
 * Training replays simulated calls without the Enricher (training/ may not
 * import pipelines/). This runs the real Enricher over the same events and
 * checks the replay sees each call as the pipeline does at its last customer
 * turn: the call's counts and valence, and — through the baseline score the
 * enricher stores — the history (web visits, pricing page, past outcomes).
 */
describe('simulator rows as the pipeline sees them', () => {
  const models = createKeywordModels();
  const sim = new CallSimulator(21, 40);
  const start = Date.UTC(2026, 0, 5, 9);
  // 40 customers over 400 calls: most come back, so history is exercised.
  const calls = Array.from({ length: 400 }, (_, i) => sim.nextCall(new Date(start + i * 600_000)));
  const rows = new Map(simulatorRows(calls, models).map((r) => [r.id, r]));
  const enricher = new Enricher({
    turn: models,
    tagRules: loadTagRules(JSON.parse(readFileSync('config/tags.json', 'utf8'))),
    dedupeWindow: 64,
    latenessMs: 600_000,
    maxSkewMs: 300_000,
  });
  const now = start + 400 * 600_000 + 86_400_000;

  it('matches the enricher on every answered call', () => {
    let compared = 0;
    let withHistory = 0;
    calls.forEach((events, i) => {
      const out = enricher.apply(events, now);
      const ended = events.find((e) => e.type === 'call.ended');
      const call = ended && out.calls.get(callKey(ended.call_id, ended.customer_id));
      const row = rows.get(`sim-${i}`);
      if (!call?.customer_turns) {
        expect(row).toBeUndefined();
        return;
      }
      expect(row).toBeDefined();
      const x = row!.inputs;
      expect(x.customerTurns).toBe(call.customer_turns);
      expect(x.positiveIntents).toBe(call.positive_intents);
      expect(x.negativeIntents).toBe(call.negative_intents);
      expect(x.objections).toBe(call.objections);
      expect(x.valence).toBeCloseTo(call.valence!, 12);
      expect(x.peakImpatience).toBeCloseTo(call.peak_impatience!, 12);
      expect(baselinePropensity(x)).toBe(call.intent_score);
      expect(row!.y).toBe(call.outcome === 'converted');
      compared++;
      if (x.webVisits > 0 && x.priorConversions + x.complaints > 0) withHistory++;
    });
    expect(compared).toBeGreaterThan(150);
    expect(withHistory).toBeGreaterThan(10);
  });

  it('scores each call with the trained model from the same inputs training saw', () => {
    const model = trainPropensity(
      [{ name: 'simulator', rows: [...rows.values()] }],
      [{ name: 'simulator', rows: [...rows.values()] }],
      { ...DEFAULT_PROPENSITY_OPTIONS, l2Grid: [0.01], folds: 2 },
    ).model;
    const trained = new Enricher({
      turn: models,
      propensity: model,
      tagRules: loadTagRules(JSON.parse(readFileSync('config/tags.json', 'utf8'))),
      dedupeWindow: 64,
      latenessMs: 600_000,
      maxSkewMs: 300_000,
    });
    let differs = 0;
    calls.forEach((events, i) => {
      const out = trained.apply(events, now);
      const ended = events.find((e) => e.type === 'call.ended');
      const call = ended && out.calls.get(callKey(ended.call_id, ended.customer_id));
      const row = rows.get(`sim-${i}`);
      if (!call?.customer_turns || !row) return;
      const p = Math.round(predictPropensity(model, row.inputs) * 1000) / 1000;
      expect(call.intent_score).toBe(p);
      if (p !== baselinePropensity(row.inputs)) differs++;
    });
    expect(differs).toBeGreaterThan(100);
  });
});
