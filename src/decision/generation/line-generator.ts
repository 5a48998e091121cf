/**
 * A generated line for a turn the policy lets generate: the facts retrieved
 * for the question, the prompt, the backend within the deadline (the whole
 * turn's: retrieval counts), then the gate. Whatever fails — off topic,
 * timeout, backend error, a gate rule — comes back as the cause, and the
 * engine speaks the template instead. Lines that passed are cached by
 * (node, intent, the facts' ids).
 */
import type { Clock } from '../../core/clock.js';
import {
  gateLine,
  GenerationCache,
  generationFailureOf,
  type ChatBackend,
  type GateRule,
  type GenerationFailure,
} from '../../models/generation/index.js';
import type { ComplianceHit } from '../../models/types.js';
import { buildPrompt, type PromptInput } from './prompt.js';
import type { GenerationGround, GenerationPolicy } from './generation-policy.js';

/** A fact retrieved for a question, with its BM25 score. */
export interface Fact {
  id: string;
  text: string;
  score: number;
}

/** What the engine asks for: the turn, once the flow has stepped and the template is chosen. */
export interface GenerationAsk extends Omit<PromptInput, 'facts' | 'maxChars'> {
  callId: string;
  campaignId: string | undefined;
  node: string;
  ground: GenerationGround;
}

/** Why the template was spoken after all. */
export type Fallback = 'off_topic' | GenerationFailure | `gate:${GateRule}`;

export type Generated =
  | { spoken: true; text: string; facts: string[]; tokens: number; ms: number; cached: boolean }
  | { spoken: false; cause: Fallback; detail: string; tokens: number; ms: number };

export interface LineGeneratorDeps {
  backend: ChatBackend;
  retrieve(question: string, campaignId: string | undefined, k: number): Promise<Fact[]>;
  checkBotLine(text: string): ComplianceHit[];
  policy: GenerationPolicy;
  deadlineMs: number;
  maxChars: number;
  maxTokens: number;
  /** How long a line that passed is reused (0: never). */
  cacheMs: number;
  clock: Clock;
  /** Each outcome, for the metrics. */
  onResult?(g: Generated): void;
}

export class LineGenerator {
  private readonly cache: GenerationCache;

  constructor(private readonly deps: LineGeneratorDeps) {
    this.cache = new GenerationCache({ clock: deps.clock, ttlMs: deps.cacheMs });
  }

  async generate(ask: GenerationAsk): Promise<Generated> {
    const started = performance.now();
    const g = await this.attempt(ask, started).catch((err: unknown) => failed(err, started));
    this.deps.onResult?.(g);
    return g;
  }

  private async attempt(ask: GenerationAsk, started: number): Promise<Generated> {
    const { deps } = this;
    const ms = () => Math.round(performance.now() - started);
    const facts = await deps.retrieve(ask.question, ask.campaignId, deps.policy.facts);
    if (ask.ground === 'on_topic' && (facts[0]?.score ?? 0) < deps.policy.minScore)
      return {
        spoken: false,
        cause: 'off_topic',
        detail: 'no fact answers it',
        tokens: 0,
        ms: ms(),
      };
    const key = { node: ask.node, intent: ask.intent, factIds: facts.map((f) => f.id) };
    const hit = this.cache.get(key);
    if (hit)
      return {
        spoken: true,
        text: hit,
        facts: [...key.factIds],
        tokens: 0,
        ms: ms(),
        cached: true,
      };
    const left = deps.deadlineMs - ms();
    if (left <= 0)
      return { spoken: false, cause: 'timeout', detail: 'retrieval', tokens: 0, ms: ms() };
    const prompt = buildPrompt({ ...ask, facts, maxChars: deps.maxChars });
    const done = await deps.backend.complete(prompt, {
      deadlineMs: left,
      maxTokens: deps.maxTokens,
    });
    const tokens = done.promptTokens + done.completionTokens;
    const text = done.text.trim();
    // The script's own line is approved wording: its numbers may be said too.
    const gate = gateLine(text, {
      facts: [...facts.map((f) => f.text), ask.template],
      maxChars: deps.maxChars,
      checkBotLine: deps.checkBotLine,
    });
    if (!gate.ok)
      return { spoken: false, cause: `gate:${gate.rule}`, detail: gate.detail, tokens, ms: ms() };
    this.cache.set(key, text, gate);
    return { spoken: true, text, facts: [...key.factIds], tokens, ms: ms(), cached: false };
  }
}

function failed(err: unknown, started: number): Generated {
  const ms = Math.round(performance.now() - started);
  return {
    spoken: false,
    cause: generationFailureOf(err),
    detail: err instanceof Error ? err.message : String(err),
    tokens: 0,
    ms,
  };
}
