/**
 * One answered call from the customer's side. What the customer will do on
 * their own (complain, opt out, ask for a person, ask to be called back) is
 * planned when they pick up, from their segment's per-call propensities; the
 * rest is their reaction to each bot line (reactions.ts). Past their patience
 * they grow heated (faster, higher, louder) and may hang up.
 */
import type { Outcome } from '../core/events/index.js';
import type { Rng } from '../core/rng.js';
import { int, pick } from '../core/rng.js';
import { recognise, type Spoken } from './asr-noise.js';
import { callbackTime } from './callback-time.js';
import { clamp01, logNormal } from './draws.js';
import { conversionOf } from './oracle.js';
import { phrase, yuanSaid, type PhraseKey } from './phrases.js';
import { react, type Reaction } from './reactions.js';
import type { Anomaly, Scenario, Segment } from './scenario.js';
import { prosodyOf } from './speech.js';
import type {
  BotLine,
  Conversation,
  CustomerAct,
  CustomerTurn,
  HeardLine,
  SimAgent,
  SimCustomer,
} from './types.js';

/** The bot speaks about four characters a second. */
const BOT_CHARS_PER_S = 4;
/** Per turn past their patience, the chance the customer hangs up grows by this much. */
const HANG_UP_PER_TURN_OVER = 0.2;
/** Of the customers who do not buy at the close, the share who put it off rather than refuse. */
const DITHERERS = 0.4;
const CALLBACK_OPENERS = ['', '这样吧，', '我现在不方便，', '在忙呢，', '要不'];
const CALLBACK_CLOSERS = ['再打吧', '再打过来', '给我打', '再联系', '打给我吧'];

type Planned = 'complaint' | 'opt_out' | 'ask_human' | 'callback';

export interface CallContext {
  scenario: Scenario;
  customer: SimCustomer;
  segment: Segment;
  anomalies: readonly Anomaly[];
  atMs: number;
  rng: Rng;
  /** Told the instant a callback is asked for (the world keeps the promise). */
  onCallback(at: number): void;
}

/** The planned act and the turn it comes at; callbacks come early, the rest any time. */
function plan(
  seg: Segment,
  patience: number,
  rng: Rng,
): { act: Planned; turn: number } | undefined {
  const options: [Planned, number][] = [
    ['complaint', seg.complaint],
    ['opt_out', seg.optOut],
    ['ask_human', seg.askHuman],
    ['callback', seg.callback],
  ];
  for (const [act, p] of options) {
    if (rng() < p)
      return { act, turn: act === 'callback' ? int(rng, 1, 2) : int(rng, 1, patience) };
  }
  return undefined;
}

export class SimConversation implements Conversation {
  private readonly rng: Rng;
  private readonly planned: { act: Planned; turn: number } | undefined;
  /** How noisy the line is, 0..1: most are clean, a few bad. */
  private readonly noise: number;
  private readonly threshold: number;
  private readonly ditherer: boolean;
  private readonly affordable: boolean;
  private readonly heard: HeardLine[] = [];
  private turns = 0;
  private heat = 0;
  private talk = 0;
  private ended = false;
  private agreed = false;
  private final: Outcome | undefined;
  private interested = false;
  private rejected = false;
  private callbackAt: number | undefined;

  constructor(private readonly ctx: CallContext) {
    const { rng, customer, segment, scenario } = ctx;
    this.rng = rng;
    this.noise = rng() ** 2 * 0.9;
    this.threshold = rng();
    this.ditherer = rng() < DITHERERS;
    this.affordable = customer.budget >= (scenario.prices[customer.productLine] ?? 0);
    this.planned = plan(segment, customer.patience, rng);
  }

  opening(): CustomerTurn {
    return this.say(this.rng() < 0.35 ? 'ask_who' : 'greet');
  }

  reply(line: BotLine): CustomerTurn | undefined {
    if (this.ended) return undefined;
    this.talk += line.text.length / BOT_CHARS_PER_S;
    if (line.action !== 'say') {
      this.ended = true;
      return undefined;
    }
    this.heard.push({ script_id: line.script_id, variant: line.variant, concise: line.concise });
    this.turns++;
    const over = Math.max(0, this.turns - this.ctx.customer.patience);
    if (over > 0) {
      this.heat = Math.min(1, this.heat + 0.25);
      if (this.rng() < HANG_UP_PER_TURN_OVER * over) {
        this.ended = true;
        return undefined;
      }
    }
    if (this.planned?.turn === this.turns) return this.say(this.planned.act);
    const mood = {
      appeal: this.appeal(),
      over,
      affordable: this.affordable,
      threshold: this.threshold,
      ditherer: this.ditherer,
    };
    return this.say(react(line.script_id, mood, this.rng));
  }

  converted(): boolean {
    return this.agreed;
  }

  outcome(): Outcome {
    if (this.final) return this.final;
    if (this.agreed) return 'converted';
    if (this.callbackAt !== undefined) return 'callback';
    if (this.rejected) return 'rejected';
    return this.interested ? 'interested' : 'no_decision';
  }

  withAgent(agent: SimAgent): { outcome: Outcome; seconds: number } {
    const { customer } = this.ctx;
    this.ended = true;
    if (this.agreed) return { outcome: 'converted', seconds: this.agentTalk(60) };
    if (this.final === 'complaint') return { outcome: 'complaint', seconds: this.agentTalk(90) };
    // The agent talks in their own words: their skill, not the bot's lines, moves the customer.
    const p = clamp01(this.propensity() * (agent.skills[customer.productLine] ?? 1));
    if (this.threshold < p) {
      this.agreed = true;
      return { outcome: 'converted', seconds: this.agentTalk(240) };
    }
    const outcome: Outcome =
      this.rng() < 0.5 ? 'interested' : this.rng() < 0.5 ? 'no_decision' : 'rejected';
    this.final = outcome;
    return { outcome, seconds: this.agentTalk(150) };
  }

  seconds(): number {
    return this.talk;
  }

  /** Latent propensity, scaled down in proportion where the budget falls short of the list price. */
  private propensity(): number {
    const { customer, scenario } = this.ctx;
    return customer.propensity * affordability(customer, scenario);
  }

  private appeal(): number {
    return conversionOf(this.propensity(), this.ctx.segment, this.heard, this.ctx.anomalies);
  }

  private agentTalk(medianS: number): number {
    return Math.round(logNormal(this.rng, medianS, medianS * 3));
  }

  private say(reaction: Reaction | Planned): CustomerTurn {
    const act = this.record(reaction);
    const parts = this.words(reaction);
    const said = parts.map((p) => p.text).join('');
    const heard = recognise(parts, this.noise, this.rng);
    const prosody = prosodyOf(said, this.ctx.customer.voiceHz, this.heat, this.rng);
    this.talk += prosody.speech_s;
    return {
      text: heard.text,
      asr_confidence: Math.round(heard.confidence * 100) / 100,
      prosody,
      act,
      ...(act === 'callback' && { callbackAt: this.callbackAt! }),
    };
  }

  /** What the reaction says about the call, and its act. */
  private record(reaction: Reaction | Planned): CustomerAct {
    switch (reaction) {
      case 'complaint':
        this.heat = 1;
        this.final = 'complaint';
        this.ended = true;
        return reaction;
      case 'opt_out':
        this.heat = Math.max(this.heat, 0.6);
        this.rejected = this.ended = true;
        return reaction;
      case 'ask_human':
        this.heat = Math.min(1, this.heat + 0.3);
        return reaction;
      case 'busy':
        // Busy and no wish to be called back: they hang up after saying so.
        this.ended = true;
        return reaction;
      case 'agree':
        this.agreed = true;
        return reaction;
      // The customer's last stance counts: interest after a refusal, or a refusal after interest.
      case 'reject':
        this.rejected = true;
        this.interested = false;
        return reaction;
      case 'interested':
      case 'ask_price':
        this.interested = true;
        this.rejected = false;
        return reaction;
      case 'objection_price':
      case 'objection_competitor':
        this.heat = Math.min(1, this.heat + 0.15);
        return reaction;
      case 'confirm':
      case 'budget':
      case 'hesitate':
        return 'neutral';
      default:
        return reaction;
    }
  }

  private words(reaction: Reaction | Planned): Spoken[] {
    const rng = this.rng;
    if (reaction === 'callback') {
      const { said, at } = callbackTime(
        this.ctx.segment,
        this.ctx.customer.timeZone,
        this.ctx.atMs,
        rng,
      );
      this.callbackAt = at;
      this.ctx.onCallback(at);
      // Having named a time they are done with this call.
      this.ended = true;
      return [
        { text: pick(rng, CALLBACK_OPENERS) },
        { text: said, keep: true },
        { text: pick(rng, CALLBACK_CLOSERS) },
      ];
    }
    const key: PhraseKey = reaction;
    return [{ text: phrase(rng, key, { amount: yuanSaid(this.ctx.customer.budget) }) }];
  }
}

/** How far the budget reaches the list price: 1 when it does, less in proportion when not. */
export function affordability(c: SimCustomer, scenario: Scenario): number {
  const price = scenario.prices[c.productLine] ?? 0;
  return price <= 0 || c.budget >= price ? 1 : c.budget / price;
}
