/** The twin's world as its driver sees it: customers, agents, and what is said on a call. */
import type { Outcome } from '../core/events/index.js';

export interface SimCustomer {
  /** 'sim-000123' */
  id: string;
  segment: string;
  /** Chinese name; +86 mobile number (E.164). */
  name: string;
  phone: string;
  region: string;
  industry: string;
  tier: string;
  timeZone: string;
  productLine: string;
  /** Yuan. */
  budget: number;
  /** Customer turns before they lose interest. */
  patience: number;
  /** Latent purchase probability on a good call. */
  propensity: number;
  /** The customer's speaking pitch (Hz) when calm: the same voice on every call. */
  voiceHz: number;
}

export interface SimAgent {
  id: string;
  skills: Record<string, number>;
  capacity: number;
  pickup: { medianS: number; p95S: number };
  noPickup: number;
}

export type CustomerAct =
  | 'greet'
  | 'ask_who'
  | 'interested'
  | 'ask_price'
  | 'objection_price'
  | 'objection_competitor'
  | 'busy'
  | 'callback'
  | 'ask_human'
  | 'opt_out'
  | 'complaint'
  | 'agree'
  | 'reject'
  | 'neutral';

export interface Prosody {
  pitch_hz: number;
  rate_sps: number;
  pause_ratio: number;
  energy_db: number;
  speech_s: number;
}

export interface CustomerTurn {
  /** Chinese as an ASR would render it (noisy). */
  text: string;
  /** 0..1 */
  asr_confidence: number;
  prosody: Prosody;
  /** Ground truth, for the twin's bookkeeping (never sent to the platform). */
  act: CustomerAct;
  /** Ms epoch, when act is 'callback': the time the words name. */
  callbackAt?: number;
}

export interface BotLine {
  text: string;
  state: string;
  script_id: string;
  variant: string;
  concise: boolean;
  action: 'say' | 'transfer' | 'end';
}

export type HeardLine = Pick<BotLine, 'script_id' | 'variant' | 'concise'>;

export interface Conversation {
  /** The customer's first words on picking up ("喂，哪位？"). */
  opening(): CustomerTurn;
  /** The customer's answer to the bot's line; undefined when they hang up (or the bot ended or transferred). */
  reply(line: BotLine): CustomerTurn | undefined;
  /** Whether the customer has agreed to buy so far (after a closing line they accepted). */
  converted(): boolean;
  /** The call's outcome if it ended now. */
  outcome(): Outcome;
  /** A human agent took over: the outcome of the agent's part (conversion by the agent's skill for the product line). */
  withAgent(agent: SimAgent): { outcome: Outcome; seconds: number };
  /** Seconds of talk so far (each turn's speech plus the bot's lines at ~4 characters per second). */
  seconds(): number;
}
