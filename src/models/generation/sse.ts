import { GenerationError } from './backend.js';

/** What a chat completions answer has said so far, streamed (SSE) or whole (JSON). */
export interface Answer {
  text: string;
  usage?: { promptTokens: number; completionTokens: number };
  /** The choice's finish_reason once given: 'stop', 'length', … */
  finish?: string;
  /** `data: [DONE]` seen. */
  done: boolean;
}

export const emptyAnswer = (): Answer => ({ text: '', done: false });

const malformed = (why: string): GenerationError =>
  new GenerationError('failed', `malformed chat completions stream: ${why}`);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function readUsage(answer: Answer, usage: unknown): void {
  if (!isObject(usage)) return;
  const { prompt_tokens: p, completion_tokens: c } = usage;
  if (typeof p === 'number' && typeof c === 'number') {
    answer.usage = { promptTokens: p, completionTokens: c };
  }
}

/**
 * Folds one chunk (a streamed `chat.completion.chunk`, or a whole
 * `chat.completion` when the server ignored `stream`) into the answer. An
 * error object, or a chunk that is not the shape, throws a 'failed'.
 */
export function applyChunk(answer: Answer, chunk: unknown): void {
  if (!isObject(chunk)) throw malformed('a chunk that is not an object');
  if (chunk.error !== undefined) {
    const msg = isObject(chunk.error) ? chunk.error.message : chunk.error;
    throw new GenerationError('failed', `the model server sent an error: ${String(msg)}`);
  }
  readUsage(answer, chunk.usage);
  const { choices } = chunk;
  if (!Array.isArray(choices)) throw malformed('no choices');
  const choice: unknown = choices[0];
  if (choice === undefined) return; // the usage chunk has none
  if (!isObject(choice)) throw malformed('a choice that is not an object');
  const part = isObject(choice.delta) ? choice.delta : choice.message;
  if (isObject(part) && part.content !== undefined && part.content !== null) {
    if (typeof part.content !== 'string') throw malformed('content that is not text');
    answer.text += part.content;
  }
  if (typeof choice.finish_reason === 'string') answer.finish = choice.finish_reason;
}

/** One line of an SSE body: `data:` lines carry chunks; comments, other fields and blank lines are skipped. */
export function applySseLine(answer: Answer, line: string): void {
  if (!line.startsWith('data:')) return;
  const data = line.slice(5).trim();
  if (data === '') return;
  if (data === '[DONE]') {
    answer.done = true;
    return;
  }
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    throw malformed('a data line that is not JSON');
  }
  applyChunk(answer, chunk);
}
