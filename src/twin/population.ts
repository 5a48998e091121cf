/** The simulated customers of a scenario: drawn from its segments, the same for a seed. */
import { int, pick, seeded, weighted } from '../core/rng.js';
import type { Rng } from '../core/rng.js';
import { beta, logUniform } from './draws.js';
import type { Scenario, Segment } from './scenario.js';
import type { SimCustomer } from './types.js';

// prettier-ignore
const SURNAMES = [
  '赵', '钱', '孙', '周', '吴', '郑', '冯', '褚', '卫', '蒋', '沈', '韩', '杨', '朱', '秦', '许',
  '何', '吕', '施', '孔', '曹', '严', '华', '金', '魏', '陶', '姜', '谢', '邹', '喻', '柏', '窦',
  '欧阳', '司马', '上官',
];
// prettier-ignore
const GIVEN = [
  '建国', '秀英', '志强', '丽娟', '海涛', '春梅', '晓东', '玉兰', '国栋', '桂芳', '宏伟', '雪梅',
  '子涵', '浩然', '思远', '雨桐', '一鸣', '嘉怡', '俊杰', '梦琪', '立新', '红霞', '振华', '凤英',
  '磊', '娜', '鹏', '婷', '斌', '琳', '超', '颖',
];
// prettier-ignore
const MOBILE_PREFIXES = [
  '130', '131', '132', '135', '136', '137', '139', '150', '151', '152', '157', '158', '159', '166',
  '177', '180', '182', '185', '186', '187', '188', '189', '191', '198', '199',
];

/** Cumulative shares, for drawing a segment with one number. */
function segmentPicker(segments: readonly Segment[]): (u: number) => Segment {
  const cumulative: number[] = [];
  let sum = 0;
  for (const s of segments) cumulative.push((sum += s.share));
  return (u) => {
    const x = u * sum;
    const i = cumulative.findIndex((c) => x < c);
    return segments[i < 0 ? segments.length - 1 : i]!;
  };
}

function customer(i: number, seg: Segment, scenario: Scenario, rng: Rng): SimCustomer {
  const products = seg.products ?? Object.fromEntries(scenario.productLines.map((p) => [p, 1]));
  return {
    id: `sim-${String(i + 1).padStart(6, '0')}`,
    segment: seg.id,
    name: pick(rng, SURNAMES) + pick(rng, GIVEN),
    phone: `+86${pick(rng, MOBILE_PREFIXES)}${String(int(rng, 0, 99_999_999)).padStart(8, '0')}`,
    region: weighted(rng, seg.regions),
    industry: seg.industry,
    tier: seg.tier,
    timeZone: seg.timeZone,
    productLine: weighted(rng, products),
    // Budgets are quoted in round thousands.
    budget: Math.max(
      1000,
      Math.round(logUniform(rng, seg.budget.min, seg.budget.max) / 1000) * 1000,
    ),
    patience: int(rng, Math.ceil(seg.patience.min), Math.floor(seg.patience.max)),
    propensity: beta(rng, seg.propensity.mean, seg.propensity.spread),
    // Spoken pitch: a lower or a higher voice, as in any population.
    voiceHz: Math.round(rng() < 0.5 ? 105 + rng() * 50 : 180 + rng() * 70),
  };
}

export function population(scenario: Scenario, seed: number): SimCustomer[] {
  const rng = seeded(seed);
  const segmentOf = segmentPicker(scenario.segments);
  const out: SimCustomer[] = [];
  for (let i = 0; i < scenario.customers; i++)
    out.push(customer(i, segmentOf(rng()), scenario, rng));
  return out;
}
