/**
 * Generated replies: a chat backend over any OpenAI-compatible endpoint
 * (streamed, under a deadline), the gate a line passes before it is spoken,
 * and the cache of lines that passed.
 */
export {
  GENERATION_FAILURES,
  GenerationError,
  generationFailureOf,
  roughTokens,
  type ChatBackend,
  type ChatMessage,
  type Completion,
  type GenerationFailure,
} from './backend.js';
export { GenerationCache, type GenerationCacheOptions, type GenerationKey } from './cache.js';
export { GATE_RULES, gateLine, type GateContext, type GateRule, type GateVerdict } from './gate.js';
export { numbersIn, type NumberMention } from './numbers.js';
export { chatBackendFromConfig, openAiChat, type OpenAiChatSettings } from './openai-chat.js';
