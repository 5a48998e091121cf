/**
 * BM25 over a stored knowledge version, in SQL. At load, each posting's
 * weight is computed once from the version's statistics (IDF, document
 * lengths); a query, on a live call's turn, sums the weights of its terms
 * over the campaign's chunks and the shared ones. A campaign filters the
 * chunks but does not change the statistics (as a filter does in Lucene):
 * a chunk scores the same whichever campaign calls.
 */
import type { KnowledgeTokenizer } from '../../core/config-generation.js';
import type { Store, Tx } from '../../core/store/store.js';
import { TOKENIZERS } from './tokenizers.js';

/** Term-frequency saturation and length normalisation (the usual values). */
export const BM25 = { k1: 1.2, b: 0.75 } as const;

/** Which stored knowledge a retrieval reads: a version, cut by one tokenizer. */
export interface KnowledgeRef {
  version: string;
  tokenizer: KnowledgeTokenizer;
}

export interface RetrieveOptions extends KnowledgeRef {
  /** How many chunks at most. */
  k: number;
  /** The call's campaign: its own chunks and the shared ones. Unset: every chunk. */
  campaign?: string;
}

export interface Retrieved {
  /** `<file stem>#<section>`. */
  id: string;
  title: string;
  text: string;
  /** The knowledge file it came from. */
  source: string;
  score: number;
}

// IDF as Lucene's BM25 has it, ln(1 + (N - df + 0.5) / (df + 0.5)): never negative.
const WEIGH = `
  INSERT INTO knowledge_weights
  WITH docs AS (
    SELECT chunk_id, campaigns, terms AS len FROM knowledge_chunks
    WHERE version = $version AND tokenizer = $tokenizer),
  stats AS (SELECT count(*)::DOUBLE AS n, avg(len) AS avgdl FROM docs),
  df AS (
    SELECT term, count(*)::DOUBLE AS df FROM knowledge_postings
    WHERE version = $version AND tokenizer = $tokenizer GROUP BY term)
  SELECT $version, $tokenizer, p.term, p.chunk_id, d.campaigns,
    ln(1 + (s.n - df.df + 0.5) / (df.df + 0.5))
      * p.tf * ($k1 + 1) / (p.tf + $k1 * (1 - $b + $b * d.len / s.avgdl))
  FROM knowledge_postings p JOIN docs d USING (chunk_id) JOIN df USING (term) CROSS JOIN stats s
  WHERE p.version = $version AND p.tokenizer = $tokenizer
  ORDER BY p.term`;

/** Weighs the postings of a version just stored (chunks and postings), in the same transaction. */
export async function weighPostings(tx: Tx, ref: KnowledgeRef): Promise<void> {
  await tx.run(WEIGH, { version: ref.version, tokenizer: ref.tokenizer, k1: BM25.k1, b: BM25.b });
}

// The terms travel as one newline-joined string: faster in DuckDB than an IN list of parameters.
const RETRIEVE = `
  WITH top AS (
    SELECT chunk_id, sum(weight) AS score FROM knowledge_weights
    WHERE version = $version AND tokenizer = $tokenizer
      AND list_contains(string_split($terms, chr(10)), term)
      AND ($campaign::VARCHAR IS NULL OR len(campaigns) = 0
        OR list_contains(campaigns, $campaign::VARCHAR))
    GROUP BY chunk_id ORDER BY score DESC, chunk_id LIMIT $k)
  SELECT c.chunk_id AS id, c.title, c.text, c.source, top.score
  FROM top JOIN knowledge_chunks c
    ON c.version = $version AND c.tokenizer = $tokenizer AND c.chunk_id = top.chunk_id
  ORDER BY top.score DESC, id`;

/** The `k` chunks that answer `query` best, best first; none when no term matches. */
export async function retrieve(
  store: Pick<Store, 'query'>,
  query: string,
  opts: RetrieveOptions,
): Promise<Retrieved[]> {
  const terms = [...new Set(TOKENIZERS[opts.tokenizer](query))];
  if (terms.length === 0 || opts.k < 1) return [];
  return store.query<Retrieved>(RETRIEVE, {
    terms: terms.join('\n'),
    version: opts.version,
    tokenizer: opts.tokenizer,
    campaign: opts.campaign ?? null,
    k: Math.floor(opts.k),
  });
}
