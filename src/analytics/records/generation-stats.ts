import type { Store } from '../../core/store/store.js';
import { where, type ViolationFilter } from './dialing-violations.js';

/** What generated lines came to in a range: spoken or why not, and what they cost in tokens. */
export interface GenerationStats {
  /** Calls with a turn decided in the range. */
  calls: number;
  /** Turns whose line config/generation.json let generate. */
  asked: number;
  /** Of them, generated lines spoken. */
  spoken: number;
  /** Of them, the template said instead, by cause (off_topic, timeout, failed, gate:<rule>). */
  fallbacks: { cause: string; count: number }[];
  tokens: number;
  tokensPerCall: number;
}

/** Generated lines in the decision log over the filter's range (turns only), per the principal's scope. */
export async function generationStats(store: Store, f: ViolationFilter): Promise<GenerationStats> {
  const w = where(f);
  const [totals] = await store.query<Omit<GenerationStats, 'fallbacks' | 'tokensPerCall'>>(
    `SELECT count(DISTINCT call_id)::INTEGER AS calls,
        (count(*) FILTER (WHERE generation IS NOT NULL))::INTEGER AS asked,
        (count(*) FILTER (WHERE generation = 'spoken'))::INTEGER AS spoken,
        COALESCE(sum(tokens), 0)::INTEGER AS tokens
     FROM decisions WHERE kind = 'turn' AND ${w.sql}`,
    w.params,
  );
  const fallbacks = await store.query<{ cause: string; count: number }>(
    `SELECT generation AS cause, count(*)::INTEGER AS count FROM decisions
     WHERE kind = 'turn' AND generation IS NOT NULL AND generation <> 'spoken' AND ${w.sql}
     GROUP BY generation ORDER BY count DESC, cause`,
    w.params,
  );
  const t = totals ?? { calls: 0, asked: 0, spoken: 0, tokens: 0 };
  return { ...t, fallbacks, tokensPerCall: t.calls ? t.tokens / t.calls : 0 };
}
