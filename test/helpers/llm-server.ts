import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { roughTokens, type ChatMessage } from '../../src/models/generation/index.js';

/**
 * A local stand-in for an OpenAI-compatible model server (vLLM, llama.cpp):
 * `POST /v1/chat/completions` (and `/chat/completions`) answered from a
 * table matched on the last user message, streamed as SSE chunks with usage,
 * or whole when the request does not stream. It can be slow, fail, or send
 * a broken stream, and it records every request it got.
 */
export interface LlmMode {
  /** Before the answer starts (status and headers too): a slow model. */
  firstTokenDelayMs: number;
  /** Between two streamed chunks. */
  chunkDelayMs: number;
  /** Not 200: an error answer with this status. */
  status: number;
  /** One good chunk, then a data line that is not JSON, then the end. */
  malformed: boolean;
  /** A usage chunk at the end when the request asks for it (stream_options.include_usage). */
  usage: boolean;
  /** The finish_reason of the last chunk. */
  finish: 'stop' | 'length';
}

export interface LlmRule {
  /** A substring of the last user message, or a pattern it matches. */
  match: string | RegExp;
  reply: string;
  /** This rule's own mode, over the server's. */
  mode?: Partial<LlmMode>;
}

export interface ChatRequest {
  model?: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  [field: string]: unknown;
}

export interface LlmRequest {
  path: string;
  authorization: string | undefined;
  body: ChatRequest;
}

export interface LlmServer {
  /** The API's base URL: `http://127.0.0.1:PORT/v1`. */
  url: string;
  /** Every completion request, in order, whatever the answer. */
  requests: LlmRequest[];
  setRules(rules: LlmRule[]): void;
  /** Changes the server's mode from now on; fields not named keep their value. */
  setMode(mode: Partial<LlmMode>): void;
  close(): Promise<void>;
}

export interface LlmServerOptions {
  rules?: LlmRule[];
  /** The reply when no rule matches. */
  fallback?: string;
  mode?: Partial<LlmMode>;
  /** Characters per streamed chunk (a stand-in for tokens). */
  chunkChars?: number;
}

const DEFAULT_MODE: LlmMode = {
  firstTokenDelayMs: 0,
  chunkDelayMs: 0,
  status: 200,
  malformed: false,
  usage: true,
  finish: 'stop',
};
const PATHS = new Set(['/v1/chat/completions', '/chat/completions']);

/** The last user message of a request: what the rules match on. */
export const lastUserMessage = (body: ChatRequest): string =>
  [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';

export async function startLlmServer(opts: LlmServerOptions = {}): Promise<LlmServer> {
  let rules = opts.rules ?? [];
  let mode: LlmMode = { ...DEFAULT_MODE, ...opts.mode };
  const requests: LlmRequest[] = [];
  const chunkChars = opts.chunkChars ?? 3;
  const fallback = opts.fallback ?? '好的，这个问题我记下了，稍后请专员给您详细说明。';

  const server = createServer((req, res) => {
    // A client that gave up (its deadline) is no error of the server's.
    res.on('error', () => undefined);
    void readJson(req).then(async (body) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (req.method !== 'POST' || !PATHS.has(path)) return reply(res, 404, { error: 'not found' });
      if (!isChatRequest(body)) return reply(res, 400, { error: { message: 'no messages' } });
      requests.push({ path, authorization: req.headers.authorization, body });
      const question = lastUserMessage(body);
      const rule = rules.find((r) =>
        typeof r.match === 'string' ? question.includes(r.match) : r.match.test(question),
      );
      const m: LlmMode = { ...mode, ...rule?.mode };
      const text = rule?.reply ?? fallback;
      if (m.firstTokenDelayMs > 0) await sleep(m.firstTokenDelayMs, undefined, { ref: false });
      if (gone(res)) return;
      if (m.status !== 200) {
        return reply(res, m.status, { error: { message: `stand-in failure ${m.status}` } });
      }
      if (body.stream !== true) return reply(res, 200, whole(body, text, m, chunkChars));
      await stream(res, body, text, m, chunkChars);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    setRules: (r) => void (rules = r),
    setMode: (m) => void (mode = { ...mode, ...m }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const split = (text: string, size: number): string[] => {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
};

const usageOf = (body: ChatRequest, completionTokens: number) => ({
  prompt_tokens: body.messages.reduce((n, m) => n + roughTokens(m.content), 0),
  completion_tokens: completionTokens,
  total_tokens: 0,
});

async function stream(
  res: ServerResponse,
  body: ChatRequest,
  text: string,
  m: LlmMode,
  chunkChars: number,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: object, finish: string | null, extra: object = {}) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-stand-in',
      object: 'chat.completion.chunk',
      model: body.model ?? 'stand-in',
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...extra,
    })}\n\n`;
  res.write(chunk({ role: 'assistant', content: '' }, null));
  const parts = split(text, chunkChars);
  for (const [i, part] of parts.entries()) {
    if (i > 0 && m.chunkDelayMs > 0) await sleep(m.chunkDelayMs, undefined, { ref: false });
    if (gone(res)) return;
    res.write(chunk({ content: part }, null));
    if (m.malformed) return void res.end('data: {"choices": [{"delta": {"content": "断\n\n');
  }
  res.write(chunk({}, m.finish));
  if (m.usage && body.stream_options?.include_usage) {
    const usage = usageOf(body, parts.length);
    res.write(`data: ${JSON.stringify({ id: 'chatcmpl-stand-in', choices: [], usage })}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

function whole(body: ChatRequest, text: string, m: LlmMode, chunkChars: number) {
  return {
    id: 'chatcmpl-stand-in',
    object: 'chat.completion',
    model: body.model ?? 'stand-in',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: m.finish }],
    ...(m.usage ? { usage: usageOf(body, split(text, chunkChars).length) } : {}),
  };
}

/** The client went away (aborted at its deadline): nothing more to write. */
const gone = (res: ServerResponse): boolean => res.destroyed || (res.socket?.destroyed ?? true);

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (gone(res)) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(raw));
      } catch {
        resolve(undefined);
      }
    });
  });
}

const isChatRequest = (body: unknown): body is ChatRequest =>
  typeof body === 'object' &&
  body !== null &&
  Array.isArray((body as { messages?: unknown }).messages);
