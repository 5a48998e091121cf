/**
 * The audit log keeps each transcript search's terms (transcript-search):
 * a search for an erased customer's words would keep their words after
 * the erasure. Such a search's terms are replaced; who searched, when and
 * with which filters stays.
 */
import type { Store } from '../../core/store/store.js';
import { highlightsOf } from './transcript-search.js';

export const ERASED_TERM = '[erased]';

/**
 * Replaces the terms of every audited search whose terms all occur in one
 * of the customer's turns (searches that found, or could have found, their
 * words; a common word among them is replaced too). Run before the turns
 * are deleted. Returns the audit rows changed.
 */
export async function forgetSearchesFor(store: Store, customerId: string): Promise<number> {
  const texts = (
    await store.query<{ text: string }>('SELECT text FROM turns WHERE customer_id = ?', [
      customerId,
    ])
  ).map((r) => r.text);
  if (texts.length === 0) return 0;
  const rows = await store.query<{ rowid: bigint; target: string }>(
    `SELECT rowid, target FROM audit_log WHERE action IN ('transcripts.search', 'transcripts.search.denied')`,
  );
  const theirs = rows.filter((r) => {
    let terms: unknown;
    try {
      terms = (JSON.parse(r.target) as { terms?: unknown }).terms;
    } catch {
      return false;
    }
    if (!Array.isArray(terms) || terms.length === 0) return false;
    const words = terms.filter((t): t is string => typeof t === 'string');
    return texts.some((text) => words.every((w) => highlightsOf(text, [w]).length > 0));
  });
  if (theirs.length === 0) return 0;
  await store.transaction(async (tx) => {
    for (const r of theirs) {
      const target = { ...(JSON.parse(r.target) as object), terms: [ERASED_TERM] };
      await tx.run('UPDATE audit_log SET target = ? WHERE rowid = ?', [
        JSON.stringify(target),
        r.rowid,
      ]);
    }
  });
  return theirs.length;
}
