/**
 * The distribution of decision contexts the decision simulator draws from.
 * It is small and discrete on purpose (9,216 contexts) so the true value of
 * any policy can be computed exactly by enumeration, not estimated.
 */
import type { DecisionContext } from '../../src/training/off-policy/index.js';
import { weighted, type Rng } from '../../src/core/rng.js';

const REGION = { east: 0.3, north: 0.25, south: 0.25, west: 0.2 };
const PRODUCT = { wealth: 0.2, insurance: 0.3, credit_card: 0.3, loan: 0.2 };
const TIER = { A: 0.15, B: 0.35, C: 0.5 };
type Tier = keyof typeof TIER;
const HIGH_INTENT = 0.2;
// Lower tiers object to price more often: the features are not independent,
// which a per-feature reward model would get wrong.
const PRICE_SENSITIVE: Record<Tier, number> = { A: 0.15, B: 0.3, C: 0.5 };
const CONTACTS = { '0': 0.4, '1': 0.3, '2': 0.2, '3': 0.1 };
const HOURS = Array.from({ length: 12 }, (_, i) => 9 + i);

export interface WeightedContext {
  context: DecisionContext;
  p: number;
}

interface Draw {
  region: string;
  product: string;
  tier: Tier;
  highIntent: boolean;
  priceSensitive: boolean;
  contacts: number;
  hour: number;
}

/** Tags as config/tags.json would derive them from the profile. */
function toContext(d: Draw): DecisionContext {
  const tags: string[] = [];
  if (d.highIntent) tags.push('high_intent');
  if (d.priceSensitive) tags.push('price_sensitive');
  if (d.tier === 'A') tags.push('vip');
  if (d.contacts >= 3) tags.push('contact_cap_reached');
  return {
    tags,
    region: d.region,
    product_line: d.product,
    tier: d.tier,
    contacts_7d: d.contacts,
    hour: d.hour,
  };
}

export const hasTag = (context: DecisionContext, tag: string): boolean =>
  context.tags.includes(tag);

export function sampleContext(rng: Rng): DecisionContext {
  const tier = weighted(rng, TIER);
  return toContext({
    region: weighted(rng, REGION),
    product: weighted(rng, PRODUCT),
    tier,
    highIntent: rng() < HIGH_INTENT,
    priceSensitive: rng() < PRICE_SENSITIVE[tier],
    contacts: Number(weighted(rng, CONTACTS)),
    hour: HOURS[Math.floor(rng() * HOURS.length)]!,
  });
}

const bool = (p: number): [boolean, number][] => [
  [true, p],
  [false, 1 - p],
];

let space: WeightedContext[] | undefined;

/** Every context with its probability (they sum to 1); the same law sampleContext draws from. */
export function contextSpace(): readonly WeightedContext[] {
  if (space) return space;
  const out: WeightedContext[] = [];
  for (const [region, pr] of Object.entries(REGION))
    for (const [product, pp] of Object.entries(PRODUCT))
      for (const [tier, pt] of Object.entries(TIER) as [Tier, number][])
        for (const [highIntent, ph] of bool(HIGH_INTENT))
          for (const [priceSensitive, ps] of bool(PRICE_SENSITIVE[tier]))
            for (const [c, pc] of Object.entries(CONTACTS))
              for (const hour of HOURS) {
                const d = { region, product, tier, highIntent, priceSensitive, contacts: +c, hour };
                const p = (pr * pp * pt * ph * ps * pc) / HOURS.length;
                out.push({ context: toContext(d), p });
              }
  space = out;
  return out;
}
