/**
 * Consent changes and touches the API has accepted but the pipeline may not
 * have applied yet (on Kafka it runs behind), folded over the live profile's
 * contact record so that the very next check sees them. Folding is
 * idempotent (core/contact-record.ts), so a change the profile already
 * holds changes nothing; a customer's entry is dropped once the profile
 * holds all of it (checks then cost no folding), or once older than the
 * cap's longest window.
 */
import {
  foldConsent,
  ledgerKey,
  type ConsentLedger,
  type ConsentChange,
  type TouchMark,
} from '../../core/contact-record.js';
import type { DialwiseEvent } from '../../core/events/index.js';
import type { ContactView } from '../customer-view.js';

const KEEP_MS = 7 * 86_400_000;
/** Sweep at most this often. */
const SWEEP_EVERY = 1_000;

interface Pending {
  changes: ConsentChange[];
  touches: TouchMark[];
  at: number;
}

export class PendingContacts {
  private readonly byCustomer = new Map<string, Pending>();
  private notes = 0;

  /** Takes what binds the next check from accepted events (consent changes, touches, calls started). */
  note(events: readonly DialwiseEvent[], nowMs: number): void {
    for (const e of events) {
      if (e.type === 'consent.changed') this.entry(e.customer_id, nowMs).changes.push(e);
      else if (e.type === 'touch.sent')
        this.touch(e.customer_id, nowMs, {
          id: e.touch_id,
          at: e.ts,
          channel: e.channel,
          campaign: e.campaign_id ?? null,
          purpose: e.purpose ?? 'marketing',
        });
      else if (e.type === 'call.started')
        this.touch(e.customer_id, nowMs, {
          id: e.call_id,
          at: e.ts,
          channel: 'call',
          campaign: e.campaign_id,
          purpose: 'marketing',
        });
    }
    if (++this.notes % SWEEP_EVERY === 0) this.sweep(nowMs);
  }

  /**
   * A do-not-call decision binds at once: the engine's own consent change
   * among the turn's events, or the one the pipeline will record from the
   * customer's turn (the same id, so the two fold as one).
   */
  noteOptOut(customerId: string, events: readonly DialwiseEvent[], nowMs: number): void {
    const own = events.filter((e) => e.type === 'consent.changed');
    if (own.length) return this.note(own, nowMs);
    const turn = events[0]!;
    const change: ConsentChange = {
      scope: 'call',
      granted: false,
      ts: turn.ts,
      event_id: `${turn.event_id}:opt-out`,
    };
    this.entry(customerId, nowMs).changes.push(change);
  }

  /** An erased customer: nothing of theirs is kept. */
  forget(customerId: string): void {
    this.byCustomer.delete(customerId);
  }

  /** The customer with what is pending folded in. */
  apply<C extends ContactView>(c: C): C {
    const p = this.byCustomer.get(c.customerId);
    if (!p) return c;
    const consent = p.changes.reduce(foldConsent, c.consent);
    const extra = p.touches.filter(
      (t) => !c.touches.some((x) => x.id === t.id && x.channel === t.channel),
    );
    if (extra.length === 0 && holdsAll(c.consent, consent, p.changes)) {
      // The profile has caught up: nothing left to fold, now or later.
      this.byCustomer.delete(c.customerId);
      return c;
    }
    const touches = extra.length
      ? [...c.touches, ...extra].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
      : c.touches;
    return { ...c, consent, touches };
  }

  /** A touch once per id and channel, as the profile keeps them. */
  private touch(customerId: string, nowMs: number, t: TouchMark): void {
    const { touches } = this.entry(customerId, nowMs);
    if (!touches.some((x) => x.id === t.id && x.channel === t.channel)) touches.push(t);
  }

  private entry(customerId: string, nowMs: number): Pending {
    let p = this.byCustomer.get(customerId);
    if (!p) this.byCustomer.set(customerId, (p = { changes: [], touches: [], at: nowMs }));
    p.at = nowMs;
    return p;
  }

  private sweep(nowMs: number): void {
    for (const [id, p] of this.byCustomer) if (nowMs - p.at > KEEP_MS) this.byCustomer.delete(id);
  }
}

/** Whether folding `changes` into `before` gave `after` no mark that `before` lacked. */
function holdsAll(
  before: Readonly<ConsentLedger>,
  after: Readonly<ConsentLedger>,
  changes: readonly ConsentChange[],
): boolean {
  return changes.every((ch) => {
    const key = ledgerKey(ch.scope, ch.purpose);
    const [a, b] = [after[key], before[key]];
    return (
      a !== undefined &&
      b !== undefined &&
      a.granted === b.granted &&
      a.ts === b.ts &&
      a.id === b.id &&
      a.first_grant === b.first_grant
    );
  });
}
