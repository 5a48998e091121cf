import type { Config } from '../../core/config.js';
import { GenerationError, roughTokens, type ChatBackend, type ChatMessage } from './backend.js';
import { applyChunk, applySseLine, emptyAnswer, type Answer } from './sse.js';

export interface OpenAiChatSettings {
  /** The API's base URL, e.g. http://127.0.0.1:8000/v1; `/chat/completions` is added. */
  url: string;
  /** Sent when set: vLLM and hosted APIs need it, llama.cpp serves its one model. */
  model?: string;
  /** Sent as `Authorization: Bearer`; never logged, and masked in error messages. */
  apiKey?: string;
  /** The most bytes of an answer read (default 256 KiB): past it the call fails. */
  maxResponseBytes?: number;
}

const DEFAULT_MAX_BYTES = 256 * 1024;
/** How much of an error answer's body goes into the message. */
const ERROR_SNIPPET_BYTES = 300;

/**
 * A chat backend over any OpenAI-compatible chat completions endpoint
 * (vLLM, llama.cpp server, hosted APIs), streamed so that the deadline
 * covers the whole answer: past it the request is aborted and the call
 * throws a GenerationError 'timeout'.
 */
export function openAiChat(settings: OpenAiChatSettings): ChatBackend {
  const endpoint = `${settings.url.replace(/\/+$/, '')}/chat/completions`;
  const limit = settings.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  const key = settings.apiKey;
  const redact = (s: string): string => (key ? s.replaceAll(key, '***') : s);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream, application/json',
    ...(key ? { authorization: `Bearer ${key}` } : {}),
  };
  return {
    async complete(messages, { deadlineMs, maxTokens }) {
      const started = performance.now();
      const ctl = new AbortController();
      const timer = setTimeout(
        () =>
          ctl.abort(new GenerationError('timeout', `no complete answer within ${deadlineMs} ms`)),
        deadlineMs,
      );
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers,
          body: JSON.stringify(requestBody(settings.model, messages, maxTokens)),
          redirect: 'error',
          signal: ctl.signal,
        });
        const answer = await readAnswer(res, limit, redact);
        return completion(answer, messages, performance.now() - started);
      } catch (err) {
        throw asGenerationError(err, ctl.signal, redact);
      } finally {
        clearTimeout(timer);
        // Lets go of a stream left half-read by an error.
        ctl.abort();
      }
    },
  };
}

/** The backend the settings describe, or none when generation is off (no URL). */
export function chatBackendFromConfig(
  config: Pick<Config, 'generationUrl' | 'generationModel' | 'generationApiKey'>,
): ChatBackend | undefined {
  if (!config.generationUrl) return undefined;
  return openAiChat({
    url: config.generationUrl,
    ...(config.generationModel ? { model: config.generationModel } : {}),
    ...(config.generationApiKey ? { apiKey: config.generationApiKey } : {}),
  });
}

const requestBody = (model: string | undefined, messages: ChatMessage[], maxTokens: number) => ({
  ...(model ? { model } : {}),
  messages,
  max_tokens: maxTokens,
  stream: true,
  stream_options: { include_usage: true },
});

async function readAnswer(
  res: Response,
  limit: number,
  redact: (s: string) => string,
): Promise<Answer> {
  if (!res.ok) {
    const snippet = new TextDecoder().decode(await readBytes(res, ERROR_SNIPPET_BYTES, false));
    throw new GenerationError(
      'failed',
      `the model server answered ${res.status}: ${redact(snippet.trim()) || res.statusText}`,
    );
  }
  const answer = emptyAnswer();
  if ((res.headers.get('content-type') ?? '').includes('application/json')) {
    // A server that does not stream answers once, whole.
    const body = new TextDecoder().decode(await readBytes(res, limit, true));
    let chunk: unknown;
    try {
      chunk = JSON.parse(body);
    } catch {
      throw new GenerationError('failed', 'the model server answered JSON that does not parse');
    }
    applyChunk(answer, chunk);
    answer.done = true;
    return answer;
  }
  await readStream(res, limit, answer);
  if (!answer.done && answer.finish === undefined) {
    throw new GenerationError('failed', 'the stream ended before the answer did');
  }
  return answer;
}

/** Reads `data:` lines until `[DONE]` or the end of the body. */
async function readStream(res: Response, limit: number, answer: Answer): Promise<void> {
  const decoder = new TextDecoder();
  let bytes = 0;
  let pending = '';
  for await (const part of partsOf(res)) {
    bytes += part.byteLength;
    if (bytes > limit) throw tooLarge(limit);
    pending += decoder.decode(part, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      applySseLine(answer, line.replace(/\r$/, ''));
      if (answer.done) return;
    }
  }
  applySseLine(answer, (pending + decoder.decode()).replace(/\r$/, ''));
}

/** The body's first `limit` bytes; past them, all of it is refused (`strict`) or the rest dropped. */
async function readBytes(res: Response, limit: number, strict: boolean): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for await (const part of partsOf(res)) {
    if (bytes + part.byteLength > limit) {
      if (strict) throw tooLarge(limit);
      parts.push(part.subarray(0, limit - bytes));
      bytes = limit;
      break;
    }
    parts.push(part);
    bytes += part.byteLength;
  }
  return Buffer.concat(parts, bytes);
}

/** The body's chunks as they come; leaving the loop early cancels the rest. */
async function* partsOf(res: Response): AsyncGenerator<Uint8Array> {
  const reader = res.body?.getReader();
  if (!reader) return;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

const tooLarge = (limit: number): GenerationError =>
  new GenerationError('failed', `the model server's answer is over ${limit} bytes`);

function completion(answer: Answer, messages: ChatMessage[], ms: number) {
  if (answer.finish === 'length') {
    throw new GenerationError('truncated', 'the answer was cut off at the token limit');
  }
  const text = answer.text.trim();
  return {
    text,
    promptTokens:
      answer.usage?.promptTokens ?? messages.reduce((n, m) => n + roughTokens(m.content), 0),
    completionTokens: answer.usage?.completionTokens ?? roughTokens(text),
    ms,
  };
}

function asGenerationError(
  err: unknown,
  signal: AbortSignal,
  redact: (s: string) => string,
): GenerationError {
  if (err instanceof GenerationError) return err;
  if (signal.aborted && signal.reason instanceof GenerationError) return signal.reason;
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  const why = err instanceof Error ? `${err.message}${cause}` : String(err);
  return new GenerationError('failed', `the model server could not be reached: ${redact(why)}`, {
    cause: err,
  });
}
