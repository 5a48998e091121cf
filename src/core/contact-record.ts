/**
 * One contact record per customer, whoever reaches them on whichever
 * channel: the touches of the last days (the weekly cap counts them) and
 * the consent ledger.
 *
 * The consent ledger of one customer, as every process folds it: per
 * channel (or `all`) and purpose (or `all`), the latest change and the
 * earliest grant. Both are order-free (a maximum and a minimum), so the
 * same changes give the same state whatever order they arrive in, and
 * folding a change twice changes nothing. The proof of each change (its
 * source, event and evidence text) is kept beside it in `consent_changes`.
 */
import { CHANNELS, PURPOSES, type Channel, type Purpose } from './events/index.js';

/** A touch of the last 7 days: a call started, a message sent. `id` is its touch or call id. */
export interface TouchMark {
  id: string;
  at: string;
  channel: Channel;
  campaign: string | null;
  purpose: Purpose;
}

export type ConsentState = 'granted' | 'refused' | 'withdrawn' | 'unknown';

/** One scope's record. `ts` and `id` order the changes: later time, then a refusal, then the id. */
export interface ConsentMark {
  granted: boolean;
  ts: string;
  id: string;
  /** The earliest grant ever recorded for this scope (null: none). */
  first_grant: string | null;
}

/** Keys: `<channel|all>/<purpose|all>`. */
export type ConsentLedger = Record<string, ConsentMark>;

export interface ConsentChange {
  scope: Channel | 'all';
  purpose?: Purpose | undefined;
  granted: boolean;
  ts: string;
  event_id: string;
}

export const ledgerKey = (scope: string, purpose: string | undefined): string =>
  `${scope}/${purpose ?? 'all'}`;

/** Whether change a comes after change b: event time, then a refusal over a grant, then the id. */
function later(a: Omit<ConsentMark, 'first_grant'>, b: Omit<ConsentMark, 'first_grant'>): boolean {
  if (a.ts !== b.ts) return Date.parse(a.ts) > Date.parse(b.ts);
  if (a.granted !== b.granted) return !a.granted;
  return a.id > b.id;
}

const earliest = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : Date.parse(a) <= Date.parse(b) ? a : b;

/** The ledger with one more change folded in (a new object; the input is left alone). */
export function foldConsent(ledger: ConsentLedger, c: ConsentChange): ConsentLedger {
  const key = ledgerKey(c.scope, c.purpose);
  const prev = ledger[key];
  const mark = { granted: c.granted, ts: c.ts, id: c.event_id };
  const grant = c.granted ? c.ts : null;
  const next: ConsentMark =
    !prev || later(mark, prev)
      ? { ...mark, first_grant: earliest(prev?.first_grant ?? null, grant) }
      : { ...prev, first_grant: earliest(prev.first_grant, grant) };
  return { ...ledger, [key]: next };
}

/**
 * The state of contact on `channel` for `purpose`: the latest change of
 * every scope that covers it decides (the channel's own, `all` channels,
 * the purpose's own, `all` purposes). A refusal after a grant is a
 * withdrawal. `anyChannel`: a refusal on any channel covers this one too
 * (a campaign whose opt-outs stop every channel); grants never spread.
 */
export function consentState(
  ledger: Readonly<ConsentLedger>,
  channel: Channel,
  purpose: Purpose,
  anyChannel = false,
): { state: ConsentState; mark: ConsentMark | null } {
  let last: ConsentMark | null = null;
  let firstGrant: string | null = null;
  for (const [key, mark] of Object.entries(ledger)) {
    const slash = key.indexOf('/');
    const ch = key.slice(0, slash);
    const pu = key.slice(slash + 1);
    if (pu !== purpose && pu !== 'all') continue;
    const covers = ch === channel || ch === 'all';
    if (!covers && !(anyChannel && !mark.granted)) continue;
    if (!last || later(mark, last)) last = mark;
    if (covers) firstGrant = earliest(firstGrant, mark.first_grant);
  }
  if (!last) return { state: 'unknown', mark: null };
  if (last.granted) return { state: 'granted', mark: last };
  const before = firstGrant !== null && Date.parse(firstGrant) < Date.parse(last.ts);
  return { state: before ? 'withdrawn' : 'refused', mark: last };
}

/** Every channel × purpose as the ledger reads now, marketing first, channels in order. */
export const consentStates = (ledger: Readonly<ConsentLedger>) =>
  PURPOSES.flatMap((purpose) =>
    CHANNELS.map((channel) => ({ channel, purpose, ...consentState(ledger, channel, purpose) })),
  );
