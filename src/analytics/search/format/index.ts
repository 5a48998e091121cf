// The transcript index's data format: how text becomes terms (tokens, the
// speaker and hour pseudo-terms), which bucket a term's postings live in, and
// how postings, offset sets and blocks are encoded. Pure, no I/O. The only
// entry for the rest of search/.
export * from './index-terms.js';
export * from './offset-sets.js';
export * from './posting-blocks.js';
export * from './postings-codec.js';
export * from './term-buckets.js';
export * from './term-table.js';
export * from '../../../core/text-tokens.js';
