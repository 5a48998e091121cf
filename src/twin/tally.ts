import type { Outcome } from '../core/events/index.js';
import type { BotLine, SimCustomer, World } from './world.js';

export type SpokenLine = Pick<BotLine, 'script_id' | 'variant' | 'concise'>;

/** One dial as the twin saw it end. */
export interface CallRecord {
  customer: SimCustomer;
  atMs: number;
  answered: boolean;
  /** Seconds the bot (or, for the naive centre, an agent reading the script) talked. */
  scriptSeconds: number;
  agentSeconds: number;
  outcome: Outcome;
  lines: SpokenLine[];
  /** A transfer: seconds from the trigger to the agent's pickup, null when it reached the fallback. */
  handoff?: number | null;
  optOut: boolean;
  complaint: boolean;
  /** The rule the platform refused the call for (`/dialog/turn` answered end with a rule). */
  refused?: string;
}

export interface Costs {
  /** Per dial attempt. */
  dial: number;
  botMinute: number;
  agentMinute: number;
}

const DAY_MS = 86_400_000;

const quantile = (xs: number[], q: number): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The running sums of a policy's week: reach, conversions, minutes, regret
 * against the scenario's best lines, handoffs, and per segment and script
 * node the day the best variant became the one most spoken.
 */
export class Tally {
  dials = 0;
  answered = 0;
  conversions = 0;
  scriptSeconds = 0;
  agentSeconds = 0;
  regret = 0;
  optOuts = 0;
  complaints = 0;
  refused = 0;
  private readonly handoffs: number[] = [];
  private fallbacks = 0;
  private readonly daily = new Map<
    number,
    { dials: number; answered: number; conversions: number }
  >();
  /** segment/node → day → [best spoken, all spoken]. */
  private readonly variants = new Map<string, Map<number, [number, number]>>();
  callbacks = { stated: 0, kept: 0, missed: 0 };

  constructor(
    private readonly world: World,
    private readonly startMs: number,
  ) {}

  add(r: CallRecord): void {
    const day = Math.floor((r.atMs - this.startMs) / DAY_MS);
    const d = this.daily.get(day) ?? { dials: 0, answered: 0, conversions: 0 };
    this.daily.set(day, d);
    this.dials += 1;
    d.dials += 1;
    this.scriptSeconds += r.scriptSeconds;
    this.agentSeconds += r.agentSeconds;
    if (r.refused) this.refused += 1;
    if (!r.answered) return;
    this.answered += 1;
    d.answered += 1;
    if (r.outcome === 'converted') {
      this.conversions += 1;
      d.conversions += 1;
    }
    if (r.optOut) this.optOuts += 1;
    if (r.complaint) this.complaints += 1;
    if (r.handoff === null) this.fallbacks += 1;
    else if (r.handoff !== undefined) this.handoffs.push(r.handoff);
    this.score(r, day);
  }

  /** Regret: what the best variants would have converted, less what the spoken ones did. */
  private score(r: CallRecord, day: number): void {
    if (r.lines.length === 0) return;
    const seg = r.customer.segment;
    const best = r.lines.map((l) => {
      const b = this.world.bestVariant(seg, l.script_id, r.atMs);
      const key = `${seg}/${l.script_id}`;
      const days = this.variants.get(key) ?? new Map<number, [number, number]>();
      this.variants.set(key, days);
      const c = days.get(day) ?? [0, 0];
      days.set(day, c);
      if (b) c[0] += b.variant === l.variant ? 1 : 0;
      if (b) c[1] += 1;
      return b ? { ...l, variant: b.variant } : l;
    });
    const p = (lines: SpokenLine[]) => this.world.conversionProbability(r.customer, lines, r.atMs);
    this.regret += Math.max(0, p(best) - p(r.lines));
  }

  /** Per segment/node with a best variant: the first day from which it was spoken most (over half). */
  private foundDays(): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const [key, days] of this.variants) {
      const sorted = [...days.entries()].filter(([, c]) => c[1] > 0).sort((a, b) => a[0] - b[0]);
      let found: number | null = null;
      for (const [day, [best, all]] of sorted) {
        if (best / all > 0.5) found ??= day;
        else found = null;
      }
      out[key] = found;
    }
    return out;
  }

  report(costs: Costs) {
    const cost =
      this.dials * costs.dial +
      (this.scriptSeconds / 60) * costs.botMinute +
      (this.agentSeconds / 60) * costs.agentMinute;
    const transfers = this.handoffs.length + this.fallbacks;
    return {
      dials: this.dials,
      answered: this.answered,
      conversions: this.conversions,
      reachRate: round(this.answered / Math.max(1, this.dials)),
      conversionRate: round(this.conversions / Math.max(1, this.answered)),
      cost: round(cost, 2),
      costPerContact: round(cost / Math.max(1, this.answered)),
      costPerConversion: this.conversions ? round(cost / this.conversions) : null,
      scriptMinutes: round(this.scriptSeconds / 60, 1),
      agentMinutes: round(this.agentSeconds / 60, 1),
      regret: round(this.regret, 2),
      refusedByPlatform: this.refused,
      transfers,
      handoffP99Seconds: quantile(this.handoffs, 0.99),
      handoffFallbackShare: transfers ? round(this.fallbacks / transfers) : 0,
      optOuts: this.optOuts,
      complaints: this.complaints,
      callbacks: { ...this.callbacks },
      bestVariantDay: this.foundDays(),
      daily: [...this.daily.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([day, d]) => ({ day, ...d, reachRate: round(d.answered / Math.max(1, d.dials)) })),
    };
  }
}

export type PolicyFigures = ReturnType<Tally['report']>;
