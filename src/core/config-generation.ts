import { z } from 'zod';

/** How knowledge-base text is cut into BM25 terms (models/knowledge/tokenizers.ts has one per name). */
export const KNOWLEDGE_TOKENIZERS = ['bigram', 'bigram-char', 'jieba', 'jieba-char'] as const;
export type KnowledgeTokenizer = (typeof KNOWLEDGE_TOKENIZERS)[number];

/**
 * The settings of generated replies (config.ts takes them in): which
 * OpenAI-compatible endpoint answers, and the budget a line gets. Without a
 * URL generation is off and every line is a template.
 */
export const GENERATION_SETTINGS = {
  generationUrl: {
    env: 'DIALWISE_GENERATION_URL',
    schema: z
      .url({ protocol: /^https?$/ })
      .refine((u) => !/[?#]/.test(u), 'must have no query or fragment')
      .optional(),
    fix: 'the base URL of an OpenAI-compatible chat completions API (vLLM, llama.cpp server or a hosted one), e.g. http://127.0.0.1:8000/v1; unset: generation off',
  },
  generationModel: {
    env: 'DIALWISE_GENERATION_MODEL',
    schema: z.string().min(1).max(256).optional(),
    fix: 'the model name the endpoint serves, e.g. Qwen/Qwen2.5-7B-Instruct (vLLM and hosted APIs need it; llama.cpp serves its one model)',
  },
  generationApiKey: {
    env: 'DIALWISE_GENERATION_API_KEY',
    schema: z.string().min(1).max(4096).optional(),
    fix: "the endpoint's API key, sent as a Bearer token (from the environment or a secrets manager, never a file in the repo); unset: no Authorization header",
  },
  generationDeadlineMs: {
    env: 'DIALWISE_GENERATION_DEADLINE_MS',
    schema: z.coerce.number().int().min(50).max(30_000).default(600),
    fix: "milliseconds a generated line may take, first byte to last (50-30000); past it the node's template is spoken",
  },
  generationMaxChars: {
    env: 'DIALWISE_GENERATION_MAX_CHARS',
    schema: z.coerce.number().int().min(10).max(1000).default(80),
    fix: 'the longest generated line spoken, in characters (10-1000; 80 is about 20 seconds of Chinese speech); longer lines are blocked',
  },
  generationMaxTokens: {
    env: 'DIALWISE_GENERATION_MAX_TOKENS',
    schema: z.coerce.number().int().min(16).max(4096).default(160),
    fix: 'the most tokens a completion may have (16-4096); keep it above the tokens of DIALWISE_GENERATION_MAX_CHARS, since a line cut off at it is not spoken',
  },
  generationCacheMs: {
    env: 'DIALWISE_GENERATION_CACHE_MS',
    schema: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
    fix: 'how long a generated line that passed the gate is reused for the same script node, intent and facts, in milliseconds (0: never reused)',
  },
  knowledgeDir: {
    env: 'DIALWISE_KNOWLEDGE_DIR',
    schema: z.string().min(1).optional(),
    fix: 'a folder with knowledge.json and the knowledge files it names, the facts generated lines are grounded in (default config/knowledge/)',
  },
  knowledgeTokenizer: {
    env: 'DIALWISE_KNOWLEDGE_TOKENIZER',
    schema: z.enum(KNOWLEDGE_TOKENIZERS).default('bigram-char'),
    fix: 'how knowledge text is cut for retrieval: "bigram" (CJK bigrams, as transcript search queries), "jieba" (jieba words), or either with every CJK character as a term too ("bigram-char", as the transcript index stores, "jieba-char"); the default has the best recall@3 in bench/knowledge.ts',
  },
};
