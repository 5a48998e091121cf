/**
 * A twin scenario (config/scenarios/*.json, described field by field in
 * docs/scenarios.md): the population, its segments' habits, the agents, the
 * costs and the anomalies of one simulated week. Validated with zod; every
 * problem, cross-field ones included, is reported at once with its path.
 */
import { z } from 'zod';
import { parseConfig, readConfigJson } from '../core/config-file.js';
import { formatter } from '../core/zone.js';
import { crossCheck } from './scenario-checks.js';

const probability = z.number().min(0).max(1);
const multiplier = z.number().nonnegative();
/** `node/variant` as the platform's script library names them (config/scripts.json). */
const VARIANT_KEY = /^[a-z][a-z0-9_]*\/[a-z][a-z0-9_]*$/;
// Keys checked here rather than by a key schema, whose error would not say what is wrong.
const variantMultipliers = z
  .record(z.string(), z.number().nonnegative())
  .superRefine((rec, ctx) => {
    for (const key of Object.keys(rec).filter((k) => !VARIANT_KEY.test(k))) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'must be "node/variant", e.g. "opening/warm"',
      });
    }
  });
const weights = z
  .record(z.string().min(1), multiplier)
  .refine((w) => Object.values(w).some((v) => v > 0), 'needs at least one positive weight');
const zone = z.string().refine((tz) => formatter(tz) !== null, 'must be an IANA time zone');
const range = (what: string, bound: z.ZodNumber) =>
  z
    .strictObject({ min: bound, max: bound })
    .refine((r) => r.min <= r.max, { message: `${what}: min must not exceed max`, path: ['max'] });

const segmentSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be a lower-case id'),
  /** Fraction of the population; the segments' shares sum to 1. */
  share: z.number().gt(0).max(1),
  /** As the CRM sends it (制造业, 零售, retail…): the platform normalises it. */
  industry: z.string().min(1),
  tier: z.string().min(1),
  /** Region → weight (need not sum to 1). */
  regions: weights,
  timeZone: zone,
  /** Product line → weight; every product line alike when left out. */
  products: weights.optional(),
  /** Yuan; drawn log-uniformly. */
  budget: range('budget', z.number().positive()),
  /** Customer turns before they lose interest; drawn uniformly, whole turns. */
  patience: range('patience', z.number().int().min(1)),
  /** Latent purchase probability, drawn per customer from a Beta of this mean and standard deviation. */
  propensity: z
    .strictObject({ mean: z.number().gt(0).lt(1), spread: z.number().gt(0) })
    .refine((p) => p.spread ** 2 < p.mean * (1 - p.mean), {
      message: 'spread too wide for a Beta of that mean: needs spread² < mean × (1 − mean)',
      path: ['spread'],
    }),
  answer: z.strictObject({
    /** Probability of answering by local hour 0..23. */
    hours: z.array(probability).length(24, 'needs 24 values, one per local hour 0..23'),
    /** Multipliers by local weekday, Monday first. */
    weekdays: z.array(multiplier).length(7, 'needs 7 values, Monday first'),
  }),
  /** Per answered call: the probability the customer does this at some turn. */
  optOut: probability,
  complaint: probability,
  askHuman: probability,
  callback: probability,
  /** Conversion multipliers by "node/variant"; a line not named counts 1. */
  variants: variantMultipliers.default({}),
  /** Conversion multipliers for the tone of the lines heard. */
  tone: z.strictObject({ concise: multiplier, full: multiplier }).default({ concise: 1, full: 1 }),
});

const agentSchema = z.strictObject({
  /** An id of config/agents.json, so the platform's skill routing names it. */
  id: z.string().min(1),
  /** Conversion multiplier by product line; 1 for a line not named. */
  skills: z.record(z.string(), multiplier).default({}),
  capacity: z.number().int().min(1).default(1),
  /** Seconds to pick up a transfer: a log-normal of this median and 95th percentile. */
  pickup: z
    .strictObject({ medianS: z.number().positive(), p95S: z.number().positive() })
    .refine((p) => p.medianS <= p.p95S, { message: 'p95S must be ≥ medianS', path: ['p95S'] }),
  noPickup: probability,
});

const fromDay = z.number().nonnegative();
const anomalySchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('connect_drop'),
      region: z.string().min(1),
      fromDay,
      factor: multiplier,
    }),
    z.strictObject({
      kind: z.literal('variant_decay'),
      node: z.string().min(1),
      variant: z.string().min(1),
      fromDay,
      factor: multiplier,
    }),
  ],
  { error: 'unknown anomaly kind: use connect_drop or variant_decay' },
);

const scenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().default(''),
    /** The simulated week starts at this instant. */
    start: z.iso.datetime({ offset: true, error: 'must be an ISO datetime with an offset' }),
    days: z.number().int().min(1).max(366).default(7),
    customers: z.number().int().min(1).max(5_000_000),
    productLines: z.array(z.string().min(1)).min(1),
    /** List price per product line (yuan): the pricing step weighs it against the budget. */
    prices: z.record(z.string(), z.number().positive()),
    campaign_id: z.string().min(1),
    segments: z.array(segmentSchema).min(1),
    agents: z.array(agentSchema).default([]),
    costs: z.strictObject({
      /** Yuan per dial attempt, answered or not. */
      dial: z.number().nonnegative(),
      botMinute: z.number().nonnegative(),
      agentMinute: z.number().nonnegative(),
    }),
    anomalies: z.array(anomalySchema).default([]),
  })
  // Cross-field checks run even where a field is already wrong, so a file's
  // every problem shows in one error.
  .superRefine(crossCheck, { when: () => true });

export type Scenario = z.output<typeof scenarioSchema>;
export type Segment = Scenario['segments'][number];
export type ScenarioAgent = Scenario['agents'][number];
export type Anomaly = Scenario['anomalies'][number];
export type Costs = Scenario['costs'];

export function parseScenario(raw: unknown, source: string): Scenario {
  return parseConfig(scenarioSchema, raw, source);
}

export function loadScenario(path: string): Scenario {
  return parseScenario(readConfigJson(path, 'scenario'), path);
}

/** 单次营销成本: what one call cost, from its dials and minutes of bot and agent talk. */
export function contactCost(
  costs: Costs,
  call: { dials: number; botSeconds: number; agentSeconds: number },
): number {
  return (
    call.dials * costs.dial +
    (call.botSeconds / 60) * costs.botMinute +
    (call.agentSeconds / 60) * costs.agentMinute
  );
}
