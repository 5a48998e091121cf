/**
 * A customer's consent for an auditor: the ledger as it reads now, per
 * channel and purpose, and every change with its proof (source, event,
 * cue and the words, opened from the sealed store), newest first.
 */
import { consentStates, type ConsentLedger } from '../../core/contact-record.js';
import type { Store } from '../../core/store/store.js';
import { consentChanges } from './customer-records.js';

/** More changes than any one customer makes; the export is whole, not paged. */
const MAX_CHANGES = 10_000;

export async function consentExportOf(
  store: Store,
  customerId: string,
  ledger: Readonly<ConsentLedger>,
  unseal: (sealed: string) => string,
  nowIso: string,
) {
  const changes = await consentChanges(store, customerId, MAX_CHANGES);
  return {
    customer_id: customerId,
    exported_at: nowIso,
    state: consentStates(ledger).map(({ channel, purpose, state, mark }) => ({
      channel,
      purpose,
      state,
      since: mark?.ts ?? null,
      event_id: mark?.id ?? null,
    })),
    changes: changes.map((c) => ({
      event_id: c.event_id,
      at: c.ts,
      scope: c.scope,
      purpose: c.purpose,
      granted: c.granted,
      source: c.source,
      call_id: c.call_id,
      evidence_event_id: c.evidence_event_id,
      cue: c.cue,
      text: c.text_enc === null ? null : unseal(c.text_enc),
    })),
  };
}
