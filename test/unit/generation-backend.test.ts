import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import {
  chatBackendFromConfig,
  GenerationError,
  generationFailureOf,
  openAiChat,
  roughTokens,
  type ChatMessage,
} from '../../src/models/generation/index.js';
import { lastUserMessage, startLlmServer, type LlmServer } from '../helpers/llm-server.js';

const KEY = 'sk-test-0123456789abcdef';
const ANSWER = '您好，年化参考收益率是3.5%，起投金额一万元。';
const messages: ChatMessage[] = [
  {
    role: 'system',
    content: '你是电话销售，只根据资料回答。资料：年化参考收益率3.5%，起投1万元。',
  },
  { role: 'user', content: '这个产品收益率多少？' },
];
const opts = { deadlineMs: 2000, maxTokens: 120 };

let llm: LlmServer;
beforeAll(async () => {
  llm = await startLlmServer({
    chunkChars: 2,
    rules: [
      { match: '收益率', reply: ANSWER },
      { match: /违约金|赔偿/, reply: '违约金以合同条款为准。' },
    ],
  });
});
afterAll(() => llm.close());
beforeEach(() => {
  llm.requests.length = 0;
  llm.setMode({ firstTokenDelayMs: 0, chunkDelayMs: 0, status: 200, malformed: false });
  llm.setMode({ usage: true, finish: 'stop' });
});

/** The error a call failed with, or a test failure if it did not. */
async function failure(p: Promise<unknown>): Promise<GenerationError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GenerationError);
  return err as GenerationError;
}

describe('openAiChat against an OpenAI-compatible server', () => {
  it('assembles the streamed answer and reads the usage the server gave', async () => {
    const chat = openAiChat({ url: llm.url, model: 'qwen-test', apiKey: KEY });
    const done = await chat.complete(messages, opts);
    expect(done.text).toBe(ANSWER);
    // 2 characters a chunk: the server's count, not the rough one.
    expect(done.completionTokens).toBe(Math.ceil([...ANSWER].length / 2));
    expect(done.completionTokens).not.toBe(roughTokens(ANSWER));
    expect(done.promptTokens).toBe(messages.reduce((n, m) => n + roughTokens(m.content), 0));
    expect(done.ms).toBeGreaterThan(0);
    expect(done.cached).toBeUndefined();

    const [req] = llm.requests;
    expect(req?.path).toBe('/v1/chat/completions');
    expect(req?.authorization).toBe(`Bearer ${KEY}`);
    expect(req?.body).toMatchObject({
      model: 'qwen-test',
      messages,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 120,
    });
  });

  it('matches the last user message by pattern, and sends no key or model when none is set', async () => {
    const chat = openAiChat({ url: `${llm.url}/` });
    const asked = [...messages, { role: 'user' as const, content: '合同里违约金怎么算？' }];
    expect((await chat.complete(asked, opts)).text).toBe('违约金以合同条款为准。');
    const [req] = llm.requests;
    expect(req?.authorization).toBeUndefined();
    expect(req?.body.model).toBeUndefined();
    expect(req && lastUserMessage(req.body)).toBe('合同里违约金怎么算？');
  });

  it('counts tokens roughly when the server sends no usage', async () => {
    llm.setMode({ usage: false });
    const done = await openAiChat({ url: llm.url }).complete(messages, opts);
    expect(done.completionTokens).toBe(roughTokens(ANSWER));
    expect(roughTokens('收益率3.5%, yes')).toBe(3 + 3);
  });

  it('gives up at the deadline when the first token is slow', async () => {
    llm.setMode({ firstTokenDelayMs: 3000 });
    const started = performance.now();
    const err = await failure(
      openAiChat({ url: llm.url }).complete(messages, { ...opts, deadlineMs: 200 }),
    );
    const took = performance.now() - started;
    expect(err.kind).toBe('timeout');
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toContain('200 ms');
    expect(took).toBeGreaterThanOrEqual(195);
    expect(took).toBeLessThan(200 + 250);
  });

  it('gives up at the deadline in the middle of a slow stream', async () => {
    llm.setMode({ chunkDelayMs: 80 });
    const started = performance.now();
    const err = await failure(
      openAiChat({ url: llm.url }).complete(messages, { ...opts, deadlineMs: 300 }),
    );
    expect(err.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(300 + 250);
    // The same stream within a longer deadline completes.
    const done = await openAiChat({ url: llm.url }).complete(messages, {
      ...opts,
      deadlineMs: 5000,
    });
    expect(done.text).toBe(ANSWER);
  });

  it('fails with the status on an error answer, the key masked', async () => {
    llm.setMode({ status: 503 });
    const err = await failure(openAiChat({ url: llm.url, apiKey: KEY }).complete(messages, opts));
    expect(err.kind).toBe('failed');
    expect(err.code).toBe('UPSTREAM_FAILED');
    expect(err.message).toContain('503');
    expect(err.message).not.toContain(KEY);
  });

  it('fails on a malformed stream', async () => {
    llm.setMode({ malformed: true });
    const err = await failure(openAiChat({ url: llm.url }).complete(messages, opts));
    expect(err.kind).toBe('failed');
    expect(err.message).toContain('malformed');
  });

  it('reports an answer cut off at the token limit as truncated', async () => {
    llm.setMode({ finish: 'length' });
    const err = await failure(openAiChat({ url: llm.url }).complete(messages, opts));
    expect(err.kind).toBe('truncated');
  });

  it('fails when the answer is over its size bound', async () => {
    const err = await failure(
      openAiChat({ url: llm.url, maxResponseBytes: 600 }).complete(messages, opts),
    );
    expect(err.kind).toBe('failed');
    expect(err.message).toContain('over 600 bytes');
  });

  it('fails when nothing listens', async () => {
    const gone = await startLlmServer();
    await gone.close();
    const err = await failure(openAiChat({ url: gone.url }).complete(messages, opts));
    expect(err.kind).toBe('failed');
    expect(generationFailureOf(err)).toBe('failed');
    expect(generationFailureOf(new Error('a bug'))).toBe('failed');
  });

  it('reads a whole JSON answer from a server that does not stream', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [{ message: { role: 'assistant', content: ' 好的。 ' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 40, completion_tokens: 3 },
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const done = await openAiChat({ url: `http://127.0.0.1:${port}` }).complete(messages, opts);
      expect(done).toMatchObject({ text: '好的。', promptTokens: 40, completionTokens: 3 });
    } finally {
      server.close();
    }
  });
});

describe('generation settings', () => {
  it('are off by default, with a 600 ms deadline and short lines', () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      generationDeadlineMs: 600,
      generationMaxChars: 80,
      generationMaxTokens: 160,
    });
    expect(config.generationUrl).toBeUndefined();
    expect(chatBackendFromConfig(config)).toBeUndefined();
  });

  it('build a backend from the URL, model and key', async () => {
    const config = loadConfig({
      env: {
        DIALWISE_GENERATION_URL: llm.url,
        DIALWISE_GENERATION_MODEL: 'qwen-test',
        DIALWISE_GENERATION_API_KEY: KEY,
        DIALWISE_GENERATION_DEADLINE_MS: '900',
      },
    });
    expect(config.generationDeadlineMs).toBe(900);
    const chat = chatBackendFromConfig(config);
    expect((await chat?.complete(messages, opts))?.text).toBe(ANSWER);
    expect(llm.requests[0]).toMatchObject({
      authorization: `Bearer ${KEY}`,
      body: { model: 'qwen-test' },
    });
  });

  it('refuse a URL that is not http(s) and a deadline out of range, with the fix', () => {
    expect(() =>
      loadConfig({
        env: { DIALWISE_GENERATION_URL: 'ftp://x', DIALWISE_GENERATION_DEADLINE_MS: '10' },
      }),
    ).toThrow(/DIALWISE_GENERATION_URL[\s\S]*DIALWISE_GENERATION_DEADLINE_MS/);
  });
});
