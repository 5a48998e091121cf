/**
 * The customer as the decision layer sees them. decision/ may import core/
 * and models/ only: the customer's profile reaches it as a CustomerView
 * that the composition root builds from the pipeline's live profile.
 */
import type { CustomerHistory } from '../models/propensity-features.js';

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
