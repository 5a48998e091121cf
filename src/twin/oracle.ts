/**
 * The latent truth of a scenario: how much each scripted line moves a
 * segment's customers, with the anomalies in force, and the conversion
 * probability a call's lines give. The conversation draws from it and the
 * oracle policy maximises it, so both see the same numbers.
 */
import { clamp01 } from './draws.js';
import { localTime } from './local-time.js';
import type { Anomaly, Scenario, Segment } from './scenario.js';
import type { HeardLine } from './types.js';

const DAY = 86_400_000;

/** Days since the scenario's start (fractional). */
export const dayOf = (scenario: Scenario, atMs: number): number =>
  (atMs - Date.parse(scenario.start)) / DAY;

export const anomaliesAt = (scenario: Scenario, atMs: number): Anomaly[] => {
  const day = dayOf(scenario, atMs);
  return scenario.anomalies.filter((a) => day >= a.fromDay);
};

/**
 * The chance a customer of the segment, region and zone picks up at atMs,
 * before any callback they asked for: the segment's curves by local hour and
 * weekday, with the connect drops in force. What the world draws answers
 * from and what the oracle plans with.
 */
export function answerChance(
  scenario: Scenario,
  seg: Segment,
  customer: { region: string; timeZone: string },
  atMs: number,
): number {
  const local = localTime(customer.timeZone, atMs);
  let p = seg.answer.hours[local.hour]! * seg.answer.weekdays[local.weekday]!;
  for (const a of anomaliesAt(scenario, atMs)) {
    if (a.kind === 'connect_drop' && a.region === customer.region) p *= a.factor;
  }
  return clamp01(p);
}

/** A line's conversion multiplier for the segment, decayed by any variant_decay in force. */
export function lineMultiplier(
  seg: Segment,
  node: string,
  variant: string,
  anomalies: readonly Anomaly[],
): number {
  let m = seg.variants[`${node}/${variant}`] ?? 1;
  for (const a of anomalies) {
    if (a.kind === 'variant_decay' && a.node === node && a.variant === variant) m *= a.factor;
  }
  return m;
}

/**
 * propensity × the multipliers of the distinct lines heard (a line said
 * twice moves no one twice) × the mean tone multiplier of every line heard.
 */
export function conversionOf(
  propensity: number,
  seg: Segment,
  lines: readonly HeardLine[],
  anomalies: readonly Anomaly[],
): number {
  const seen = new Set<string>();
  let product = 1;
  let tone = 0;
  for (const l of lines) {
    tone += l.concise ? seg.tone.concise : seg.tone.full;
    const key = `${l.script_id}/${l.variant}`;
    if (seen.has(key)) continue;
    seen.add(key);
    product *= lineMultiplier(seg, l.script_id, l.variant, anomalies);
  }
  return clamp01(propensity * product * (lines.length ? tone / lines.length : 1));
}

/**
 * The best variant of a node for the segment: among `allowed` where the
 * driver passes the lines the platform may say to the segment's customers
 * (those the scenario does not name count 1), else among the variants the
 * scenario names. Undefined when there are none.
 */
export function bestOf(
  seg: Segment,
  node: string,
  anomalies: readonly Anomaly[],
  allowed?: readonly string[],
): { variant: string; multiplier: number } | undefined {
  const named = Object.keys(seg.variants)
    .filter((k) => k.startsWith(`${node}/`))
    .map((k) => k.slice(node.length + 1));
  let best: { variant: string; multiplier: number } | undefined;
  for (const variant of new Set(allowed ?? named)) {
    const multiplier = lineMultiplier(seg, node, variant, anomalies);
    if (!best || multiplier > best.multiplier) best = { variant, multiplier };
  }
  return best;
}
