import type { DuckDBValue } from '@duckdb/node-api';
import { z } from 'zod';
import type { Store } from '../core/store/store.js';
import { normalizeText } from '../datasets/report.js';
import { textRecordSchema, type TextRecord } from '../datasets/text-record.js';

/**
 * A human correction as training data: the turn's text (the corrected
 * transcript where an agent fixed it) with the intent the agent gave, and
 * where it came from.
 */
export const correctionRecordSchema = textRecordSchema.extend({
  /**
   * The slots the agent fixed on this turn, latest value per slot (null: not
   * said). Kept with the record; nothing trains on them yet (the slot
   * extractor is rules).
   */
  slots: z.record(z.string(), z.string().nullable()).optional(),
  provenance: z.object({
    call_id: z.string(),
    turn: z.number().int(),
    /** The correction events merged into this record (a transcript fix and an intent fix may come apart). */
    event_ids: z.array(z.string()),
    submitted_by: z.array(z.string()),
    submitted_at: z.string(),
    /** What the pipeline heard and understood before the correction, when the turn was stored. */
    original_text: z.string().nullable(),
    original_intent: z.string().nullable(),
  }),
});
export type CorrectionRecord = z.infer<typeof correctionRecordSchema>;

interface Row {
  call_id: string;
  turn: number;
  corrected_text: string | null;
  corrected_intent: string | null;
  /** Each correction's slots as JSON text, oldest first. */
  slot_fixes: string[] | null;
  event_ids: string[];
  submitted_by: string[];
  submitted_at: string;
  original_text: string | null;
  original_intent: string | null;
}

/** Who reads the corrections: a job's name (audited as role system), or a signed-in principal. */
type Reader = string | { name: string; role: string };

/**
 * The intent corrections in the store, one record per corrected turn: the
 * latest transcript fix, the latest intent fix and each slot's latest fix
 * of a turn are merged. Turns without an intent fix teach the intent model
 * nothing and are counted in `skipped`. Reading transcripts is audited.
 * `scope`: a condition on `c.call_id` (a campaign-scoped reader's calls).
 */
export async function readCorrections(
  store: Store,
  reader: Reader,
  scope: { sql: string; params: DuckDBValue[] } = { sql: 'TRUE', params: [] },
): Promise<{ records: CorrectionRecord[]; skipped: number }> {
  const rows = await store.query<Row>(
    `
    SELECT c.call_id, c.turn,
      arg_max(c.corrected_text, c.ts) FILTER (WHERE c.corrected_text IS NOT NULL) AS corrected_text,
      arg_max(c.corrected_intent, c.ts) FILTER (WHERE c.corrected_intent IS NOT NULL) AS corrected_intent,
      list(c.corrected_slots::VARCHAR ORDER BY c.ts) FILTER (WHERE c.corrected_slots IS NOT NULL) AS slot_fixes,
      list(c.event_id ORDER BY c.ts) AS event_ids,
      list(DISTINCT c.submitted_by ORDER BY c.submitted_by) AS submitted_by,
      max(c.ts)::VARCHAR AS submitted_at,
      any_value(t.text) AS original_text, any_value(t.intent) AS original_intent
    FROM corrections c
    LEFT JOIN turns t ON t.call_id = c.call_id AND t.turn = c.turn AND t.speaker = 'customer'
    WHERE ${scope.sql}
    GROUP BY c.call_id, c.turn
    ORDER BY max(c.ts), c.call_id, c.turn`,
    scope.params,
  );
  const records: CorrectionRecord[] = [];
  let skipped = 0;
  for (const r of rows) {
    const text = r.corrected_text ?? r.original_text;
    if (!r.corrected_intent || text === null) {
      skipped++;
      continue;
    }
    const slots = mergedSlots(r.slot_fixes);
    records.push({
      text,
      label: r.corrected_intent,
      ...(slots && { slots }),
      provenance: {
        call_id: r.call_id,
        turn: r.turn,
        event_ids: r.event_ids,
        submitted_by: r.submitted_by,
        submitted_at: r.submitted_at,
        original_text: r.original_text,
        original_intent: r.original_intent,
      },
    });
  }
  const who = typeof reader === 'string' ? { name: reader, role: 'system' } : reader;
  await store.transaction((tx) =>
    tx.run(`INSERT INTO audit_log VALUES (now(), ?, ?, 'read transcripts for training', ?)`, [
      who.name,
      who.role,
      `corrections: ${rows.length} turns`,
    ]),
  );
  return { records, skipped };
}

/** A turn's slot fixes, oldest first, as one: each slot's latest value. */
function mergedSlots(fixes: readonly string[] | null): Record<string, string | null> | undefined {
  if (!fixes?.length) return undefined;
  return Object.assign({}, ...fixes.map((f) => JSON.parse(f) as Record<string, string | null>));
}

/**
 * Training data with the corrections folded in: a human label overrides the
 * dataset's for the same text (those records are dropped), and each
 * correction counts `weight` times, as a few verified in-domain examples
 * should move a model trained on thousands of others.
 */
export function withCorrections(
  base: readonly TextRecord[],
  corrections: readonly CorrectionRecord[],
  weight: number,
): TextRecord[] {
  const corrected = new Set(corrections.map((c) => normalizeText(c.text)));
  const kept = base.filter((r) => !corrected.has(normalizeText(r.text)));
  const added = corrections.flatMap((c) =>
    Array.from({ length: weight }, () => ({ text: c.text, label: c.label })),
  );
  return [...kept, ...added];
}
