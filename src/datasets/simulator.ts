import { randomUUID } from 'node:crypto';
import type { DialwiseEvent, EventOf, Outcome } from '../core/events/index.js';
import { int, pick, seeded, weighted, type Rng } from '../core/rng.js';

const REGIONS = ['east', 'north', 'south', 'west'] as const;
const PRODUCTS = ['wealth', 'insurance', 'credit_card', 'loan'] as const;
const INDUSTRIES = ['manufacturing', 'retail', 'logistics', 'software', 'healthcare'] as const;
const SURNAMES = ['王', '李', '张', '刘', '陈', 'Smith', 'Garcia', 'Chen'] as const;
const GIVEN = ['伟', '芳', '敏', '静', 'Alex', 'Maria', 'Wei', 'Lena'] as const;
const PAGES = ['/pricing', '/products', '/faq', '/contact', '/cases'] as const;

// Regions answer differently and script v2 converts better: analytics and
// experiments have something real to find.
const ANSWER_RATE: Record<(typeof REGIONS)[number], number> = {
  east: 0.7,
  north: 0.55,
  south: 0.65,
  west: 0.45,
};
const CONVERT_RATE: Record<string, number> = { v1: 0.12, v2: 0.2 };
/** Of the calls a human agent should take once picked up. */
const ABANDON_RATE = 0.04;

const BOT_LINES = [
  '您好，我是智能助理，想跟您介绍一下我们的新产品，方便聊两分钟吗？',
  'Hello, this is the Dialwise assistant calling about our new plan. Do you have a minute?',
  '这款产品的年费目前有优惠，您更关注价格还是服务？',
  'Would you like me to send you the brochure by email?',
];
// What compliance review is there to catch: an agent now and then promises returns.
const RISKY_LINES = [
  '这个产品保证收益，年化百分之八，绝对没有风险。',
  'I promise this plan is guaranteed, there is absolutely no risk.',
];
/** Of the lines a human agent speaks. */
const RISKY_RATE = 0.08;
const CUSTOMER_LINES: Record<Outcome, string[]> = {
  converted: ['好的，那就办理吧。', 'Sounds good, sign me up.', '价格可以，我要了。'],
  interested: ['听起来不错，多少钱？', 'That sounds interesting, what does it cost?'],
  callback: ['我现在在开会，晚点再打给我。', 'Can you call me back tomorrow morning?'],
  rejected: ['不需要，谢谢。', "No thanks, I'm not interested."],
  complaint: ['你们怎么又打电话来了，我要投诉！', 'Stop calling me, I will file a complaint.'],
  no_decision: ['我再考虑一下。', "I'll think about it."],
};

export interface Truth {
  calls: number;
  answered: number;
  conversions: number;
}

/** More of what the simulator produced, per region, for the analytics KPIs. */
export interface TruthDetail {
  complaints: number;
  /** Picked up with no agent free: dropped (predictive dialing for human agents). */
  abandoned: number;
  /** Sum of answered calls' durations (s). */
  talkSeconds: number;
  /** Sum of every call's duration (s), by who handled it. */
  botSeconds: number;
  agentSeconds: number;
  customers: Set<string>;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** Voice features of a customer turn; `heat` 0 (calm) to 1 (impatient). */
function voice(rng: Rng, pitch0: number, heat: number): EventOf<'dialog.turn'>['prosody'] {
  const jitter = () => 1 + (rng() - 0.5) * 0.1;
  return {
    pitch_hz: round2(pitch0 * 2 ** ((5 * heat) / 12) * jitter()),
    rate_sps: round2(4.5 * (1 + 0.5 * heat) * jitter()),
    pause_ratio: round2(Math.max(0, 0.25 - 0.15 * heat + (rng() - 0.5) * 0.04)),
    energy_db: round2(-24 + 5 * heat + (rng() - 0.5)),
    speech_s: round2(1.2 + rng() * 2),
  };
}

/** Event time within one simulated call: each event moves it on. */
interface EventClock {
  t: number;
  customerId: string;
  base(
    type: string,
    advanceS?: number,
  ): { event_id: string; schema_version: 1; customer_id: string; ts: string; type: string };
}

function eventClock(customerId: string, t: number): EventClock {
  const c: EventClock = {
    t,
    customerId,
    base: (type, advanceS = 0) => ({
      event_id: randomUUID(),
      schema_version: 1,
      customer_id: customerId,
      ts: new Date((c.t += advanceS * 1000)).toISOString(),
      type,
    }),
  };
  return c;
}

const ended = (
  c: EventClock,
  callId: string,
  advanceS: number,
  duration: number,
  outcome: Outcome,
): DialwiseEvent => ({
  ...c.base('call.ended', advanceS),
  type: 'call.ended',
  call_id: callId,
  duration_s: duration,
  outcome,
});

/** Picked up with no agent free: dropped after a short wait. */
function abandoned(c: EventClock, callId: string, detail: TruthDetail): DialwiseEvent[] {
  detail.abandoned += 1;
  detail.agentSeconds += 10;
  return [
    { ...c.base('call.abandoned', 8), type: 'call.abandoned', call_id: callId, wait_s: 2 },
    ended(c, callId, 2, 10, 'no_decision'),
  ];
}

/**
 * Generates realistic outbound traffic: CRM records, web visits, calls with
 * dialog turns and outcomes. It counts what it produced in `truth`, so tests
 * can check every number downstream against the source.
 */
export class CallSimulator {
  readonly truthByRegion = new Map<string, Truth>();
  readonly detailByRegion = new Map<string, TruthDetail>();
  private readonly rng: Rng;
  /** Their own streams, so abandonment and the lines drawn do not reshuffle every other draw. */
  private readonly abandonRng: Rng;
  private readonly lineRng: Rng;
  private readonly known = new Set<string>();
  private readonly run = randomUUID().slice(0, 8);
  private n = 0;

  /**
   * `utterances`: what customers say before they decide (a corpus of real
   * utterances, say), in place of the few built-in lines.
   */
  constructor(
    seed: number,
    private readonly customers = 500,
    private readonly utterances?: readonly string[],
  ) {
    this.rng = seeded(seed);
    this.abandonRng = seeded(seed + 0x5eed);
    this.lineRng = seeded(seed + 0x715c);
  }

  /** The events of one whole call placed at `at`, in event-time order. */
  nextCall(at: Date): DialwiseEvent[] {
    const rng = this.rng;
    const customerId = `cust-${int(rng, 1, this.customers).toString().padStart(6, '0')}`;
    const region = REGIONS[Number(customerId.slice(-6)) % REGIONS.length]!;
    // CRM and web events precede the call by up to an hour.
    const c = eventClock(customerId, at.getTime() - 3_600_000);
    const events = this.beforeCall(c, customerId, region);
    c.t = at.getTime();
    const started = this.startCall(c, `call-${this.run}-${++this.n}`, region);
    events.push(started);
    const truth = this.truthByRegion.get(region) ?? { calls: 0, answered: 0, conversions: 0 };
    this.truthByRegion.set(region, truth);
    truth.calls += 1;
    const detail = this.detailOf(region);
    detail.customers.add(customerId);
    if (rng() >= ANSWER_RATE[region]) return [...events, ...this.unanswered(c, started, detail)];
    if (started.handled_by === 'human' && this.abandonRng() < ABANDON_RATE)
      return [...events, ...abandoned(c, started.call_id, detail)];
    truth.answered += 1;
    events.push({ ...c.base('call.answered', 8), type: 'call.answered', call_id: started.call_id });
    return [...events, ...this.conversation(c, started, truth, detail)];
  }

  /** A new customer's CRM record, and now and then a web visit. */
  private beforeCall(c: EventClock, customerId: string, region: string): DialwiseEvent[] {
    const rng = this.rng;
    const events: DialwiseEvent[] = [];
    if (!this.known.has(customerId)) {
      this.known.add(customerId);
      events.push({
        ...c.base('customer.updated'),
        type: 'customer.updated',
        fields: {
          name: pick(rng, SURNAMES) + pick(rng, GIVEN),
          phone: `+86 138${int(rng, 10_000_000, 99_999_999)}`,
          region,
          industry: pick(rng, INDUSTRIES),
          company_size: pick(rng, ['1-50', '51-500', '500+']),
          customer_tier: pick(rng, ['A', 'B', 'C']),
          timezone: 'Asia/Shanghai',
        },
      });
    }
    if (rng() < 0.3) {
      events.push({
        ...c.base('web.visit', 60),
        type: 'web.visit',
        page: pick(rng, PAGES),
        product: pick(rng, PRODUCTS),
      });
    }
    return events;
  }

  private startCall(c: EventClock, callId: string, region: string): EventOf<'call.started'> {
    const rng = this.rng;
    const scriptVersion = rng() < 0.5 ? 'v1' : 'v2';
    return {
      ...c.base('call.started'),
      type: 'call.started',
      call_id: callId,
      campaign_id: pick(rng, ['spring-promo', 'renewal']),
      script_id: 'intro',
      script_version: scriptVersion,
      handled_by: rng() < 0.8 ? 'bot' : 'human',
      region,
      product_line: pick(rng, PRODUCTS),
    };
  }

  private detailOf(region: string): TruthDetail {
    let detail = this.detailByRegion.get(region);
    if (!detail) {
      detail = {
        complaints: 0,
        abandoned: 0,
        talkSeconds: 0,
        botSeconds: 0,
        agentSeconds: 0,
        customers: new Set(),
      };
      this.detailByRegion.set(region, detail);
    }
    return detail;
  }

  private unanswered(
    c: EventClock,
    started: EventOf<'call.started'>,
    detail: TruthDetail,
  ): DialwiseEvent[] {
    const reason = pick(this.rng, ['no_answer', 'busy', 'voicemail', 'invalid_number'] as const);
    if (started.handled_by === 'bot') detail.botSeconds += 25;
    else detail.agentSeconds += 25;
    const callId = started.call_id;
    return [
      { ...c.base('call.unanswered', 25), type: 'call.unanswered', call_id: callId, reason },
      ended(c, callId, 0, 25, 'no_decision'),
    ];
  }

  /** The answered call: turns by both sides, then its outcome. */
  private conversation(
    c: EventClock,
    started: EventOf<'call.started'>,
    truth: Truth,
    detail: TruthDetail,
  ): DialwiseEvent[] {
    const rng = this.rng;
    const convert = CONVERT_RATE[started.script_version]!;
    const outcome: Outcome = weighted(rng, {
      converted: convert,
      interested: 0.2,
      callback: 0.15,
      rejected: 0.35 - convert / 2,
      complaint: 0.03,
      no_decision: 0.15,
    });
    if (outcome === 'converted') truth.conversions += 1;
    const turns = int(rng, 2, 5) * 2;
    const startMs = c.t;
    const events: DialwiseEvent[] = [];
    for (let turn = 0; turn < turns; turn++)
      events.push(this.turn(c, started, turn, turn >= turns - 2, outcome));
    const duration = Math.round((c.t - startMs) / 1000) + int(rng, 5, 30);
    detail.talkSeconds += duration;
    if (started.handled_by === 'bot') detail.botSeconds += duration;
    else detail.agentSeconds += duration;
    if (outcome === 'complaint') detail.complaints += 1;
    events.push(ended(c, started.call_id, duration, duration, outcome));
    return events;
  }

  /**
   * One line of the call. A caller has their own voice; one who ends up
   * rejecting or complaining speeds up and rises in pitch by the last turns.
   */
  private turn(
    c: EventClock,
    started: EventOf<'call.started'>,
    turn: number,
    last: boolean,
    outcome: Outcome,
  ): DialwiseEvent {
    const rng = this.rng;
    const isBot = turn % 2 === 0;
    const at = c.base('dialog.turn', int(rng, 3, 12));
    const line = isBot
      ? pick(rng, BOT_LINES)
      : pick(rng, CUSTOMER_LINES[last ? outcome : 'no_decision']);
    const risky = isBot && started.handled_by === 'human' && this.lineRng() < RISKY_RATE;
    const said =
      !isBot && !last && this.utterances?.length ? pick(this.lineRng, this.utterances) : line;
    const pitch0 = 110 + (Number(c.customerId.slice(-6)) % 120);
    const heated = outcome === 'complaint' || outcome === 'rejected';
    return {
      ...at,
      type: 'dialog.turn',
      call_id: started.call_id,
      turn,
      speaker: isBot ? (started.handled_by === 'bot' ? 'bot' : 'agent') : 'customer',
      text: risky ? pick(this.lineRng, RISKY_LINES) : said,
      asr_confidence: Math.round((0.75 + rng() * 0.25) * 100) / 100,
      ...(isBot ? {} : { prosody: voice(rng, pitch0, heated && last ? 1 : 0) }),
    };
  }

  /** Totals over all regions. */
  truth(): Truth {
    const all = { calls: 0, answered: 0, conversions: 0 };
    for (const t of this.truthByRegion.values()) {
      all.calls += t.calls;
      all.answered += t.answered;
      all.conversions += t.conversions;
    }
    return all;
  }
}
