import type { SimCustomer } from './world.js';
import { localTime } from './local-time.js';

/**
 * The rules every dial is audited against, whichever policy placed it: the
 * platform's calling windows and weekly cap (given by the caller, from the
 * platform's dialing config), and the law's hours, which are all a naive
 * dialer keeps to.
 */
export interface ContactRules {
  /** Whether the customer may be called at `atMs` under the platform's calling windows. */
  inWindow(c: SimCustomer, atMs: number): boolean;
  cap: { touches: number; days: number };
}

/** Local hours the law allows marketing calls in (09:00-21:00), every day. */
export const LAW_HOURS = { from: 9, to: 21 } as const;

export const lawful = (c: SimCustomer, atMs: number): boolean => {
  const { hour } = localTime(c.timeZone, atMs);
  return hour >= LAW_HOURS.from && hour < LAW_HOURS.to;
};

export type ViolationKind = 'frequency_cap' | 'outside_window' | 'after_opt_out';

/**
 * What the twin knows happened to each customer: their dials and whether
 * they opted out, so it can count the dials that broke a rule and tell a
 * policy who must not be called again.
 */
export class ContactAudit {
  private readonly dials = new Map<string, number[]>();
  private readonly optedOut = new Map<string, number>();
  readonly violations: Record<ViolationKind, number> = {
    frequency_cap: 0,
    outside_window: 0,
    after_opt_out: 0,
  };

  constructor(private readonly rules: ContactRules) {}

  /** Dials to the customer within the cap's days before `atMs`. */
  recent(customerId: string, atMs: number): number {
    const since = atMs - this.rules.cap.days * 86_400_000;
    return (this.dials.get(customerId) ?? []).filter((t) => t > since).length;
  }

  /** Whether a dial now would keep every rule (what the oracle and the naive dialer ask). */
  allowed(c: SimCustomer, atMs: number, windows: 'platform' | 'law'): boolean {
    if (this.optedOut.has(c.id)) return false;
    if (this.recent(c.id, atMs) >= this.rules.cap.touches) return false;
    return windows === 'law' ? lawful(c, atMs) : this.rules.inWindow(c, atMs);
  }

  optedOutAt(customerId: string): number | undefined {
    return this.optedOut.get(customerId);
  }

  /** Records a dial and counts each rule it broke. */
  dial(c: SimCustomer, atMs: number): ViolationKind[] {
    const broke: ViolationKind[] = [];
    if (this.optedOut.has(c.id)) broke.push('after_opt_out');
    if (this.recent(c.id, atMs) >= this.rules.cap.touches) broke.push('frequency_cap');
    if (!this.rules.inWindow(c, atMs)) broke.push('outside_window');
    for (const k of broke) this.violations[k] += 1;
    const list = this.dials.get(c.id) ?? [];
    list.push(atMs);
    this.dials.set(c.id, list);
    return broke;
  }

  optOut(customerId: string, atMs: number): void {
    if (!this.optedOut.has(customerId)) this.optedOut.set(customerId, atMs);
  }

  total(): number {
    return Object.values(this.violations).reduce((a, b) => a + b, 0);
  }
}
