// Grounding: the knowledge base (config/knowledge: a manifest, Markdown and
// FAQ files per campaign), chunked, stored in DuckDB per version and
// tokenizer, and retrieved by BM25 for a call's campaign. The only entry for
// other folders.
export { type Chunk, MAX_CHUNK_CHARS } from './chunking.js';
export { type KnowledgeBase, readKnowledge } from './manifest.js';
export { type KnowledgeLoad, loadKnowledge, storeKnowledge } from './knowledge-store.js';
export { BM25, type KnowledgeRef, retrieve, type RetrieveOptions, type Retrieved } from './bm25.js';
export { type Tokenizer, TOKENIZERS } from './tokenizers.js';
