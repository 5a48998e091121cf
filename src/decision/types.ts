/**
 * The shared vocabulary of the decision layer. decision/ may import core/
 * and models/ only: the customer's profile reaches it as a CustomerView
 * that the composition root builds from the pipeline's live profile.
 */
import type { CustomerHistory } from '../models/propensity-features.js';
import type { EmotionLabel, SlotFacts } from '../models/types.js';

/** The standard states every flow has; a campaign's flow may add its own. */
export const STANDARD_STATES = [
  'opening',
  'identity_check',
  'needs_discovery',
  'product_pitch',
  'objection_handling',
  'pricing',
  'closing',
  'callback_scheduling',
  'send_materials',
  'transfer_to_human',
  'do_not_call',
  'end',
] as const;
export type StateName = string;

/** What the models made of the customer's latest utterance. */
export interface TurnSignals {
  text: string;
  intent: string;
  intentConfidence: number;
  outOfScope: boolean;
  emotion: EmotionLabel;
  /** -1..1 */
  valence: number;
  /** 0..1, fused from text and voice. */
  impatience: number;
  asrConfidence: number;
  /** Facts stated in this utterance. */
  slots: SlotFacts;
}

/** What the decision layer reads about a customer (built from the live profile). */
export interface CustomerView {
  customerId: string;
  tags: readonly string[];
  /** Purchase propensity 0..1. */
  intentScore: number;
  /** CRM fields, canonical names (industry, company_size, customer_tier, timezone, …). */
  crm: Readonly<Record<string, string | number | boolean | null>>;
  /** Consent per channel/purpose (e.g. marketing_calls); false = revoked. */
  consent: Readonly<Record<string, boolean>>;
  doNotCall: boolean;
  /** Call start times (ISO) of the last 7 days, ascending. */
  contactAttempts: readonly string[];
  outcomes: Readonly<Record<string, number>>;
  /** Older facts the customer stated (budget, timeline, …), latest value. */
  facts: Readonly<Record<string, string>>;
  /** What the conversion model reads about the customer outside the call. */
  history: CustomerHistory;
}

export type ActionKind = 'say' | 'transfer' | 'end';
