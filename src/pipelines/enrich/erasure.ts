import type { EventOf } from '../../core/events/index.js';
import type { TurnModels } from '../../models/types.js';
import type { Profile } from './profile.js';

/** An erasure as a commit carries it, with the consent changes it found pending. */
export interface PendingErasure {
  event: EventOf<'customer.erased'>;
  /**
   * The customer's consent changes applied before the erasure in this
   * commit: kept as proof, pseudonymised like the stored ones.
   */
  consents: EventOf<'consent.changed'>[];
}

type Owned = { customer_id: string };

/** What a pending commit holds of anyone's (the enricher's Changes). */
interface Pending {
  calls: Map<string, Owned>;
  turns: Owned[];
  hits: Owned[];
  visits: Owned[];
  corrections: Owned[];
  touches: Owned[];
  callbacks: Map<string, Owned>;
  consents: EventOf<'consent.changed'>[];
  erasures: PendingErasure[];
  profiles: Set<Profile>;
}

/** Removes, in place, the items of `list` that `drop` picks; returns them. */
function remove<T>(list: T[], drop: (x: T) => boolean): T[] {
  const gone: T[] = [];
  let kept = 0;
  for (const x of list)
    if (drop(x)) gone.push(x);
    else list[kept++] = x;
  list.length = kept;
  return gone;
}

/**
 * Forgets a customer in this process: the live profile (its open calls,
 * CRM fields, facts and dedupe window with it) and every row of theirs that
 * the pending commit would write. Events after the erasure start a new,
 * empty profile.
 */
export function eraseCustomer(
  profiles: Map<string, Profile>,
  out: Pending,
  e: EventOf<'customer.erased'>,
  models: Pick<TurnModels, 'forget'>,
): void {
  const id = e.customer_id;
  // What the models remember of the texts they heard goes too: some were this customer's.
  models.forget?.();
  const p = profiles.get(id);
  profiles.delete(id);
  if (p) out.profiles.delete(p);
  const theirs = (r: { customer_id: string }) => r.customer_id === id;
  for (const [key, call] of out.calls) if (theirs(call)) out.calls.delete(key);
  for (const [key, cb] of out.callbacks) if (theirs(cb)) out.callbacks.delete(key);
  for (const rows of [out.turns, out.hits, out.visits, out.corrections, out.touches])
    remove(rows, theirs);
  out.erasures.push({ event: e, consents: remove(out.consents, theirs) });
}
