import { describe, expect, it } from 'vitest';
import { planSource, type SourcePlan } from '../../src/analytics/kpis/kpi-source.js';

const H = 3_600_000;
const at = (hours: number) => Date.UTC(2026, 0, 1) + hours * H;

describe('planSource: what the roll-up answers and what the calls table must', () => {
  const cases: {
    name: string;
    from: number | null;
    to: number | null;
    dirty: number[];
    plan: SourcePlan;
  }[] = [
    {
      name: 'open range, nothing dirty: all from the roll-up',
      from: null,
      to: null,
      dirty: [],
      plan: { rollup: { lo: null, hi: null, except: [] }, raw: [] },
    },
    {
      name: 'whole hours: the roll-up alone',
      from: at(2),
      to: at(5),
      dirty: [],
      plan: { rollup: { lo: at(2), hi: at(5), except: [] }, raw: [] },
    },
    {
      name: 'partial hours at both ends come from the calls',
      from: at(2) + 30 * 60_000,
      to: at(5) + 10 * 60_000,
      dirty: [],
      plan: {
        rollup: {
          lo: at(3),
          hi: at(5),
          except: [
            { lo: at(2) + 30 * 60_000, hi: at(3) },
            { lo: at(5), hi: at(5) + 10 * 60_000 },
          ],
        },
        raw: [
          { lo: at(2) + 30 * 60_000, hi: at(3) },
          { lo: at(5), hi: at(5) + 10 * 60_000 },
        ],
      },
    },
    {
      name: 'within one hour: only the calls',
      from: at(2) + 60_000,
      to: at(2) + 120_000,
      dirty: [at(2)],
      plan: { rollup: null, raw: [{ lo: at(2) + 60_000, hi: at(2) + 120_000 }] },
    },
    {
      name: 'an empty range reads nothing',
      from: at(4),
      to: at(4),
      dirty: [],
      plan: { rollup: null, raw: [] },
    },
    {
      name: 'adjacent dirty hours read as one range; dirty hours outside the range are ignored',
      from: at(0),
      to: at(10),
      dirty: [at(7), at(3), at(4), at(12)],
      plan: {
        rollup: {
          lo: at(0),
          hi: at(10),
          except: [
            { lo: at(3), hi: at(5) },
            { lo: at(7), hi: at(8) },
          ],
        },
        raw: [
          { lo: at(3), hi: at(5) },
          { lo: at(7), hi: at(8) },
        ],
      },
    },
    {
      name: 'a dirty first hour joins the partial hour before it',
      from: at(1) + 45 * 60_000,
      to: null,
      dirty: [at(2)],
      plan: {
        rollup: { lo: at(2), hi: null, except: [{ lo: at(1) + 45 * 60_000, hi: at(3) }] },
        raw: [{ lo: at(1) + 45 * 60_000, hi: at(3) }],
      },
    },
  ];
  it.each(cases)('$name', ({ from, to, dirty, plan }) => {
    expect(planSource(from, to, dirty)).toEqual(plan);
  });

  it('reads many scattered dirty hours as one span, so the query stays short', () => {
    const dirty = Array.from({ length: 40 }, (_, i) => at(2 * i));
    const plan = planSource(null, null, dirty);
    expect(plan.raw).toEqual([{ lo: at(0), hi: at(79) }]);
    expect(plan.rollup!.except).toEqual(plan.raw);
  });

  it('covers every hour exactly once, by the roll-up or by the calls', () => {
    // Random ranges and dirty sets; each hour-minute is either a hole in the roll-up's part or raw.
    for (let seed = 1; seed < 200; seed++) {
      const r = (n: number) => ((seed * 7919 + n * 104729) % 1000) / 1000;
      const from = at(Math.floor(r(1) * 24)) + Math.floor(r(2) * 60) * 60_000;
      const to = from + Math.floor(r(3) * 48 * H);
      const dirty = [0, 1, 2, 3, 4].map((i) => at(Math.floor(r(10 + i) * 72)));
      const plan = planSource(from, to, dirty);
      for (let t = from; t < to; t += 15 * 60_000) {
        const hour = Math.floor(t / H) * H;
        const inRaw = plan.raw.some((x) => t >= x.lo && t < x.hi);
        const inRollup =
          plan.rollup !== null &&
          (plan.rollup.lo === null || hour >= plan.rollup.lo) &&
          (plan.rollup.hi === null || hour < plan.rollup.hi) &&
          !plan.rollup.except.some((x) => hour >= x.lo && hour < x.hi);
        expect(inRaw !== inRollup, `seed ${seed} at ${new Date(t).toISOString()}`).toBe(true);
      }
    }
  });
});
