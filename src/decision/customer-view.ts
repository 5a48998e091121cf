/**
 * The customer as the decision layer sees them. decision/ may import core/
 * and models/ only: the customer's profile reaches it as a CustomerView
 * that the composition root builds from the pipeline's live profile.
 */
import type { PendingCallback } from '../core/callback.js';
import type { ConsentLedger, TouchMark } from '../core/contact-record.js';
import type { CustomerHistory } from '../models/propensity-features.js';

/** A do-not-call register's entry for the customer's phone. */
export interface DncEntry {
  source: string;
  /** The date the register lists (YYYY-MM-DD). */
  listed_on: string;
}

/** What the decision layer reads about a customer (built from the live profile). */
export interface CustomerView {
  customerId: string;
  tags: readonly string[];
  /** Purchase propensity 0..1. */
  intentScore: number;
  /** CRM fields, canonical names (industry, company_size, customer_tier, timezone, …). */
  crm: Readonly<Record<string, string | number | boolean | null>>;
  /** The consent ledger per channel and purpose (core/contact-record.ts). */
  consent: Readonly<ConsentLedger>;
  /** Marked do-not-call in the CRM. */
  doNotCall: boolean;
  /** On an imported do-not-call register (by phone), or null. */
  dncListed: DncEntry | null;
  /** Touches of the last 7 days on every channel, calls included, ascending by time. */
  touches: readonly TouchMark[];
  outcomes: Readonly<Record<string, number>>;
  /** Older facts the customer stated (budget, timeline, …), latest value. */
  facts: Readonly<Record<string, string>>;
  /** What the conversion model reads about the customer outside the call. */
  history: CustomerHistory;
  /** The callback the customer waits for; absent or null when none. */
  callback?: PendingCallback | null;
}

/**
 * What a contact check reads (contactCheck, POST /outreach/check): the
 * contact record, the CRM's time zone and industry, the do-not-call marks;
 * no tags, scores or history, which cost time to work out.
 */
export type ContactView = Pick<
  CustomerView,
  'customerId' | 'crm' | 'consent' | 'doNotCall' | 'dncListed' | 'touches'
>;

/**
 * What ranking the dialer's candidates reads (rankNext, the dial log): the
 * contact view, the intent score, the callback and the tags; no history,
 * outcomes or facts, which thousands of candidates a minute would cost to
 * work out for nothing.
 */
export type RankingView = ContactView & Pick<CustomerView, 'intentScore' | 'tags' | 'callback'>;
