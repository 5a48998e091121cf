/**
 * A knowledge base version in DuckDB (migration 22): per tokenizer, its
 * chunks with their lengths in terms, the term postings and their BM25
 * weights, in one transaction. Loading a version again is a no-op; the same
 * version with other content is refused.
 */
import type { KnowledgeTokenizer } from '../../core/config-generation.js';
import { DialwiseError } from '../../core/errors.js';
import type { Store, Tx } from '../../core/store/store.js';
import { type KnowledgeRef, weighPostings } from './bm25.js';
import type { Chunk } from './chunking.js';
import { type KnowledgeBase, readKnowledge } from './manifest.js';
import { termCounts, TOKENIZERS } from './tokenizers.js';

export interface KnowledgeLoad extends KnowledgeRef {
  chunks: number;
  /** False when this version was in the store already (nothing written). */
  loaded: boolean;
}

/** The text a chunk is found by: its headings and its body. */
export const indexedText = (c: Chunk): string => `${c.title}\n${c.text}`;

/** Reads the knowledge base in `dir` and stores it, unless its version is there already. */
export async function loadKnowledge(
  store: Pick<Store, 'transaction'>,
  dir: string,
  opts: { tokenizer: KnowledgeTokenizer },
): Promise<KnowledgeLoad> {
  return storeKnowledge(store, readKnowledge(dir), opts.tokenizer);
}

export async function storeKnowledge(
  store: Pick<Store, 'transaction'>,
  kb: KnowledgeBase,
  tokenizer: KnowledgeTokenizer,
): Promise<KnowledgeLoad> {
  const tokenize = TOKENIZERS[tokenizer];
  const docs = kb.chunks.map((c) => ({ chunk: c, counts: termCounts(tokenize, indexedText(c)) }));
  const out = { version: kb.version, tokenizer, chunks: kb.chunks.length };
  return store.transaction(async (tx) => {
    const held = await tx.all<{ tokenizer: string; digest: string }>(
      'SELECT tokenizer, digest FROM knowledge_versions WHERE version = ?',
      [kb.version],
    );
    if (held.some((h) => h.digest !== kb.digest))
      throw new DialwiseError(
        'CONFLICT',
        `knowledge version ${kb.version} is stored with other content: give the changed knowledge base a new version in knowledge.json`,
      );
    if (held.some((h) => h.tokenizer === tokenizer)) return { ...out, loaded: false };
    for (const { chunk, counts } of docs)
      await insertChunk(tx, kb.version, tokenizer, chunk, counts);
    await tx.append(
      'knowledge_postings',
      {
        version: 'VARCHAR',
        tokenizer: 'VARCHAR',
        term: 'VARCHAR',
        chunk_id: 'VARCHAR',
        tf: 'INTEGER',
      },
      docs.flatMap(({ chunk, counts }) =>
        [...counts].map(([term, tf]) => ({
          version: kb.version,
          tokenizer,
          term,
          chunk_id: chunk.id,
          tf,
        })),
      ),
    );
    await weighPostings(tx, out);
    await tx.run('INSERT INTO knowledge_versions VALUES (?, ?, ?, ?, now())', [
      kb.version,
      tokenizer,
      kb.digest,
      kb.chunks.length,
    ]);
    return { ...out, loaded: true };
  });
}

async function insertChunk(
  tx: Tx,
  version: string,
  tokenizer: string,
  c: Chunk,
  counts: Map<string, number>,
): Promise<void> {
  let terms = 0;
  for (const n of counts.values()) terms += n;
  await tx.run(
    'INSERT INTO knowledge_chunks VALUES (?, ?, ?, ?, ?, CAST(?::JSON AS VARCHAR[]), ?, ?)',
    [version, tokenizer, c.id, c.source, c.title, JSON.stringify(c.campaigns), c.text, terms],
  );
}
