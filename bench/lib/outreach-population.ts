/**
 * A population for bench/outreach.ts, the same for a seed: customers with
 * CRM fields (phone, industry, tier, time zone; a few marked do-not-call),
 * a few touches each in the last 6.5 days (SMS, WeChat and email sent,
 * calls started and ended), consent changes with their proof (grants and
 * refusals, per channel or all, some per purpose), a do-not-call register
 * of which a share are the customers' own phones, and the checks to ask.
 */
import { randomUUID } from 'node:crypto';
import { seeded } from '../../src/core/rng.js';

const DAY = 86_400_000;
const CHANNELS = ['call', 'sms', 'wechat', 'email'] as const;
const MESSAGE_CHANNELS = ['sms', 'wechat', 'email'] as const;
/** Mostly mainland China; some abroad, whose hours differ; some with none (the default zone). */
const ZONES: [string | null, number][] = [
  ['Asia/Shanghai', 0.7],
  ['Asia/Urumqi', 0.05],
  ['Asia/Hong_Kong', 0.05],
  ['Europe/London', 0.05],
  ['America/Los_Angeles', 0.05],
  ['Asia/Tokyo', 0.05],
  [null, 0.05],
];
const INDUSTRIES = ['manufacturing', 'logistics', 'software', 'finance', 'retail', 'consumer'];
const SOURCES = ['call_turn', 'agent', 'web_form', 'sms_reply', 'crm_import', 'customer_page'];

export const customerId = (i: number): string => `bench-cust-${String(i).padStart(6, '0')}`;
const phoneOf = (i: number): string => `+86 139 ${String(10_000_000 + i * 37).slice(0, 8)}`;

export function population(opts: { customers: number; seed: number; nowMs: number }) {
  const rnd = seeded(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const weighted = <T>(xs: [T, number][]): T => {
    let r = rnd();
    for (const [x, w] of xs) if ((r -= w) < 0) return x;
    return xs[xs.length - 1]![0];
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const envelope = (type: string, i: number, ms: number) => ({
    event_id: randomUUID(),
    type,
    ts: iso(ms),
    schema_version: 1,
    customer_id: customerId(i),
  });
  const events: unknown[] = [];
  for (let i = 0; i < opts.customers; i++) {
    const zone = weighted(ZONES);
    events.push({
      ...envelope('customer.updated', i, opts.nowMs - 30 * DAY),
      fields: {
        phone: phoneOf(i),
        industry: pick(INDUSTRIES),
        customer_tier: pick(['A', 'B', 'C']),
        region: pick(['east', 'north', 'south', 'west']),
        ...(zone && { timezone: zone }),
        ...(rnd() < 0.01 && { do_not_call: true }),
      },
    });
    const touches = weighted([
      [0, 0.2],
      [1, 0.25],
      [2, 0.25],
      [3, 0.15],
      [4, 0.15],
    ]);
    for (let t = 0; t < touches; t++) {
      const at = opts.nowMs - rnd() * 6.5 * DAY;
      const campaign = weighted<string | undefined>([
        [undefined, 0.4],
        ['default', 0.3],
        ['sms-optin', 0.3],
      ]);
      if (rnd() < 0.4) {
        const call = { call_id: `bench-call-${i}-${t}` };
        events.push({
          ...envelope('call.started', i, at),
          ...call,
          campaign_id: campaign ?? 'default',
          script_id: 'intro',
          script_version: 'v1',
          handled_by: 'bot',
          region: 'east',
          product_line: 'wealth',
        });
        events.push({
          ...envelope('call.ended', i, at + 60_000),
          ...call,
          duration_s: 60,
          outcome: pick(['rejected', 'callback', 'interested', 'no_decision']),
        });
      } else {
        events.push({
          ...envelope('touch.sent', i, at),
          touch_id: `bench-touch-${i}-${t}`,
          channel: pick(MESSAGE_CHANNELS),
          ...(campaign && { campaign_id: campaign }),
          ...(rnd() < 0.1 && { purpose: 'service' }),
        });
      }
    }
    const changes = weighted([
      [0, 0.3],
      [1, 0.35],
      [2, 0.25],
      [3, 0.1],
    ]);
    for (let c = 0; c < changes; c++) {
      const source = pick(SOURCES);
      events.push({
        ...envelope('consent.changed', i, opts.nowMs - rnd() * 60 * DAY),
        scope: rnd() < 0.15 ? 'all' : pick(CHANNELS),
        ...(rnd() < 0.3 && { purpose: pick(['marketing', 'service']) }),
        granted: rnd() < 0.6,
        evidence: {
          source,
          ...(source !== 'crm_import' && { text: rnd() < 0.6 ? '可以，发给我吧' : '不需要，退订' }),
        },
      });
    }
  }
  return events;
}

/**
 * A do-not-call register of `size` phones: `matchShare` of the customers'
 * own phones (so the check finds some), the rest numbers no customer has.
 */
export function dncPhones(opts: {
  size: number;
  customers: number;
  matchShare: number;
  seed: number;
}): string[] {
  const rnd = seeded(opts.seed + 1);
  const phones: string[] = [];
  for (let i = 0; i < opts.customers; i++) if (rnd() < opts.matchShare) phones.push(phoneOf(i));
  for (let k = 0; phones.length < opts.size; k++)
    phones.push(`+86 137 ${String(10_000_000 + k * 13 + Math.floor(rnd() * 13)).slice(0, 8)}`);
  return phones;
}

/**
 * `n` check bodies: random customers (2% unknown to the platform), every
 * channel, the campaign's purpose or a stated one, no campaign, `default`
 * or `sms-optin`.
 */
export function checks(opts: { n: number; customers: number; seed: number }): unknown[] {
  const rnd = seeded(opts.seed + 2);
  const out: unknown[] = [];
  for (let k = 0; k < opts.n; k++) {
    const r = rnd();
    const campaign = r < 0.4 ? undefined : r < 0.7 ? 'default' : 'sms-optin';
    const p = rnd();
    out.push({
      customer_id:
        rnd() < 0.02 ? `bench-unknown-${k}` : customerId(Math.floor(rnd() * opts.customers)),
      channel: CHANNELS[Math.floor(rnd() * CHANNELS.length)],
      ...(p < 0.1 ? { purpose: 'service' } : p < 0.2 ? { purpose: 'marketing' } : {}),
      ...(campaign && { campaign_id: campaign }),
    });
  }
  return out;
}
