import { describe, expect, it } from 'vitest';
import {
  loadSkillModel,
  rankWorkers,
  recordOutcome,
  skill,
  type SkillModel,
} from '../../src/decision/transfer/index.js';

const model = loadSkillModel({
  priorStrength: 10,
  defaultKnowledge: 0.5,
  knowledge: { expert: { loans: 0.8 }, novice: { loans: 0.4 } },
  outcomes: {},
});
const workers = [{ id: 'novice' }, { id: 'expert' }, { id: 'bot_v2' }];
const ids = (m: SkillModel) => rankWorkers(m, workers, 'loans').map((w) => w.id);

/** Records `converted` wins and `failed` losses for a worker on loans. */
function play(m: SkillModel, id: string, converted: number, failed: number): SkillModel {
  for (let i = 0; i < converted; i++) m = recordOutcome(m, id, 'loans', true);
  for (let i = 0; i < failed; i++) m = recordOutcome(m, id, 'loans', false);
  return m;
}

describe('skill model', () => {
  it('starts from the configured knowledge, or the default', () => {
    expect(skill(model, 'expert', 'loans')).toBeCloseTo(0.8);
    expect(skill(model, 'expert', 'cards')).toBeCloseTo(0.5);
    expect(skill(model, 'bot_v2', 'loans')).toBeCloseTo(0.5);
    expect(ids(model)).toEqual(['expert', 'bot_v2', 'novice']);
  });

  it('is a Beta posterior mean with the prior as pseudo-counts', () => {
    const m = play(model, 'novice', 6, 4);
    // (0.4 · 10 + 6) / (10 + 10)
    expect(skill(m, 'novice', 'loans')).toBeCloseTo(0.5);
  });

  it('keeps the prior ranking after a few outcomes, then follows the results', () => {
    let m = play(model, 'expert', 1, 4);
    m = play(m, 'novice', 4, 1);
    expect(ids(m)[0]).toBe('expert');
    m = play(m, 'expert', 2, 13);
    m = play(m, 'novice', 11, 4);
    expect(ids(m)).toEqual(['novice', 'bot_v2', 'expert']);
  });

  it('is pure and plain JSON', () => {
    const before = JSON.stringify(model);
    const after = recordOutcome(model, 'bot_v2', 'loans', true);
    expect(JSON.stringify(model)).toBe(before);
    expect(loadSkillModel(JSON.parse(JSON.stringify(after)))).toEqual(after);
    expect(after.outcomes).toEqual({ bot_v2: { loans: { converted: 1, failed: 0 } } });
  });

  it('rejects an invalid model with paths', () => {
    expect(() =>
      loadSkillModel({ ...model, priorStrength: 0, knowledge: { a: { loans: 1.5 } } }),
    ).toThrow(/priorStrength:[\s\S]*knowledge\.a\.loans:/);
  });
});
