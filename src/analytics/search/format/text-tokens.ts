// The tokeniser lives in core (models/knowledge cuts text the same way); search's format re-exports it.
export * from '../../../core/text-tokens.js';
