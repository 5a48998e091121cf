import type { Outcome } from '../core/events/index.js';
import { lawful, type ContactAudit, type ContactRules } from './contact-audit.js';
import type { TwinTarget } from './target.js';
import type { SimCustomer, World } from './world.js';

/**
 * `oracle` knows the scenario's parameters (oracle-dialer.ts);
 * `clairvoyant` also every customer's hidden propensity: a reference no
 * policy could reach, kept so the oracle's change hides nothing.
 */
export type PolicyName = 'naive' | 'dialwise' | 'oracle' | 'clairvoyant';

export interface Picked {
  customer: SimCustomer;
  /** Why the platform offered them (`callback`, `score`); absent for the twin's own dialers. */
  reason?: string;
}

/** Whom a policy dials next. */
export interface Dialer {
  pick(atMs: number, limit: number): Promise<Picked[]>;
  /** How a dial it offered ended, as any centre learns it (the twin's own dialers). */
  heard?(customerId: string, outcome: Outcome): void;
}

/**
 * The naive centre: the list in order, round and round, within the law's
 * hours, skipping only those who opted out (the law); no cap, no learning.
 */
export function naiveDialer(world: World, audit: ContactAudit): Dialer {
  let cursor = 0;
  const all = world.customers;
  return {
    async pick(atMs, limit) {
      const out: Picked[] = [];
      for (let seen = 0; seen < all.length && out.length < limit; seen++) {
        const c = all[cursor]!;
        cursor = (cursor + 1) % all.length;
        if (audit.optedOutAt(c.id) === undefined && lawful(c, atMs)) out.push({ customer: c });
      }
      return out;
    },
  };
}

/**
 * The clairvoyant: knows every customer's answer probability now and their
 * own latent propensity (the draw no centre could know), and dials the best
 * chances of a sale first, within the same windows, cap and opt-outs the
 * platform keeps; myopic, it never waits for a better hour. Customers of a
 * segment and region answer alike, so the probability is worked out once
 * per group.
 */
export function clairvoyantDialer(world: World, audit: ContactAudit, rules: ContactRules): Dialer {
  const groups = new Map<string, SimCustomer[]>();
  for (const c of world.customers) {
    const key = `${c.segment}\u0000${c.region}\u0000${c.industry}\u0000${c.timeZone}`;
    const g = groups.get(key) ?? [];
    g.push(c);
    groups.set(key, g);
  }
  for (const g of groups.values()) g.sort((a, b) => b.propensity - a.propensity);
  return {
    async pick(atMs, limit) {
      const offers: { c: SimCustomer; value: number }[] = [];
      for (const g of groups.values()) {
        const first = g[0]!;
        if (!rules.inWindow(first, atMs)) continue;
        const p = world.answerProbability(first, atMs);
        let taken = 0;
        for (const c of g) {
          if (taken >= limit) break;
          if (!audit.allowed(c, atMs, 'platform')) continue;
          offers.push({ c, value: p * c.propensity });
          taken += 1;
        }
      }
      offers.sort((a, b) => b.value - a.value);
      return offers.slice(0, limit).map((o) => ({ customer: o.c }));
    },
  };
}

/** Dialwise: whom `POST /dialer/next` offers, in its order. */
export function platformDialer(world: World, target: TwinTarget): Dialer {
  const byId = new Map(world.customers.map((c) => [c.id, c]));
  return {
    async pick(_atMs, limit) {
      const r = await target.decisions.next(limit, { campaignId: target.campaignId });
      return r.next.flatMap((n) => {
        const c = byId.get(n.customerId);
        const reason = (n as { reason?: string }).reason;
        return c ? [{ customer: c, ...(reason && { reason }) }] : [];
      });
    },
  };
}
