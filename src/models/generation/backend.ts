import { DialwiseError } from '../../core/errors.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Completion {
  /** The line as generated, trimmed; judging it is the gate's work. */
  text: string;
  promptTokens: number;
  completionTokens: number;
  /** From the call to the last byte. */
  ms: number;
  /** Served from the GenerationCache, not the backend. */
  cached?: boolean;
}

/** Anything that completes a chat within a deadline: the OpenAI-compatible client, a stand-in in tests. */
export interface ChatBackend {
  /** `deadlineMs`: the time allowed from this call; past it the call throws a GenerationError 'timeout'. */
  complete(
    messages: ChatMessage[],
    opts: { deadlineMs: number; maxTokens: number },
  ): Promise<Completion>;
}

/**
 * Why a completion did not come, for counting fallbacks by cause:
 * `timeout` past the deadline; `failed` an error status, a refused
 * connection, a malformed or oversized stream; `truncated` cut off at the
 * token limit (half a sentence is not spoken).
 */
export const GENERATION_FAILURES = ['timeout', 'failed', 'truncated'] as const;
export type GenerationFailure = (typeof GENERATION_FAILURES)[number];

export class GenerationError extends DialwiseError {
  readonly kind: GenerationFailure;

  constructor(kind: GenerationFailure, message: string, opts: { cause?: unknown } = {}) {
    super(kind === 'timeout' ? 'UNAVAILABLE' : 'UPSTREAM_FAILED', message, opts);
    this.name = 'GenerationError';
    this.kind = kind;
  }
}

/** The cause of a failed `complete`, whatever was thrown: an error of our own code counts as `failed`. */
export const generationFailureOf = (err: unknown): GenerationFailure =>
  err instanceof GenerationError ? err.kind : 'failed';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/** A rough token count where the server gave none: one per CJK character, one per other word or number. */
export function roughTokens(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  const words = text.replace(CJK, ' ').match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
  return cjk + words;
}
